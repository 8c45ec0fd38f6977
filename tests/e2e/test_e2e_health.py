"""End to end: an office of another kind, a kabupaten health office with no cooperative data.

The drop folder comes from :mod:`pipeline.samples.health` (Dinas Kesehatan Kabupaten Banyumas,
December 2025, twelve monthly files per bidang, level-2 codes of urusan 1.02 and 2.14, every IKU
MANUAL, no ``odk/`` folder and no ``Statistik`` sheet).  One run; every expected figure is computed
here from the sample's own description (its constants), never with the pipeline's functions, and
every assertion reads the WRITTEN workbook or document.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.samples import health as h

pytestmark = pytest.mark.slow  # one full-year run (60 monthly files), about 20-50 s

PERIOD = "2025-12"
# (not "UKM": in a health office's nomenclature it is Upaya Kesehatan Masyarakat, the office's own word)
COOPERATIVE_WORDS = re.compile(r"koperasi|umkm|kumkm|usaha kecil|usaha mikro|\bbali\b|denpasar|wirausaha|\bodk\b|"
                               r"online data", re.IGNORECASE)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("health") / "inputs"
    h.generate_health(root)
    return root


@pytest.fixture(scope="module")
def report(build, inputs, tmp_path_factory):
    return build.run_pipeline(inputs, tmp_path_factory.mktemp("health-out"), PERIOD)


def _december(name: str) -> str:
    return ("realisasi" / h.file_name(name, 12)).as_posix()


def _capaian(real: float, target: float, polaritas: str) -> float:
    return ((2 * target - real) if polaritas == "Negatif" else real) / target * 100


def _kategori(capaian: float) -> str:
    return next(name for name, bound in h.SKALA if capaian >= bound)


def _all_subs():
    return list(h.SUBS)


def _subs_under(kode: str):
    return [s for s in h.SUBS if s.kode.startswith(kode + ".")]


# --- what an office without cooperative data gets ----------------------------------------------


def test_no_cooperative_sheet_and_no_error_for_what_the_office_does_not_need(report):
    assert "Koperasi" not in report.wb.sheetnames
    assert report.wb.sheetnames == ["Ringkasan", "IKU", "Tren IKU", "Renstra", "Efisiensi", "Kinerja Program",
                                    "Realisasi Anggaran", "Anggaran", "Pengumpulan", "Validasi", "Tren Bulanan",
                                    "Evaluasi Renja", "Peringatan Dini"]
    problems = report.validasi()
    assert not [p for p in problems if p["Tingkat"] == "Error"], problems
    assert not [p for p in problems if p["Aturan"] in ("sheet_not_found", "iku_data_missing")]
    assert not [p for p in problems if "Statistik" in (p["Pesan"] or "") or "ODK" in (p["Pesan"] or "")]


def test_no_cooperative_or_bali_word_in_any_sheet(report):
    found = []
    for ws in report.wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str) and COOPERATIVE_WORDS.search(value):
                    found.append((ws.title, value))
    assert not found, found[:10]
    ringkasan = report.wb["Ringkasan"]
    assert ringkasan["A2"].value == h.INSTANSI


# --- IKU: every indicator stated by the planner --------------------------------------------------


def test_iku_figures_negative_and_index_indicators(report):
    stated = {(k, y): v for k, y, v, _ in h.REALISASI_IKU}
    rows = {(r["Kode IKU"], r["Tahun"]): r for r in report.records("IKU", "Kode IKU")}
    assert len(rows) == 2 * len(h.IKU)
    for item in h.IKU:
        for year in (2024, 2025):
            row = rows[(item["kode"], year)]
            target, real = item["targets"][year], stated[(item["kode"], year)]
            cap = _capaian(real, target, item["polaritas"])
            assert row["Target"] == pytest.approx(target) and row["Realisasi"] == pytest.approx(real)
            assert row["Capaian"] == pytest.approx(cap / 100), (item["kode"], year)
            assert row["Kategori"] == _kategori(cap)
            assert row["Sumber Realisasi"] == "Ditetapkan (referensi)"
            assert row["Sumber Data"] == item["sumber_data"]
            standar = item.get("standar_nasional") if year == 2025 else None
            assert row["Standar Nasional"] == (pytest.approx(standar) if standar is not None else None)
    # lower is better: 84,5 deaths per 100.000 against a target of 90 is above 100 %
    assert rows[("S1", 2025)]["Capaian"] == pytest.approx((2 * 90 - 84.5) / 90)


def test_tren_iku_every_year_of_the_renstra(report):
    stated = {(k, y): v for k, y, v, _ in h.REALISASI_IKU}
    rows = {(r["Kode IKU"], r["Tahun"]): r for r in report.records("Tren IKU", "Kode IKU")}
    for item in h.IKU:
        for year, target in item["targets"].items():
            row = rows[(item["kode"], year)]
            assert row["Target"] == pytest.approx(target)
            real = stated.get((item["kode"], year))
            if real is None:  # a year after the period: no realisasi, never 0
                assert row["Realisasi"] == "N/A" and row["Capaian"] == "N/A"
            else:
                assert row["Realisasi"] == pytest.approx(real)
                assert row["Capaian"] == pytest.approx(_capaian(real, target, item["polaritas"]) / 100)


def test_renstra_progress_kumulatif_and_negatif(report):
    stated = {(k, y): v for k, y, v, _ in h.REALISASI_IKU}
    rows = {r["Kode IKU"]: r for r in report.records("Renstra", "Kode IKU")}
    for item in h.IKU:
        years = range(h.TAHUN_AWAL, h.YEAR + 1) if item["akumulasi"] == "Kumulatif" else [h.YEAR]
        real = sum(stated[(item["kode"], y)] for y in years)
        cap = _capaian(real, item["target_akhir"], item["polaritas"])
        row = rows[item["kode"]]
        assert row["Realisasi s.d. 2025"] == pytest.approx(real)
        assert row["Target Akhir Renstra 2029"] == pytest.approx(item["target_akhir"])
        assert row["Capaian"] == pytest.approx(cap / 100)
        assert row["Tingkat Kemajuan"] == ("Melebihi Target" if cap > 100 else "Mendekati Target")


def test_anggaran_by_jenis_belanja(report):
    rows = {r["Jenis Belanja"]: r for r in report.records("Anggaran", "Jenis Belanja")}
    pegawai = sum(s.pagu for s in h.SUBS if s.kode.startswith("1.02.01.2.02."))
    total = sum(s.pagu for s in h.SUBS)
    assert rows["Belanja Pegawai"]["Pagu Awal (Rp)"] == pegawai
    assert rows["Belanja Barang dan Jasa"]["Pagu Pergeseran (Rp)"] == total - pegawai
    assert rows[f"Alokasi Anggaran Tahun {h.YEAR} (Jumlah)"]["Pagu Awal (Rp)"] == total


# --- budget ---------------------------------------------------------------------------------


def test_realisasi_anggaran_of_every_level_and_bidang(report):
    rows = {r["Kode"]: r for r in report.records("Realisasi Anggaran", "Level")}
    for s in h.SUBS:
        row = rows[s.kode]
        assert (row["Pagu (Rp)"], row["Realisasi (Rp)"]) == (s.pagu, s.spent)
        assert row["Bidang"] == s.bidang
        assert row["Capaian"] == pytest.approx(s.spent / s.pagu)
    for parent in [p for prog in h.PROGRAMS for p in (prog, *prog.children)]:
        subs = _subs_under(parent.kode)
        assert rows[parent.kode]["Pagu (Rp)"] == sum(s.pagu for s in subs)
        assert rows[parent.kode]["Realisasi (Rp)"] == sum(s.spent for s in subs)
    total = next(r for r in report.records("Realisasi Anggaran", "Level") if r["Level"] == "Jumlah")
    assert total["Pagu (Rp)"] == sum(s.pagu for s in h.SUBS) and total["Realisasi (Rp)"] == sum(s.spent for s in h.SUBS)
    # programs of two bidang urusan (1.02 Kesehatan, 2.14 KB) in code order
    programs = [r["Kode"] for r in report.records("Realisasi Anggaran", "Level") if r["Level"] == "Program"]
    assert programs == ["1.02.01", "1.02.02", "1.02.03", "1.02.04", "2.14.03"]


def _year_value(s: h.Sub) -> float:
    """The output of the year: December's figure, or the mean of the months for a Rata-rata output."""
    return sum(s.levels) / 12 if s.sifat == "Rata-rata" else s.output(12)


