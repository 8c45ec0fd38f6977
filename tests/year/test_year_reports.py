"""Through the year, on the WRITTEN workbooks of March, June and December 2025 (data: conftest.py).

The expected figures are worked out here from the month-by-month inputs, by the contract's rule,
independently of pipeline/domain/triwulan.py.
"""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from year_data import ANALISIS, BAD_PLAN_CODE, BY_KODE, CODES, DECEMBER_BEFORE_RP, K, MISSING, PLAN, RP, TARGET_RENSTRA, YEAR
from pipeline.samples import calibrated as cal

LEVELS = {2: "Program", 4: "Kegiatan", 5: "Sub Kegiatan"}
SASARAN = {"S1": ["2.17.02", "2.17.03"], "S2": ["2.17.07"], None: ["2.17.01"]}


def records(ws, first: str) -> tuple[list[str], list[dict]]:
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r and r[0] == first)
    header = list(rows[start])
    return header, [dict(zip(header, r, strict=False)) for r in rows[start + 1:] if any(v is not None for v in r)]


def col(header: list[str], number: int, kr: str = "") -> str:
    found = [h for h in header if h and h.startswith(f"({number}) ") and (not kr or h.endswith(f" {kr}"))]
    assert len(found) == 1, (number, kr, found)
    return found[0]


@pytest.fixture(scope="module")
def books(year_runs):
    out = year_runs["outputs"]
    return {p: load_workbook(out / p / f"laporan-kinerja-{p}.xlsx") for p in ("2025-03", "2025-06", "2025-12")}


# --- the expected figures, by hand ------------------------------------------------------------------


def sent(kode: str, month: int) -> bool:
    return (BY_KODE[kode].bidang, month) not in MISSING


def at(series: dict[int, float], kode: str, month: int) -> float | None:
    """The value standing for ``month``: its own, or the last earlier month's with a file."""
    for m in range(month, 0, -1):
        if sent(kode, m):
            return series[m]
    return None


def subs_of(kode: str) -> list[str]:
    return [c.kode for c in CODES if c.kode.count(".") == 5 and (c.kode == kode or c.kode.startswith(kode + "."))]


def rp_at(kode: str, month: int) -> float:
    return sum(at(RP[s], s, month) for s in subs_of(kode))


def is_level(kode: str) -> bool:
    return BY_KODE[kode].satuan == "%"


def quarters_k(kode: str, month: int) -> list[float | None]:
    out, before = [], 0
    for q, end in enumerate((3, 6, 9, 12)):
        if end - 2 > month:
            out.append(None)
            continue
        value = at(K[kode], kode, min(end, month))
        out.append(value if is_level(kode) else value - before)
        before = value
    return out


def quarters_rp(kode: str, month: int) -> list[float | None]:
    out, before = [], 0
    for end in (3, 6, 9, 12):
        if end - 2 > month:
            out.append(None)
            continue
        value = rp_at(kode, min(end, month))
        out.append(value - before)
        before = value
    return out


def expected_row(kode: str, month: int) -> dict:
    code = BY_KODE[kode]
    renstra = TARGET_RENSTRA.get(kode, (None, None, None, None))
    k5, rp5 = renstra[0], renstra[1]
    if renstra[2] is not None:
        k6, rp6 = renstra[2], renstra[3]
    elif code.december_before is not None:  # from the December 2024 files
        k6 = code.december_before[0]
        rp6 = sum(DECEMBER_BEFORE_RP[s] for s in subs_of(kode))
    else:  # Sekretariat sent no December 2024 file: unknown
        k6 = rp6 = None
    k12, rp12 = at(K[kode], kode, month), rp_at(kode, month)
    k13 = k12 if is_level(kode) else (None if k6 is None else k6 + k12)
    rp13 = None if rp6 is None else rp6 + rp12
    return {
        "k": {5: k5, 6: k6, 7: code.target, **dict(zip((8, 9, 10, 11), quarters_k(kode, month), strict=True)),
              12: k12, 13: k13, 14: None if k13 is None or not k5 else k13 / k5 * 100},
        "rp": {5: rp5, 6: rp6, 7: sum(BY_KODE[s].pagu for s in subs_of(kode)),
               **dict(zip((8, 9, 10, 11), quarters_rp(kode, month), strict=True)),
               12: rp12, 13: rp13, 14: None if rp13 is None or not rp5 else rp13 / rp5 * 100},
        "bidang": code.bidang,
    }


