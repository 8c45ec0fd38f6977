"""The acceptance test of the document: the LKjIP draft written by `lkjip run` on the bundled inputs.

Reads the WRITTEN .docx with python-docx: the published report's figures are in the right
tables, in Indonesian number style, the computed sentences carry them, no template tag is left,
the charts are embedded, and the workbook holds the same charts natively.
"""

from __future__ import annotations

import re
import zipfile

import pytest
from _docx_tables import captioned_tables

docx = pytest.importorskip("docx")

PERCENT = re.compile(r"^-?\d{1,3}(\.\d{3})*,\d{2}%$")
MONEY = re.compile(r"^\d{1,3}(\.\d{3})*$")
VOLUME = "Persentase Peningkatan Volume Usaha Koperasi"
RASIO = "Rasio Kewirausahaan"


def norm(text: str) -> str:
    return " ".join(str(text).split()).lower()


def as_percent(text: str) -> float:
    assert PERCENT.match(text), f"not an Indonesian percentage: {text!r}"
    return float(text[:-1].replace(".", "").replace(",", "."))


def as_money(text: str) -> int:
    assert MONEY.match(text), f"not Indonesian money: {text!r}"
    return int(text.replace(".", ""))


@pytest.fixture(scope="module")
def document_path(sample_report):
    path = sample_report.with_suffix(".docx")
    assert path.exists(), "lkjip run wrote no document"
    return path


@pytest.fixture(scope="module")
def document(document_path):
    return docx.Document(str(document_path))


@pytest.fixture(scope="module")
def tables(document) -> dict[str, list[list[str]]]:
    """Each captioned table ("Tabel 3.2 ...") as rows of cell texts (header rows included)."""
    return captioned_tables(document)


@pytest.fixture(scope="module")
def text(document) -> str:
    return "\n".join(" ".join(p.text.split()) for p in document.paragraphs)


def _row(rows, *needles):
    for row in rows:
        joined = norm(" | ".join(row))
        if all(norm(n) in joined for n in needles):
            return row
    raise AssertionError(f"no row with {needles}")


def test_every_table_of_the_report(tables):
    for number in ("2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8"):
        assert number in tables, f"Tabel {number} missing"


def test_tabel_2_3_anggaran(tables, golden):
    rows = tables["2.3"]
    g = golden["tabel_2_3_anggaran"]
    total = _row(rows, "Alokasi anggaran Tahun 2024")
    assert [as_money(total[2]), as_money(total[3])] == [g["alokasi"]["awal"], g["alokasi"]["pergeseran"]]
    for key, name in {"belanja_pegawai": "Belanja Pegawai", "belanja_barang_dan_jasa": "Belanja Barang dan Jasa",
                      "belanja_subsidi": "Belanja Subsidi", "belanja_modal": "Belanja Modal"}.items():
        row = _row(rows, name)
        assert [as_money(row[2]), as_money(row[3])] == [g[key]["awal"], g[key]["pergeseran"]], name


def test_tabel_3_2_two_years(tables, golden):
    rows = tables["3.2"]
    assert "TAHUN 2023" in rows[0] and "TAHUN 2024" in rows[0]
    for item in (i for i in golden["iku"] if i["level"] == "sasaran"):
        row = _row(rows, item["sasaran"], item["indikator"])
        target_lalu, real_lalu, cap_lalu, target, real, cap = row[3:9]
        assert as_percent(target) == pytest.approx(item["targets"]["2024"], abs=0.005)
        assert as_percent(real) == pytest.approx(item["realisasi"]["2024"], abs=0.005)
        assert as_percent(cap) == pytest.approx(item["capaian_pct"]["2024"], abs=1)
        if "2023" in item["realisasi"]:
            assert as_percent(real_lalu) == pytest.approx(item["realisasi"]["2023"], abs=0.005)
            assert as_percent(target_lalu) == pytest.approx(item["targets"]["2023"], abs=0.005)
            assert as_percent(cap_lalu) == pytest.approx(120.69, abs=0.01)
        else:
            assert (target_lalu, real_lalu, cap_lalu) == ("N/A", "N/A", "N/A")
    assert _row(rows, VOLUME)[8] == "245,13%"