def test_kinerja_program_takes_the_year_value_of_each_output(report):
    rows = {(r["Kode IKU"], r["Kode"]): r for r in report.records("Kinerja Program", "Kode IKU")}
    for kode_iku in ("S1", "S2"):
        for s in _subs_under("1.02.02"):
            row = rows[(kode_iku, s.kode)]
            expected = _year_value(s)
            assert row["Realisasi"] == pytest.approx(expected / 100 if s.satuan == "%" else expected), s.kode
            assert row["Capaian"] == pytest.approx(expected / s.target), s.kode
            assert row["Menunjang/Tidak Menunjang"] == ("Menunjang" if expected / s.target * 100 >= 91
                                                        else "Tidak Menunjang")
    # the surveillance visits: the mean of the twelve months (3,63), not December's 3,7
    assert rows[("S1", "1.02.02.2.02.0017")]["Realisasi"] == pytest.approx(sum(h.KUNJUNGAN_SURVEILANS) / 12)


def test_efisiensi_per_sasaran(report):
    rows = {r["Kode IKU"]: r for r in report.records("Efisiensi", "Kode IKU")}
    for kode in ("S1", "S2", "S3"):
        programs = [p for p, k in h.CASCADING if k == kode]
        subs = [s for p in programs for s in _subs_under(p)]
        ck = {s.kode: min(_year_value(s) / s.target, 1.0) for s in subs}
        planned = sum(s.pagu * ck[s.kode] for s in subs)
        assert rows[kode]["Anggaran (Rp)"] == sum(s.pagu for s in subs)
        assert rows[kode]["Realisasi Anggaran (Rp)"] == sum(s.spent for s in subs)
        assert rows[kode]["Tingkat Efisiensi"] == pytest.approx((planned - sum(s.spent for s in subs)) / planned)