def shown(value, *, percent: bool):
    """A workbook cell as a number in the contract's units (percent points for percent cells)."""
    if value is None or value == "N/A":
        return None
    return value * 100 if percent else value


# --- Evaluasi Renja (Tabel E.81) --------------------------------------------------------------------


@pytest.mark.parametrize("period", ["2025-03", "2025-06", "2025-12"])
def test_every_e81_column_of_every_row(books, period):
    month = int(period[-2:])
    header, rows = records(books[period]["Evaluasi Renja"], "(1) No")
    kode_col, level_col = "(3) Kode", "(3) Level"
    coded = [r for r in rows if r[level_col] in ("Program", "Kegiatan", "Sub Kegiatan")]
    # every code of the files, once, in the order sasaran > program > kegiatan > sub kegiatan
    order = [k for group in SASARAN.values() for p in group for k in sorted(
        (c.kode for c in CODES if c.kode == p or c.kode.startswith(p + ".")), key=lambda c: [int(x) for x in c.split(".")])]
    assert [r[kode_col] for r in coded] == order
    for r in coded:
        kode = r[kode_col]
        exp = expected_row(kode, month)
        assert r[level_col] == LEVELS[kode.count(".")]
        assert r["(3) Program/Kegiatan/Sub Kegiatan"] == BY_KODE[kode].uraian
        assert r["(4) Indikator Kinerja"] == BY_KODE[kode].indikator
        assert r["(4) Satuan"] == BY_KODE[kode].satuan
        assert r["(15) Unit Penanggung Jawab"] == exp["bidang"]
        for number in range(5, 15):
            pct_k = number == 14 or is_level(kode)
            got_k = shown(r[col(header, number, "K")], percent=pct_k)
            got_rp = shown(r[col(header, number, "Rp")], percent=number == 14)
            want_k, want_rp = exp["k"][number], exp["rp"][number]
            assert got_k == pytest.approx(want_k, abs=1e-6) if want_k is not None else got_k is None, (kode, number, "K")
            assert got_rp == pytest.approx(want_rp, abs=1e-6) if want_rp is not None else got_rp is None, (kode, number, "Rp")
            if number in (5, 6, 7, 12, 13, 14) and want_k is None:
                assert r[col(header, number, "K")] == "N/A"
            if number in (8, 9, 10, 11) and (number - 8) * 3 + 1 > month:
                assert r[col(header, number, "K")] is None and r[col(header, number, "Rp")] is None