def test_tabel_3_3_years_as_columns(tables):
    rows = tables["3.3"]
    years = rows[1][3:8]
    assert years == ["2020", "2021", "2022", "2023", "2024"]
    volume, rasio = _row(rows, VOLUME), _row(rows, RASIO)
    assert volume[3:8] == ["N/A", "N/A", "N/A", "N/A", "8,00%"]
    assert volume[8:13] == ["N/A", "N/A", "N/A", "N/A", "19,61%"]
    assert rasio[3:8] == ["N/A", "N/A", "N/A", "2,90%", "3,00%"]
    assert rasio[8:13] == ["N/A", "N/A", "N/A", "3,50%", "3,66%"]


def test_tabel_3_4_renstra(tables):
    rows = tables["3.4"]
    volume, rasio = _row(rows, VOLUME), _row(rows, RASIO)
    assert volume[3:7] == ["19,61%", "24,00%", "81,71%", "Mendekati Target"]
    assert rasio[3:7] == ["3,66%", "3,50%", "104,57%", "Melebihi Target"]


def test_tabel_3_5_has_placeholders_without_analisis(tables):
    row = _row(tables["3.5"], VOLUME)
    assert row[3:6] == ["8,00%", "19,61%", "245,13%"]
    assert row[6].startswith("[diisi oleh perencana:") and row[7].startswith("[diisi oleh perencana:")


def test_tabel_3_6_efisiensi(tables, golden):
    rows = tables["3.6"]
    exact = {"Terwujudnya Koperasi yang Berkualitas dan Modern": "23,23%",
             "Terwujudnya UMKM dan Wirausaha yang Berdaya Saing dan Produktif": "4,99%"}
    for item in golden["tabel_3_6_efisiensi"]:
        row = _row(rows, item["sasaran"])
        assert as_percent(row[2]) == pytest.approx(item["target"], abs=0.005)
        assert as_percent(row[3]) == pytest.approx(item["realisasi"], abs=0.005)
        assert as_percent(row[4]) == pytest.approx(item["capaian_pct"], abs=1)
        assert as_money(row[5]) == item["anggaran"]
        assert as_money(row[6]) == item["realisasi_anggaran"]
        assert as_percent(row[7]) == pytest.approx(item["capaian_anggaran_pct"], abs=1)
        assert row[8] == exact[item["sasaran"]]


def test_tabel_3_7_program_tree(tables, golden):
    rows = tables["3.7"][1:]
    prefix = {1: "PROGRAM", 2: "KEGIATAN ", 3: "SUB KEGIATAN "}
    for item in golden["tabel_3_7_keluaran"]:
        row = next(r for r in rows if norm(r[5]) == norm(item["indikator"])
                   and r[4].upper().startswith(prefix[len(item["ref"])]))
        assert row[9] == "Menunjang", item["ref"]
        assert row[8] == "100,00%", item["ref"]
        if item["satuan"] == "%":
            assert row[4].upper().startswith("PROGRAM"), item["ref"]
            assert PERCENT.match(row[6]) and PERCENT.match(row[7]), item["ref"]
        else:
            assert row[7] == f"{item['realisasi']:,}".replace(",", ".") + f" {item['satuan']}", item["ref"]
            assert row[4].startswith("Kegiatan " if len(item["ref"]) == 2 else "Sub Kegiatan "), item["ref"]
    first_rows = [r for r in rows if r[0]]
    assert [r[0] for r in first_rows] == ["a", "b"]
    assert {r[3] for r in first_rows} == {"245,13%", "122,00%"}


def test_tabel_3_8_all_fifty_rows_and_total(tables, golden):
    rows = tables["3.8"][1:]
    body, total = rows[:-1], rows[-1]
    expected = golden["tabel_3_8_realisasi_anggaran"]
    assert len(body) == len(expected) == 50
    by_name = {norm(r[1]): r for r in body}
    for item in expected:
        row = by_name[norm(item["uraian"])]
        assert as_money(row[2]) == item["pagu"], item["ref"]
        assert as_money(row[3]) == item["realisasi"], item["ref"]
        assert as_percent(row[4]) == pytest.approx(item["capaian_pct"], abs=0.01), item["ref"]
        if item["level"] == "program":  # numbered 1..7 as the published report, the penunjang program last
            assert row[0] == item["ref"], item["uraian"]
        elif item["level"] == "kegiatan":
            assert re.fullmatch(r"[a-z]", row[0]), item["uraian"]
        else:
            assert row[0] == "", item["uraian"]
    assert total[1] == "JUMLAH"
    assert as_money(total[2]) == golden["tabel_3_8_total"]["pagu"]
    assert as_money(total[3]) == golden["tabel_3_8_total"]["realisasi"]


