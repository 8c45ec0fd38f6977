from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook

from pipeline.report.publish import publish, write_summary

WITA = ZoneInfo("Asia/Makassar")


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hasher():
    """Argon2id as the page uses it, with tiny time and memory costs: the accounts, logins and
    password changes of the web tests hash in microseconds instead of about half a second each."""
    from argon2 import PasswordHasher

    from pipeline.web import accounts

    previous = accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield
    accounts.use_hasher(previous)


def _writer(text):
    def write(path: Path) -> None:
        wb = Workbook()
        wb.active.title = "Ringkasan"
        wb.active["A1"] = text
        wb.save(path)

    return write


@pytest.fixture
def outputs(tmp_path):
    """An outputs folder with December 2024 published twice (so one earlier
    version in riwayat/) and November 2024 once, with summaries."""
    out = tmp_path / "outputs"
    publish(_writer("Desember v1"), out, "2024-12", datetime(2025, 1, 11, 7, 0, 5, tzinfo=WITA))
    publish(_writer("Desember v2"), out, "2024-12", datetime(2025, 1, 12, 9, 30, 0, tzinfo=WITA))
    publish(_writer("November"), out, "2024-11", datetime(2024, 12, 11, 7, 0, 0, tzinfo=WITA))
    write_summary(
        out,
        "2024-12",
        {
            "period": "2024-12",
            "made_at": "2025-01-12T09:30:00+08:00",
            "workbook": "laporan-kinerja-2024-12.xlsx",
            "problems": {"Error": 3, "Peringatan": 7},
            "pengumpulan": [
                {"bidang": "Bidang UKM", "status": "Tepat Waktu", "files": ["ukm-des.xlsx"],
                 "received_at": "2025-01-09T10:00:00+08:00", "errors": 3, "warnings": 2},
                {"bidang": "Bidang <Koperasi>", "status": "Terlambat", "files": ["kop.xlsx"],
                 "received_at": "2025-01-11T08:00:00+08:00", "errors": 0, "warnings": 5},
                {"bidang": "Sekretariat", "status": "Belum Mengirim", "files": [],
                 "received_at": None, "errors": 0, "warnings": 0},
            ],
        },
    )
    return out



@pytest.fixture
def office(tmp_path, monkeypatch, outputs):
    """Sample inputs without Bidang Kewirausahaan's file, the published outputs, and an
    instance with a planner and two bidang accounts made with ``lkjip akun``."""
    from frontdoor_helpers import make_office

    return make_office(tmp_path, monkeypatch, outputs)