@pytest.mark.parametrize("period", ["2025-03", "2025-06", "2025-12"])
def test_e81_sasaran_rows_and_footer(books, period):
    month = int(period[-2:])
    header, rows = records(books[period]["Evaluasi Renja"], "(1) No")
    sasaran = [r for r in rows if r["(3) Level"] == "Sasaran"]
    iku = {d["kode"]: d for d in cal.IKU}
    assert [r["(3) Kode"] or "" for r in sasaran] == ["S1", "S2", ""]
    for r in sasaran:
        kode_iku = r["(3) Kode"] or None
        programs = SASARAN[kode_iku]
        if kode_iku:
            assert r["(2) Sasaran"] == iku[kode_iku]["pernyataan"]
            assert r["(4) Indikator Kinerja"] == iku[kode_iku]["indikator"]
            assert shown(r[col(header, 5, "K")], percent=True) == pytest.approx(iku[kode_iku]["target_akhir"])
            assert shown(r[col(header, 7, "K")], percent=True) == pytest.approx(iku[kode_iku]["targets"][YEAR])
        else:
            assert r["(2) Sasaran"] == "Program penunjang (tidak terkait sasaran)"
        for number in (7, 8, 9, 10, 11, 12):
            values = [expected_row(p, month)["rp"][number] for p in programs]
            want = None if all(v is None for v in values) else sum(v for v in values if v is not None)
            got = r[col(header, number, "Rp")]
            assert got == (pytest.approx(want) if want is not None else None), (kode_iku, number)
        for number in (5, 6, 13):
            values = [expected_row(p, month)["rp"][number] for p in programs]
            want = None if any(v is None for v in values) else sum(values)
            assert shown(r[col(header, number, "Rp")], percent=False) == (pytest.approx(want) if want is not None else None)
    # below the table: the average of column 14 (K) and its predikat, then the factor rows
    capaian = [expected_row(c.kode, month)["k"][14] for c in CODES]
    average = sum(v for v in capaian if v is not None) / sum(1 for v in capaian if v is not None)
    footer = {r["(2) Sasaran"]: r["(3) Program/Kegiatan/Sub Kegiatan"] for r in rows if r["(3) Level"] in (None, "")}
    text = footer["Rata-rata capaian kinerja Renstra (kolom 14, K)"]
    assert text == f"{average:.2f}".replace(".", ",") + " %"
    # the form's own predikat (Permendagri 86/2017), not the LKjIP's Skala
    bands = [(91, "Sangat Tinggi"), (76, "Tinggi"), (66, "Sedang"), (51, "Rendah"), (float("-inf"), "Sangat Rendah")]
    assert footer["Predikat kinerja"] == next(name for b, name in bands if average >= b)
    # the planner's sentences from the referensi's Analisis, per sasaran
    assert footer["Faktor pendorong keberhasilan pencapaian"] == "\n".join(
        f"{k}: {v[0]}" for k, v in ANALISIS.items())
    assert footer["Faktor penghambat pencapaian kinerja"] == f"S1: {ANALISIS['S1'][1]}"
    # the referensi's single "Tindak Lanjut" column is the next quarter's; the next Renja's row is left to fill
    assert footer["Tindak lanjut yang diperlukan dalam triwulan berikutnya"] == "\n".join(
        f"{k}: {v[2]}" for k, v in ANALISIS.items())
    assert footer["Tindak lanjut yang diperlukan dalam Renja berikutnya"] in (None, "")


def test_e81_quarter_arithmetic_spelled_out(books):
    """The rule in numbers: June's quarters of the sub kegiatan whose bidang skipped June."""
    header, rows = records(books["2025-06"]["Evaluasi Renja"], "(1) No")
    r = next(r for r in rows if r["(3) Kode"] == "2.17.01.1.01.0001")
    assert r[col(header, 8, "Rp")] == 300_000 and r[col(header, 9, "Rp")] == 200_000  # June = May's 500.000
    assert r[col(header, 12, "Rp")] == 500_000 and r[col(header, 9, "K")] == 2
    pct = next(r for r in rows if r["(3) Kode"] == "2.17.02.1.02.0001")  # a percentage output: levels
    assert [round(pct[col(header, n, "K")] * 100, 6) for n in (8, 9)] == [15, 30]
    assert pct[col(header, 13, "K")] * 100 == pytest.approx(30)  # 13 is the level of 12, not 6 + 12


def test_e81_workbook_in_the_form_layout(year_runs):
    out = year_runs["outputs"]
    for period in ("2025-03", "2025-06", "2025-12"):
        path = out / period / f"evaluasi-renja-{period}.xlsx"
        assert path.exists()
        assert list((out / period / "riwayat").glob(f"evaluasi-renja-{period}-*.xlsx"))
    wb = load_workbook(out / "2025-06" / "evaluasi-renja-2025-06.xlsx")
    ws = wb.active
    assert ws.page_setup.orientation == "landscape"
    texts = [[c.value for c in row] for row in ws.iter_rows(max_row=10)]
    head = next(i for i, row in enumerate(texts) if row[0] == "No") + 1
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert f"A{head}:A{head + 1}" in merged  # No spans the two header rows
    numbers = [c.value for c in ws[head + 2]]
    assert [n for n in numbers if n is not None] == list(range(1, 16))  # the row of column numbers
    subs = [c.value for c in ws[head + 1]]
    kode = subs.index("Kode")  # the form has no Level column
    assert subs[kode + 4:kode + 6] == ["K", "Rp"]  # Kode, Uraian, Indikator, Satuan, then 5 K / Rp
    assert "Triwulan II" in " ".join(str(v) for row in texts[:5] for v in row if v)
    # the same figures as the sheet of the consolidated workbook
    sheet = load_workbook(out / "2025-06" / "laporan-kinerja-2025-06.xlsx")["Evaluasi Renja"]
    header, rows = records(sheet, "(1) No")
    form = [[c.value for c in row] for row in ws.iter_rows(min_row=head + 3, max_row=head + 2 + len(
        [r for r in rows if r["(3) Level"]]))]
    assert [r[kode] for r in form] == [r["(3) Kode"] for r in rows if r["(3) Level"]]
    assert [r[-1] for r in form] == [r["(15) Unit Penanggung Jawab"] for r in rows if r["(3) Level"]]