# --- Pengumpulan: a file counts for the bidang whose sub kegiatan rows it holds --------------------


def test_a_shared_subtotal_row_credits_nobody(report):
    rows = {r["Bidang"]: r for r in report.records("Pengumpulan", "Bidang")}
    assert list(rows) == list(h.BIDANG_ORDER)
    # P2P's December file repeats Kesehatan Masyarakat's program and kegiatan rows above its own sub
    # kegiatan; it arrived on time, Kesehatan Masyarakat's own file on 14 January: late
    assert rows[h.KESMAS]["Status"] == "Terlambat"
    assert rows[h.KESMAS]["Berkas"] == _december(h.KESMAS)
    assert rows[h.P2P]["Status"] == "Tepat Waktu" and rows[h.P2P]["Berkas"] == _december(h.P2P)
    for bidang in (h.SEKRETARIAT, h.SDK, h.KB):
        assert rows[bidang]["Status"] == "Tepat Waktu" and rows[bidang]["Berkas"] == _december(bidang)
    ringkasan = report.ringkasan()
    for bidang in h.BIDANG_ORDER:
        for month in range(1, 13):
            assert ringkasan[("realisasi" / h.file_name(bidang, month)).as_posix()]["Bidang"] == bidang


# --- through the year: E.81, levels and means ------------------------------------------------------


def _e81(report) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for r in report.records("Evaluasi Renja", "(1) No"):
        if r["(3) Kode"] and r["(3) Kode"] not in out:
            out[r["(3) Kode"]] = r
    return out