def test_computed_sentences(text):
    assert ('Realisasi indikator "Persentase Peningkatan Volume Usaha Koperasi" tahun 2024 sebesar 19,61% '
            "dari target 8,00% dengan capaian 245,13% (kategori Sangat Baik).") in text
    assert ('Realisasi indikator "Rasio Kewirausahaan" tahun 2024 sebesar 3,66% dari target 3,00% dengan capaian '
            "122,00% (kategori Sangat Baik). Dibanding tahun 2023 (realisasi 3,50%, capaian 120,69%), realisasinya naik "
            "menjadi 3,66%; kinerjanya membaik.") in text
    assert "Realisasi tahun 2023 tidak tersedia, sehingga belum dapat dibandingkan." in text
    assert ("Terhadap target akhir Renstra tahun 2026 sebesar 24,00%, realisasi sampai dengan tahun 2024 (19,61%) "
            "mencapai 81,71% (Mendekati Target).") in text
    assert "anggaran murni sebesar Rp 25.749.020.030 dengan rincian: Belanja Pegawai Rp 12.616.431.000" in text
    assert "alokasinya menjadi Rp 26.251.229.311 dengan rincian: Belanja Pegawai Rp 12.285.642.851" in text
    assert ("melaksanakan 7 (tujuh) program dengan 15 (lima belas) kegiatan dan 28 (dua puluh delapan) sub kegiatan "
            "yang didukung oleh dana sebesar Rp 26.251.229.311 (dua puluh enam miliar") in text
    assert "tingkat efisiensi 23,23%" in text and "tingkat efisiensi 4,99%" in text
    assert "Σ(pagu × CK − realisasi anggaran) ÷ Σ(pagu × CK)" in text


def test_ringkasan_eksekutif_and_penutup(text):
    assert "dari 2 (dua) sasaran, 2 sasaran berkategori Sangat Baik" in text
    assert "termasuk kategori Sangat Baik" in text
    assert "Realisasi anggaran tahun 2024 sebesar Rp 23.791.258.862 dari pagu Rp 26.251.229.311 (90,63%)" in text
    assert ('Sasaran "Terwujudnya Koperasi yang Berkualitas dan Modern" dengan indikator "Persentase Peningkatan '
            'Volume Usaha Koperasi": realisasi 19,61% dari target 8,00%, capaian 245,13% (kategori Sangat Baik); '
            "target tercapai.") in text
    assert "Dari 2 (dua) indikator kinerja sasaran, 2 telah mencapai target yang ditetapkan." in text
    assert "[diisi oleh perencana:" in text
    assert "Dinas Koperasi, Usaha Kecil dan Menengah Provinsi Bali" in text
    assert "DRAF" not in text  # December: the year is complete


def test_no_template_tag_left(document_path):
    with zipfile.ZipFile(document_path) as zf:
        for name in zf.namelist():
            if name.endswith(".xml"):
                xml = zf.read(name).decode("utf-8")
                assert "{{" not in xml and "{%" not in xml and "{#" not in xml, name


def test_charts_embedded(document):
    assert len(document.inline_shapes) >= 3
    captions = [p.text for p in document.paragraphs if p.text.startswith("Gambar 3.")]
    assert any("Capaian Indikator Sasaran" in c for c in captions)
    assert any(VOLUME in c for c in captions)
    assert any("Pagu dan Realisasi Anggaran per Program" in c for c in captions)


def test_workbook_holds_native_charts(sample_report):
    with zipfile.ZipFile(sample_report) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) >= 3
        xml = " ".join(zf.read(n).decode("utf-8") for n in charts)
    assert "Rasio Kewirausahaan" in xml and "Pagu dan Realisasi Anggaran per Program" in xml
    assert "numLit" in xml  # values, not formulas or references to N/A cells


def test_lists_point_at_unique_bookmarks(document_path):
    with zipfile.ZipFile(document_path) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    names = re.findall(r'<w:bookmarkStart [^>]*w:name="([^"]+)"', xml)
    assert len(names) == len(set(names))
    targets = set(re.findall(r"PAGEREF (\S+)", xml))
    assert len(targets) >= 40 and targets <= set(names)  # every entry of Daftar Isi/Tabel/Gambar finds its place