def test_earlier_months_reports_are_untouched(year_runs):
    """Each run writes only its own period's folder; March's report is not rewritten by June's run."""
    out = year_runs["outputs"]
    march = load_workbook(out / "2025-03" / "laporan-kinerja-2025-03.xlsx")
    header, rows = records(march["Evaluasi Renja"], "(1) No")
    r = next(r for r in rows if r["(3) Kode"] == "2.17.03.1.01.0003")
    assert r[col(header, 9, "Rp")] is None and r[col(header, 12, "Rp")] == 600_000
    assert len(list((out / "2025-03" / "riwayat").glob("laporan-kinerja-2025-03-*.xlsx"))) == 1


# --- Tren Bulanan -----------------------------------------------------------------------------------


@pytest.mark.parametrize("period", ["2025-03", "2025-06", "2025-12"])
def test_monthly_trend(books, period):
    month = int(period[-2:])
    ws = books[period]["Tren Bulanan"]
    _, rows = records(ws, "Kode")
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
              "November", "Desember"][:month]
    programs = ["2.17.01", "2.17.02", "2.17.03", "2.17.07"]
    assert [(r["Kode"] or "", r["Bulan"]) for r in rows] == [("", m) for m in months] + [
        (p, m) for p in programs for m in months]
    for r in rows:
        m = months.index(r["Bulan"]) + 1
        scope = [r["Kode"]] if r["Kode"] else programs
        subs = [s for p in scope for s in subs_of(p)]
        pagu = sum(BY_KODE[s].pagu for s in subs)
        spent = sum(at(RP[s], s, m) for s in subs)
        plan = sum(PLAN[s][m] for s in subs)
        assert r["Program"] == (BY_KODE[r["Kode"]].uraian if r["Kode"] else "JUMLAH")
        assert r["Pagu (Rp)"] == pagu
        assert r["Realisasi Kumulatif (Rp)"] == spent
        assert r["Capaian Anggaran"] == pytest.approx(spent / pagu)
        assert r["Rencana Penarikan (Rp)"] == pytest.approx(plan)
        assert r["Rencana Penarikan (%)"] == pytest.approx(plan / pagu)
        if r["Kode"]:
            kode = r["Kode"]
            assert r["Capaian Keluaran"] == pytest.approx(at(K[kode], kode, m) / BY_KODE[kode].target)
    # a native line chart of realisation against plan over the JUMLAH rows
    assert len(ws._charts) == 1
    chart = ws._charts[0]
    assert type(chart).__name__ == "LineChart"
    assert [s.tx.v for s in chart.series] == ["Realisasi Kumulatif (Rp)", "Rencana Penarikan (Rp)"]
    first = next(i for i, row in enumerate(ws.iter_rows(values_only=True), start=1) if row[0] == "Kode") + 1
    assert chart.series[0].val.numRef.f == f"'Tren Bulanan'!$E${first}:$E${first + month - 1}"


# --- Peringatan Dini and the drop check --------------------------------------------------------------


def warnings_of(books, period) -> list[dict]:
    return records(books[period]["Peringatan Dini"], "Jenis")[1]


def test_no_early_warning_in_march(books):
    assert warnings_of(books, "2025-03") == []


