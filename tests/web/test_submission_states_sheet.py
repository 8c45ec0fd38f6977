"""The Pengumpulan sheet shows the page's submission states (read from the instance folder)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from pipeline.domain.submissions import LATE, MISSING, ON_TIME, SubmissionRow
from pipeline.intake.submission_store import SubmissionStore, with_states

WITA = ZoneInfo("Asia/Makassar")
NOW = datetime(2025, 1, 12, 9, 30, tzinfo=WITA)


def rows():
    return [SubmissionRow("Bidang UKM", ON_TIME, ["a.xlsx"]), SubmissionRow("Sekretariat", LATE, ["b.xlsx"]),
            SubmissionRow("Bidang  koperasi", ON_TIME, ["c.xlsx"]), SubmissionRow("Bidang Lain", MISSING, []),
            SubmissionRow("Bidang Pengawasan", MISSING, [])]


def test_states_come_from_the_store_and_dropped_files_count_as_diajukan(tmp_path):
    store = SubmissionStore(tmp_path)
    store.submit("Bidang UKM", "2024-12", "u1", "ukm", NOW)
    store.verify("Bidang UKM", "2024-12", "rencana", NOW)
    store.submit("Bidang Koperasi", "2024-12", "u2", "kop", NOW)
    store.give_back("Bidang Koperasi", "2024-12", "Lengkapi sub kegiatan 0003", "rencana", NOW)
    store.reject("Bidang Pengawasan", "2024-12", "u3", "awas", NOW)
    store.submit("Sekretariat", "2024-11", "u4", "sekre", NOW)  # another month: not this one's state
    found = {r.bidang: r for r in with_states(rows(), "2024-12", tmp_path)}
    assert found["Bidang UKM"].pengajuan == "Diverifikasi"
    assert found["Bidang UKM"].catatan_pengajuan.startswith("diverifikasi oleh rencana, 2025-01-12 09:30")
    assert found["Bidang  koperasi"].pengajuan == "Dikembalikan"  # names match ignoring case and spaces
    assert found["Bidang  koperasi"].catatan_pengajuan == "Lengkapi sub kegiatan 0003"
    assert found["Sekretariat"].pengajuan == "Diajukan"  # dropped into the folder directly
    assert found["Bidang Lain"].pengajuan == ""
    assert found["Bidang Pengawasan"].pengajuan == "Ditolak"
    assert found["Bidang UKM"].as_dict()["pengajuan"] == "Diverifikasi"


def test_no_store_no_database_made(tmp_path):
    found = with_states(rows(), "2024-12", tmp_path / "kosong")
    assert [r.pengajuan for r in found] == ["Diajukan", "Diajukan", "Diajukan", "", ""]
    assert not (tmp_path / "kosong").exists()


def test_the_sheet_has_the_state_column():
    from pipeline.intake.referensi import Referensi
    from pipeline.domain.periods import Period
    from pipeline.report.tables import pengumpulan_sheet

    store_rows = [SubmissionRow("Bidang UKM", ON_TIME, ["a.xlsx"], pengajuan="Dikembalikan",
                                catatan_pengajuan="Perbaiki pagu")]
    table = pengumpulan_sheet(Referensi(file=""), store_rows, [], Period(2024, 12))
    assert table.columns[-1] == "Pengajuan"
    row = table.rows[0]
    assert row[-1] == "Dikembalikan" and "Perbaiki pagu" in row[-2]
