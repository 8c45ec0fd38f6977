"""The bundled sample inputs reproduce the published LKjIP 2024 (read back with openpyxl, not the pipeline)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest

from pipeline.samples import calibrated as cal
from pipeline.samples.bundled import ODK, REFERENSI, generate, odk_arguments
from pipeline.samples.writer import ODK_FIELDS, ODK_HEADERS, odk_rows, rupiah_text, write_odk

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "inputs"
GOLDEN = ROOT / "tests" / "data" / "lkjip-2024.json"  # the figures of the published LKjIP 2024


def golden() -> dict:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def money(value) -> int | None:
    """A rupiah cell: a number, or Indonesian text (Rp. 1.234.567,00 / 1.234.567 / -)."""
    if value is None or isinstance(value, (int, float)):
        return None if value is None else round(value)
    text = re.sub(r"^Rp\.?\s*", "", str(value).strip())
    if text in ("", "-"):
        return 0
    whole, _, cents = text.partition(",")
    assert cents in ("", "00", "-"), value
    return int(whole.replace(".", ""))


def values(ws) -> list[tuple]:
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def find_header(rows, first: str) -> int:
    return next(i for i, r in enumerate(rows) if r and r[0] is not None and str(r[0]).strip() == first)


# --- realisasi ------------------------------------------------------------

# the header names the sample files use, per field (a two-row header is joined: "Realisasi Fisik")
HEADER_FIELDS = {
    "kode": {"Kode", "Kode Rekening", "Kode Program/Kegiatan/Sub Kegiatan"},
    "uraian": {"Uraian", "Program/Kegiatan/Sub Kegiatan", "Nama Program/Kegiatan/Sub Kegiatan"},
    "target": {"Target", "Target Kinerja", "Target Keluaran", "Target Fisik"},
    "realisasi": {"Realisasi", "Realisasi Kinerja", "Realisasi Keluaran", "Realisasi Fisik"},
    "pagu": {"Pagu", "Pagu Anggaran", "Anggaran (Rp)", "Pagu (Rp)", "Pagu Anggaran (Rp)"},
    "realisasi_anggaran": {"Realisasi Anggaran", "Realisasi Keuangan", "Realisasi (Rp)", "Realisasi Keuangan (Rp)",
                           "Realisasi Anggaran (Rp)"},
}


def realisasi_rows() -> dict[str, list[dict]]:
    """file name -> rows (kode, uraian, target, realisasi, pagu, realisasi_anggaran) of every realisasi file."""
    out = {}
    for path in sorted((INPUTS / "realisasi").rglob("*.xlsx")):
        wb = openpyxl.load_workbook(path, read_only=True)
        rows = values(wb["Realisasi"])
        wb.close()
        h = next(i for i, r in enumerate(rows) if r[0] and str(r[0]).startswith("Kode"))
        names = [str(c) if c else "" for c in rows[h]]
        start = h + 1
        if rows[h + 1][0] is None:  # two-row header: parent over children
            parent = ""
            for i, child in enumerate(rows[h + 1]):
                parent = names[i] or parent
                if child:
                    names[i] = f"{parent} {child}"
            start = h + 2
        col = {f: next(i for i, n in enumerate(names) if n in options) for f, options in HEADER_FIELDS.items()}
        parsed = []
        for r in rows[start:]:
            if all(v is None for v in r):
                continue
            row = {f: r[i] for f, i in col.items()}
            row["pagu"], row["realisasi_anggaran"] = money(row["pagu"]), money(row["realisasi_anggaran"])
            parsed.append(row)
        out[path.relative_to(INPUTS / "realisasi").as_posix()] = parsed
    return out


@pytest.fixture(scope="module")
def realisasi():
    return realisasi_rows()


def test_six_files_cover_the_tree(realisasi):
    assert len(realisasi) == 6
    assert any(name.startswith("2024-12/") for name in realisasi)
    rows = [r for rs in realisasi.values() for r in rs if r["kode"] and r["kode"] != "JUMLAH"]
    levels = defaultdict(int)
    for r in rows:
        levels[len(r["kode"].split("."))] += 1
        assert re.fullmatch(r"2\.17\.\d{2}(\.1\.\d{2}(\.\d{4})?)?", r["kode"]), r["kode"]
        assert r["target"] == r["realisasi"] and r["target"] > 0, r  # capaian keluaran 100 %
    assert dict(levels) == {3: 7, 5: 15, 6: 28}
    assert len({r["kode"] for r in rows}) == 50


def test_sub_kegiatan_money_sums_to_the_report(realisasi):
    subs = [r for rs in realisasi.values() for r in rs if r["kode"] and len(r["kode"].split(".")) == 6]
    assert len(subs) == 28
    assert sum(r["pagu"] for r in subs) == cal.TOTAL_PAGU == 26_251_229_311
    assert sum(r["realisasi_anggaran"] for r in subs) == cal.TOTAL_REALISASI == 23_791_258_862


def test_every_row_matches_golden_tabel_3_8(realisasi):
    g = golden()
    assert (g["tabel_3_8_total"]["pagu"], g["tabel_3_8_total"]["realisasi"]) == (cal.TOTAL_PAGU, cal.TOTAL_REALISASI)
    rows = {r["uraian"]: r for rs in realisasi.values() for r in rs if r["kode"]}
    for item in g["tabel_3_8_realisasi_anggaran"]:
        row = rows[item["uraian"]]
        assert (row["pagu"], row["realisasi_anggaran"]) == (item["pagu"], item["realisasi"]), item["ref"]
        assert len(row["kode"].split(".")) == {"program": 3, "kegiatan": 5, "sub_kegiatan": 6}[item["level"]]
    outputs = {r["ref"]: r for r in g["tabel_3_7_keluaran"]}
    nodes = {n.ref: n for n in cal.all_nodes()}
    for ref, out in outputs.items():
        node = nodes[ref]
        row = rows[node.uraian]
        if node.level == "program":
            assert row["target"] == row["realisasi"]  # 100 % of the program target
        else:
            assert row["target"] == row["realisasi"] == out["realisasi"], ref


def test_parents_and_jumlah_are_subtotals(realisasi):
    for name, rows in realisasi.items():
        data = [r for r in rows if r["kode"] and r["kode"] != "JUMLAH"]
        for r in data:
            if len(r["kode"].split(".")) < 6:
                kids = [c for c in data if len(c["kode"].split(".")) == 6 and c["kode"].startswith(r["kode"] + ".")]
                assert r["pagu"] == sum(c["pagu"] for c in kids), (name, r["kode"])
                assert r["realisasi_anggaran"] == sum(c["realisasi_anggaran"] for c in kids), (name, r["kode"])
        total = [r for r in rows if "JUMLAH" in (r["kode"], r["uraian"])]
        assert len(total) == 1, name
        subs = [r for r in data if len(r["kode"].split(".")) == 6]
        assert total[0]["pagu"] == sum(r["pagu"] for r in subs)
        assert total[0]["realisasi_anggaran"] == sum(r["realisasi_anggaran"] for r in subs)


def test_efficiency_inputs_per_sasaran(realisasi):
    rows = {r["kode"]: r for rs in realisasi.values() for r in rs if r["kode"]}
    for kode_iku, anggaran, real in (("S1", 587_728_200, 451_216_485), ("S2", 9_481_657_270, 9_008_767_161)):
        codes = [cal.program(ref).kode for ref in cal.CASCADING[kode_iku]]
        assert sum(rows[c]["pagu"] for c in codes) == anggaran
        assert sum(rows[c]["realisasi_anggaran"] for c in codes) == real
    # E = (pagu - realisasi) / pagu with capaian keluaran 100 %: 23,23 % and 4,99 %
    assert round((587_728_200 - 451_216_485) / 587_728_200 * 100, 2) == 23.23
    assert round((9_481_657_270 - 9_008_767_161) / 9_481_657_270 * 100, 2) == 4.99


def test_variants_are_exercised():
    files = {p.relative_to(INPUTS / "realisasi").as_posix(): p for p in (INPUTS / "realisasi").rglob("*.xlsx")}
    titles, text_money = {}, set()
    for name, path in files.items():
        wb = openpyxl.load_workbook(path)
        ws = wb["Realisasi"]
        titles[name] = " ".join(str(c.value) for row in ws.iter_rows(max_row=6) for c in row if c.value)
        if any(isinstance(c.value, str) and re.fullmatch(r"(Rp\. )?\d{1,3}(\.\d{3})+(,00)?", c.value)
               for row in ws.iter_rows() for c in row):
            text_money.add(name)
        if name.startswith("2024-12/"):
            assert "2024" not in titles[name]
        wb.close()
    assert sum("Bulan: Desember 2024" in t for t in titles.values()) >= 2
    assert any("BULAN DESEMBER TAHUN 2024" in t and "Bulan" not in t for t in titles.values())
    assert any(re.search(r"Bulan Desember 2024", t) for t in titles.values())  # label | value
    assert len(text_money) >= 1
    assert rupiah_text(1234567) == "Rp. 1.234.567,00"


# --- referensi ------------------------------------------------------------

@pytest.fixture(scope="module")
def referensi():
    wb = openpyxl.load_workbook(INPUTS / REFERENSI)
    yield wb
    wb.close()


def test_statistik_ratios_are_exact(referensi):
    rows = values(referensi["Statistik"])
    h = find_header(rows, "Tahun")
    totals = defaultdict(lambda: [0, 0, 0])
    kabupaten = defaultdict(set)
    for tahun, kab, penduduk, umkm, digital in rows[h + 1:]:
        totals[tahun][0] += penduduk
        totals[tahun][1] += umkm
        totals[tahun][2] += digital
        kabupaten[tahun].add(kab)
        assert 0.30 <= digital / umkm <= 0.45
    assert Fraction(totals[2023][1] * 100, totals[2023][0]) == Fraction("3.50")
    assert Fraction(totals[2024][1] * 100, totals[2024][0]) == Fraction("3.66")
    assert all(3_000_000 <= t[0] <= 3_100_000 for t in totals.values())
    assert kabupaten[2023] == kabupaten[2024] == set(cal.KABUPATEN)


def test_iku_and_budget(referensi):
    ws = referensi["IKU"]
    rows = values(ws)
    h = find_header(rows, "Kode IKU")
    header = list(rows[h])
    iku = {r[0]: dict(zip(header, r)) for r in rows[h + 1:]}
    assert list(iku) == ["T1", "S1", "S2"]
    assert [iku["S1"][str(y)] for y in range(2020, 2027)] == [None] * 4 + [8, 8, 8]
    assert iku["S1"]["Target Akhir Renstra"] == 24 and iku["S1"]["Akumulasi"] == "Kumulatif"
    assert [iku["S2"][str(y)] for y in (2023, 2024, 2025, 2026)] == [2.9, 3, 0.0325, 3.5]
    col = header.index("2025") + 1
    assert ws.cell(h + 1 + 3, col).number_format == "0.00%"
    assert all(iku["T1"][str(y)] is None for y in range(2020, 2027)) and iku["T1"]["Target Akhir Renstra"] is None
    for sheet in referensi.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for v in row:
                assert not (isinstance(v, str) and v[:1] in "=+-@"), (sheet.title, v)

    rows = values(referensi["Anggaran"])
    h = find_header(rows, "Jenis Belanja")
    anggaran = {r[0]: (r[1], r[2]) for r in rows[h + 1:]}
    assert anggaran["JUMLAH"] == (25_749_020_030, 26_251_229_311)
    g = golden()["tabel_2_3_anggaran"]
    for key, label in (("belanja_pegawai", "Belanja Pegawai"), ("belanja_barang_dan_jasa", "Belanja Barang dan Jasa"),
                       ("belanja_subsidi", "Belanja Subsidi"), ("belanja_modal", "Belanja Modal")):
        assert anggaran[label] == (g[key]["awal"], g[key]["pergeseran"])
    assert anggaran["JUMLAH"] == (g["alokasi"]["awal"], g["alokasi"]["pergeseran"])


def test_realisasi_iku_agrees_with_statistik(referensi):
    rows = values(referensi["Realisasi IKU"])
    assert rows[1][:3] == ("S2", 2023, 3.5)
    cascading = values(referensi["Cascading"])[1:]
    assert {(k, i) for k, i, _ in cascading} == {
        ("2.17.02", "S1"), ("2.17.03", "S1"), ("2.17.06", "S1"), ("2.17.07", "S2"), ("2.17.08", "S2"), ("2.17.05", "S2")}
    bidang = dict(values(referensi["Bidang"])[1:])
    assert set(bidang.values()) == set(cal.BIDANG) and bidang["2.17.01"] == "Sekretariat"


# --- ODK ------------------------------------------------------------------

@pytest.fixture(scope="module")
def odk_table():
    wb = openpyxl.load_workbook(INPUTS / ODK, read_only=True)
    rows = values(wb["Data Koperasi"])
    wb.close()
    h = find_header(rows, "No")
    assert "Diunduh" in str(rows[1][0]) and "ODK" in str(rows[0][0])
    return list(rows[h]), rows[h + 1:]


@pytest.fixture(scope="module")
def odk(odk_table):
    header, rows = odk_table
    return [dict(zip(header, r)) for r in rows]


def _day(v) -> date:
    return v.date() if isinstance(v, datetime) else v


def test_odk_growth_after_dedupe(odk):
    latest: dict[tuple, dict] = {}
    duplicates = older_after_newer = 0
    for r in odk:
        key = (r["NIK"], r["Tahun Buku"])
        if key in latest:
            duplicates += 1
            assert _day(r["Tanggal Update"]) != _day(latest[key]["Tanggal Update"])
            assert r["Volume Usaha"] != latest[key]["Volume Usaha"]
            if _day(r["Tanggal Update"]) < _day(latest[key]["Tanggal Update"]):
                older_after_newer += 1
                continue
        latest[key] = r
    assert duplicates == 3
    assert 1 <= older_after_newer < 3  # neither "first row wins" nor "last row wins" is right
    volume = defaultdict(int)
    for r in latest.values():
        if r["Status"] == "Aktif":
            volume[r["Tahun Buku"]] += r["Volume Usaha"]
    growth = Fraction(volume[2024], volume[2023]) - 1
    assert growth == Fraction(1961, 10000)  # exact: 19,61 %
    assert abs(float(growth) * 100 - 19.61) <= 0.001
    # naive sums (all rows) would be wrong: the duplicates matter
    naive = defaultdict(int)
    for r in odk:
        if r["Status"] == "Aktif":
            naive[r["Tahun Buku"]] += r["Volume Usaha"]
    assert naive != volume


def test_odk_shape(odk):
    assert 9_000 <= len(odk) <= 11_000
    assert all(isinstance(r["NIK"], str) and re.fullmatch(r"\d{16}", r["NIK"]) for r in odk)
    assert {r["Kabupaten/Kota"] for r in odk} == set(cal.KABUPATEN)
    assert {r["Tahun Buku"] for r in odk} == {2023, 2024}
    aktif = sum(r["Status"] == "Aktif" for r in odk) / len(odk)
    assert 0.83 <= aktif <= 0.91
    assert any(r["SHU"] < 0 for r in odk)
    assert {r["Digital"] for r in odk} == {"Ya", "Tidak"}
    assert (INPUTS / ODK).stat().st_size < 2_000_000


# --- determinism ------------------------------------------------------------

def _all_values(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    out = {ws.title: values(ws) for ws in wb.worksheets}
    wb.close()
    return out


def test_generator_is_deterministic(tmp_path):
    """Regenerating gives the committed cell values (the ODK export through its row generator, for speed)."""
    written = generate(tmp_path, odk=False)
    committed = sorted(p.relative_to(INPUTS).as_posix() for p in INPUTS.rglob("*.xlsx"))
    assert sorted([*(p.relative_to(tmp_path).as_posix() for p in written), ODK.as_posix()]) == committed
    for path in written:
        rel = path.relative_to(tmp_path)
        assert _all_values(path) == _all_values(INPUTS / rel), rel


def test_odk_matches_its_generator(odk_table):
    header, rows = odk_table
    assert tuple(header) == ODK_HEADERS
    expected = odk_rows(**odk_arguments())
    n = 0
    for row, exp in zip(rows, expected, strict=True):
        n += 1
        got = dict(zip(header, row))
        got["Tanggal Update"] = _day(got["Tanggal Update"])
        assert got == dict(zip(ODK_HEADERS, (exp["no"], *(exp[f] for f in ODK_FIELDS)))), n


def test_write_odk_is_deterministic_and_streams(tmp_path):
    a = write_odk(tmp_path / "a.xlsx", 80, (2022, 2023, 2024), seed=7, duplicates=2)
    b = write_odk(tmp_path / "b" / "b.xlsx", 80, (2022, 2023, 2024), seed=7, duplicates=2)
    va, vb = _all_values(a), _all_values(b)
    assert va == vb
    rows = va["Data Koperasi"][4:]
    assert {r[6] for r in rows} == {2022, 2023, 2024}
    keys = [(r[1], r[6]) for r in rows]
    assert len(keys) - len(set(keys)) == 2
    c = _all_values(write_odk(tmp_path / "c.xlsx", 80, (2022, 2023, 2024), seed=8))
    assert c != va


# --- inputs of any size (benchmarks) ----------------------------------------

def test_sized_generator_is_deterministic_with_n_cooperatives_and_bad_rows(tmp_path):
    from pipeline.samples.sized import BAD_KINDS, messy_odk_rows, odk_path, write_odk_xlsx

    n = 400
    a = write_odk_xlsx(tmp_path / "a.xlsx", messy_odk_rows(n, seed=3, bad_rows=len(BAD_KINDS), duplicates=4))
    b = write_odk_xlsx(tmp_path / "b.xlsx", messy_odk_rows(n, seed=3, bad_rows=len(BAD_KINDS), duplicates=4))
    assert a.read_bytes() == b.read_bytes()  # byte for byte
    other = write_odk_xlsx(tmp_path / "c.xlsx", messy_odk_rows(n, seed=4))
    assert other.read_bytes() != a.read_bytes()

    table = _all_values(a)["Data Koperasi"]
    assert "ODK" in str(table[0][0]) and "Diunduh" in str(table[1][0])
    header = find_header(table, "No")
    assert tuple(table[header]) == ODK_HEADERS
    rows = [dict(zip(ODK_HEADERS, r)) for r in table[header + 1:]]
    expected = list(messy_odk_rows(n, seed=3, bad_rows=len(BAD_KINDS), duplicates=4))
    assert len(rows) == len(expected)
    good_niks = {r["NIK"] for r in rows if isinstance(r["NIK"], str) and len(r["NIK"]) == 16}
    assert len(good_niks) == n  # N cooperatives (the short-NIK row's cooperative has another year)
    assert {r["Tahun Buku"] for r in rows} == {2023, 2024}
    keys = [(r["NIK"], r["Tahun Buku"]) for r in rows]
    assert len(keys) - len(set(keys)) >= 3  # duplicates
    assert any(isinstance(r["Volume Usaha"], str) and r["Volume Usaha"].startswith(("Rp ", "1", "2", "3", "4", "5", "6",
                                                                                      "7", "8", "9"))
               for r in rows)  # text numbers
    bad = [e["_bad"] for e in expected if "_bad" in e]
    assert sorted(bad) == sorted(BAD_KINDS)  # one bad row of each kind
    assert any(r["Kabupaten/Kota"] == "Kabupaten Atlantis" for r in rows)
    assert any(r["Status"] == "Bubar" for r in rows)
    assert any(r["Nama Koperasi"] is None for r in rows)
    assert odk_path(n).as_posix() == "odk/ODK 400 koperasi.xlsx"


def test_sized_export_is_read_by_the_pipeline_with_its_bad_rows_rejected(tmp_path):
    from pipeline.intake.odk import read_odk
    from pipeline.intake.referensi import read_referensi
    from pipeline.samples.sized import BAD_KINDS, generate_sized

    generate_sized(tmp_path, 300, seed=5, bad_rows=len(BAD_KINDS), duplicates=3)
    ref, _ = read_referensi(tmp_path)
    intake = read_odk(tmp_path, ref)
    report = intake.sources[0].report
    assert report.rows_read == report.rows_accepted + report.rows_rejected
    assert report.rows_rejected == len(BAD_KINDS) + 3
    assert intake.rows["nik"].n_unique() == 300