def test_early_warnings_in_june(books):
    found = {(w["Jenis"], w["Kode"] or w["Bidang"]): w for w in warnings_of(books, "2025-06")}
    assert set(found) == {("Penyerapan di bawah rencana", "2.17.03.1.01.0003"),
                          ("Capaian keluaran tertinggal dari penyerapan", "2.17.07.1.01.0002"),
                          ("Bidang tidak mengirim", cal.SEKRETARIAT)}
    lag = found[("Penyerapan di bawah rencana", "2.17.03.1.01.0003")]
    assert lag["Bidang"] == cal.PENGAWASAN and lag["Sejak"] == "Juni 2025"
    assert lag["Seberapa Jauh"] == "20,83 poin"  # plan 50 %, absorbed 700.000 / 2.400.000 = 29,17 %
    assert "29,17 %" in lag["Keterangan"] and "50,00 %" in lag["Keterangan"]
    output = found[("Capaian keluaran tertinggal dari penyerapan", "2.17.07.1.01.0002")]
    assert output["Seberapa Jauh"] == "25,00 poin" and output["Sejak"] == "Juni 2025"
    silent = found[("Bidang tidak mengirim", cal.SEKRETARIAT)]
    assert silent["Sejak"] == "Juni 2025" and silent["Seberapa Jauh"] == "1 bulan"


def test_early_warnings_in_december(books):
    found = warnings_of(books, "2025-12")
    assert [(w["Jenis"], w["Kode"], w["Sejak"]) for w in found] == [
        # the percentage output: level 60 of 80 (75 %) while the money is all spent (100 %)
        ("Capaian keluaran tertinggal dari penyerapan", "2.17.02.1.02.0001", "Oktober 2025"),
        ("Nilai kumulatif turun", "2.17.07.1.01.0002", "Agustus 2025")]
    assert found[0]["Seberapa Jauh"] == "25,00 poin"
    assert found[1]["Seberapa Jauh"] == "Rp 50.000"
    assert "Rp 700.000 (Juli)" in found[1]["Keterangan"] and "Rp 650.000 (Agustus)" in found[1]["Keterangan"]


def test_a_cumulative_drop_is_a_warning_at_its_cell(books, year_runs):
    _, problems = records(books["2025-12"]["Validasi"], "Tingkat")
    drops = [p for p in problems if p["Aturan"] == "cumulative_decrease"]
    assert len(drops) == 1
    p = drops[0]
    assert p["Tingkat"] == "Peringatan" and p["Berkas"] == f"realisasi/{YEAR}/08 {cal.KEWIRAUSAHAAN}.xlsx"
    assert p["Kolom"] == "Realisasi Anggaran" and p["Nilai"] == "Rp 650.000"
    assert "Juli 2025" in p["Pesan"] and "Rp 700.000" in p["Pesan"]
    # the cell holds the August figure
    wb = load_workbook(year_runs["inputs"] / p["Berkas"])
    assert wb["Realisasi"][p["Sel/Baris"]].value == 650_000
    _, june = records(books["2025-06"]["Validasi"], "Tingkat")
    assert not [p for p in june if p["Aturan"] == "cumulative_decrease"]


def test_the_page_summary_has_the_warning_count(year_runs):
    out = year_runs["outputs"]
    counts = {p: json.loads((out / p / "ringkasan.json").read_text(encoding="utf-8")) for p in ("2025-03", "2025-06")}
    assert counts["2025-03"]["peringatan_dini"] == 0
    assert counts["2025-06"]["peringatan_dini"] == 3
    assert counts["2025-06"]["evaluasi_renja"] == "evaluasi-renja-2025-06.xlsx"


def test_a_plan_row_for_a_kegiatan_is_rejected_with_its_reason(books):
    _, problems = records(books["2025-03"]["Validasi"], "Tingkat")
    bad = [p for p in problems if p["Lembar"] == "Rencana Penarikan"]
    assert [(p["Tingkat"], p["Aturan"], p["Nilai"]) for p in bad] == [("Error", "code_invalid", BAD_PLAN_CODE)]
    assert "sub kegiatan" in bad[0]["Pesan"]


def test_earlier_months_files_are_accounted_for(books):
    _, files = records(books["2025-06"]["Ringkasan"], "Berkas")
    by_name = {f["Berkas"]: f for f in files}
    april = by_name[f"realisasi/{YEAR}/04 {cal.PENGAWASAN}.xlsx"]
    assert april["Status"] == "Periode lain" and "Evaluasi Renja" in april["Catatan"]
    july = by_name[f"realisasi/{YEAR}/07 {cal.PENGAWASAN}.xlsx"]
    assert july["Status"] == "Periode lain" and "tidak dipakai" in july["Catatan"]
    assert all(f["Baris Dibaca"] == f["Baris Diterima"] + f["Baris Ditolak"] for f in files)