def _quarters(s: h.Sub) -> list[float]:
    if s.sifat == "Tingkat":
        return [s.levels[end - 1] for end in (3, 6, 9, 12)]
    if s.sifat == "Rata-rata":
        return [sum(s.levels[end - 3:end]) / 3 for end in (3, 6, 9, 12)]
    ends = [s.output(end) for end in (3, 6, 9, 12)]
    return [ends[0], *(b - a for a, b in zip(ends, ends[1:], strict=False))]


def test_e81_an_index_over_four_quarters_is_a_level_not_a_sum(report):
    rows = _e81(report)
    k = [f"({c}) Realisasi Triwulan {t} K" for c, t in zip((8, 9, 10, 11), ("I", "II", "III", "IV"), strict=True)]
    k12 = next(name for name in rows["S1"] if name.startswith("(12)") and name.endswith("K"))
    indeks = rows["1.02.02.2.02.0015"]
    assert [indeks[c] for c in k] == pytest.approx([71.2, 74.0, 76.0, 79.4])
    assert indeks[k12] == pytest.approx(79.4) and indeks[k12] != pytest.approx(sum([71.2, 74.0, 76.0, 79.4]))
    tb = rows["1.02.02.2.02.0011"]  # a rate per 100.000 penduduk
    assert [tb[c] for c in k] == pytest.approx([39.8, 80.7, 125.9, 171.2]) and tb[k12] == pytest.approx(171.2)
    mean = rows["1.02.02.2.02.0017"]  # Rata-rata from the Sifat Indikator sheet
    assert mean[k12] == pytest.approx(sum(h.KUNJUNGAN_SURVEILANS) / 12)
    for s in h.SUBS:
        row = rows[s.kode]
        assert [row[c] for c in k] == pytest.approx([v / 100 if s.satuan == "%" else v for v in _quarters(s)]), s.kode
        rp = [s.money(end) - s.money(end - 3) for end in (3, 6, 9, 12)]
        assert [row[c.replace(" K", " Rp")] for c in k] == rp, s.kode
        assert row["(15) Unit Penanggung Jawab"] == s.bidang


def test_e81_groups_the_program_under_both_sasaran_it_serves(report):
    records = report.records("Evaluasi Renja", "(1) No")
    under = {}
    sasaran = None
    for r in records:
        if r["(3) Level"] == "Sasaran":
            sasaran = r["(3) Kode"]
        elif r["(3) Level"] == "Program":
            under.setdefault(r["(3) Kode"], []).append(sasaran)
    assert under["1.02.02"] == ["S1", "S2"]
    assert under["1.02.01"] == [None]  # the Penunjang program serves no sasaran


def test_tren_bulanan_total(report):
    rows = [r for r in report.records("Tren Bulanan", "Kode") if r["Program"] == "JUMLAH"]
    assert len(rows) == 12
    for month, row in enumerate(rows, start=1):
        assert row["Pagu (Rp)"] == sum(s.pagu for s in h.SUBS)
        assert row["Realisasi Kumulatif (Rp)"] == sum(s.money(month) for s in h.SUBS)


def test_peringatan_dini_computed_from_the_sample(report):
    """Every sub kegiatan against the share of the year elapsed (no Rencana Penarikan), and its output
    against its absorption, 20 points, since the first month of the run of months behind."""
    from pipeline.samples.writer import bulan

    def since(gaps: dict[int, float]) -> int | None:
        if gaps[12] <= 20:
            return None
        first = 12
        while first > 1 and gaps[first - 1] > 20:
            first -= 1
        return first

    expected = []
    for s in h.SUBS:
        absorption = {m: s.money(m) / s.pagu * 100 for m in range(1, 13)}
        month = since({m: m / 12 * 100 - absorption[m] for m in range(1, 13)})
        if month:
            expected.append(("Penyerapan di bawah waktu berjalan", s.kode, s.bidang,
                             f"{100 - absorption[12]:.2f}".replace(".", ",") + " poin", f"{bulan(month)} {h.YEAR}"))
        done = {m: s.output(m) if s.sifat != "Rata-rata" else sum(s.levels[:m]) / m for m in range(1, 13)}
        month = since({m: absorption[m] - done[m] / s.target * 100 for m in range(1, 13)})
        if month:
            expected.append(("Capaian keluaran tertinggal dari penyerapan", s.kode, s.bidang, None, None))
    found = [(r["Jenis"], r["Kode"], r["Bidang"], r["Seberapa Jauh"], r["Sejak"])
             for r in report.records("Peringatan Dini", "Jenis")]
    assert found == expected
    assert expected == [("Penyerapan di bawah waktu berjalan", "1.02.04.2.06.0001", h.SDK, "30,00 poin", "Juli 2025")]


def test_no_cumulative_decrease_warning_for_levels_and_means(report):
    # the index, the rate and the mean go down some months; only additive figures must not
    assert not report.problems(rule="cumulative_decrease")
    fell = [r for r in report.records("Peringatan Dini", "Jenis") if r["Jenis"] == "Nilai kumulatif turun"]
    assert not fell


# --- the document ---------------------------------------------------------------------------------


def _document_text(path: Path) -> str:
    docx = pytest.importorskip("docx")
    doc = docx.Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in doc.sections:
        parts.extend(p.text for p in section.header.paragraphs)
    return "\n".join(parts)


def test_the_document_is_the_health_office_own(report):
    path = report.path.with_suffix(".docx")
    assert path.exists()
    text = _document_text(path)
    assert h.INSTANSI in text and h.KEPALA in text and h.NIP in text
    assert "Angka Kematian Ibu" in text and "Indeks Keluarga Sehat" in text
    found = sorted({m.group(0) for m in COOPERATIVE_WORDS.finditer(text)})
    assert not found, found
    # Sumber Data: the note under the IKU tables
    assert "Sumber data:" in text
    for item in h.IKU:
        assert item["sumber_data"] in text


def test_e81_form_of_a_kabupaten_signed_by_its_head(report):
    """The E.81 form of this run: the level from the office's name, the head of the OPD from the
    referensi in `Disusun`, Bappeda's lines left to fill in `Dievaluasi`."""
    import openpyxl

    ws = openpyxl.load_workbook(report.path.parent / f"evaluasi-renja-{PERIOD}.xlsx").active
    assert ws["A1"].value == "EVALUASI TERHADAP HASIL RENJA PERANGKAT DAERAH LINGKUP KABUPATEN"
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert f"Perangkat Daerah: {h.INSTANSI}" in texts
    disusun, dievaluasi = texts.index("Disusun"), texts.index("Dievaluasi")
    assert disusun < dievaluasi
    assert {h.KEPALA, f"NIP. {h.NIP}", h.JABATAN, "Kepala Bappeda Kabupaten"} <= set(texts[disusun:])
    assert "Tindak lanjut yang diperlukan dalam Renja berikutnya" in texts


# --- Statistik: missing, with and without an IKU that needs it (lkjip validate on the referensi) ---------


def _validate(capsys, path: Path, inputs: Path) -> tuple[int, str]:
    from pipeline.cli import main

    code = main(["validate", str(path), "--inputs", str(inputs)])
    return code, capsys.readouterr().out


def test_validate_a_referensi_without_statistik(tmp_path, capsys):
    inputs = tmp_path / "inputs"
    path = h.write_health_referensi(inputs / h.REFERENSI)
    code, out = _validate(capsys, path, inputs)
    assert code == 0 and "Statistik" not in out, out
    needs = dict(kode="S4", level="Sasaran", pernyataan="Meningkatnya Wirausaha Kesehatan",
                 indikator="Rasio Wirausaha Kesehatan", satuan="%", polaritas="Positif", sumber="RASIO_KEWIRAUSAHAAN",
                 targets={2025: 2}, target_akhir=3, akumulasi="Tahun Berjalan", formula="Wirausaha / penduduk")
    path = h.write_health_referensi(inputs / h.REFERENSI, extra_iku=(needs,))
    code, out = _validate(capsys, path, inputs)
    assert code == 1, out
    assert "iku_data_missing" in out or "S4" in out
    assert "Rasio Wirausaha Kesehatan" in out and "Statistik" in out
