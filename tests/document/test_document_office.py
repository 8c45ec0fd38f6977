"""The document for another office: its name, its signature, its figures, its own template.

The inputs are built here with the sample generator (pipeline/samples) for a Dinas of another
province, with its own regions, programs, budget, Renstra signature rows and an Analisis sheet;
nothing of the bundled (Bali) inputs is used.  A second run takes a mid-year period and a broken
template: the workbook is still written, Validasi says why the template was not used, and the
document is the bundled template's, marked as a draft "s.d. Juni".
"""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from pipeline.samples.calibrated import Node
from pipeline.samples.writer import write_odk, write_realisasi, write_referensi

docx = pytest.importorskip("docx")

INSTANSI = "Dinas Koperasi dan Usaha Kecil Menengah Provinsi Nusa Tenggara Timur"
KEPALA = "Drs. Yohanes Mbulu, M.Si."
NIP = "19700101 199503 1 002"
REGIONS = {"Kota Kupang": ("5371", 5), "Kabupaten Sikka": ("5307", 3), "Kabupaten Ende": ("5308", 2)}
ANALISIS = "Rasio naik karena pendampingan wirausaha muda di tiga kabupaten/kota."
SOLUSI = "Klinik usaha keliling dan kemitraan dengan perbankan daerah."
LETTERHEAD = "PEMERINTAH PROVINSI NUSA TENGGARA TIMUR - KOP SURAT DINAS"


def _node(ref, kode, uraian, indikator, satuan, target, *children, pagu=0, realisasi=0, bidang=""):
    return Node(ref, kode, uraian, indikator, satuan, target, tuple(children), pagu, realisasi, bidang)


PROGRAMS = (
    _node("1", "2.17.03", "PROGRAM PEMBERDAYAAN KOPERASI", "Persentase koperasi yang diberdayakan", "%", 5,
          _node("1a", "2.17.03.1.01", "Pemberdayaan Koperasi Lintas Kabupaten/Kota", "Jumlah koperasi diberdayakan",
                "Kop", 40,
                _node("1a1", "2.17.03.1.01.0001", "Pendampingan Koperasi Produsen", "Jumlah koperasi didampingi",
                      "Kop", 40, pagu=350_000_000, realisasi=301_250_500)),
          bidang="Bidang Koperasi"),
    _node("2", "2.17.05", "PROGRAM PENGEMBANGAN KEWIRAUSAHAAN", "Persentase wirausaha baru", "%", 4,
          _node("2a", "2.17.05.1.01", "Penumbuhan Wirausaha Baru", "Jumlah wirausaha baru", "Orang", 250,
                _node("2a1", "2.17.05.1.01.0002", "Pelatihan Wirausaha Muda", "Jumlah peserta pelatihan", "Orang", 250,
                      pagu=780_500_000, realisasi=702_118_750),
                _node("2a2", "2.17.05.1.01.0003", "Inkubasi Usaha Rintisan", "Jumlah usaha diinkubasi", "Unit", 30,
                      pagu=219_500_000, realisasi=190_000_000)),
          bidang="Bidang Kewirausahaan"),
)

IKU = (
    dict(kode="T1", level="Tujuan", pernyataan="Meningkatnya daya saing koperasi dan usaha kecil menengah",
         indikator="Persentase KUMKM Menuju Digital", satuan="Persentase", polaritas="Positif", sumber="MANUAL",
         targets={}, target_akhir=None, akumulasi="Tahun Berjalan", formula="diisi manual"),
    dict(kode="S1", level="Sasaran", pernyataan="Meningkatnya usaha koperasi yang sehat",
         indikator="Persentase Peningkatan Volume Usaha Koperasi", satuan="Persentase", polaritas="Positif",
         sumber="VOLUME_USAHA_KOPERASI", targets={2024: 10, 2025: 10, 2026: 10}, target_akhir=30,
         akumulasi="Kumulatif", formula="pertumbuhan volume usaha koperasi aktif"),
    dict(kode="S2", level="Sasaran", pernyataan="Meningkatnya wirausaha yang mandiri",
         indikator="Rasio Kewirausahaan", satuan="Persentase", polaritas="Positif", sumber="RASIO_KEWIRAUSAHAAN",
         targets={2024: 2.5, 2025: 2.75, 2026: 3}, target_akhir=3, akumulasi="Tahun Berjalan",
         formula="jumlah UMKM / penduduk usia produktif x 100%"),
)


def build_office(root: Path, month: int = 12) -> Path:
    """A complete drop folder of the other office, for the period 2024-<month>."""
    inputs = root / "inputs"
    bulan = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
             "November", "Desember")[month - 1]
    ref = write_referensi(
        inputs / "referensi" / "Referensi NTT 2024.xlsx", instansi=INSTANSI, iku=IKU, iku_years=tuple(range(2022, 2027)),
        renstra=(("Nama Instansi", INSTANSI), ("Tahun Awal", 2024), ("Tahun Akhir", 2026), ("Kepala", KEPALA),
                 ("NIP", NIP), ("Jabatan", "Kepala Dinas"), ("Kota", "Kupang")),
        cascading=[("2.17.03", "S1", "PROGRAM PEMBERDAYAAN KOPERASI"), ("2.17.05", "S2", "PROGRAM PENGEMBANGAN KEWIRAUSAHAAN")],
        bidang=[("2.17.03", "Bidang Koperasi"), ("2.17.05", "Bidang Kewirausahaan")],
        statistik=[(2024, "Kota Kupang", 400_000, 12_400, 3_000), (2024, "Kabupaten Sikka", 350_000, 9_900, 2_000),
                   (2024, "Kabupaten Ende", 250_000, 7_700, 1_500),
                   (2023, "Kota Kupang", 395_000, 11_000, 2_500), (2023, "Kabupaten Sikka", 348_000, 9_000, 1_800),
                   (2023, "Kabupaten Ende", 247_000, 7_000, 1_200)],
        anggaran=(("Belanja Pegawai", 600_000_000, 550_000_000), ("Belanja Barang dan Jasa", 700_000_000, 800_000_000)),
        skala=(("Sangat Baik", 90), ("Baik", 75), ("Cukup", 60), ("Kurang", 0)), year=2024,
    )
    wb = openpyxl.load_workbook(ref)
    ws = wb.create_sheet("Analisis")
    ws.append(["Kode IKU", "Analisis", "Solusi"])
    ws.append(["S2", ANALISIS, SOLUSI])
    wb.save(ref)
    for program in PROGRAMS:
        write_realisasi(inputs / "realisasi" / f"Realisasi {bulan} 2024 {program.bidang}.xlsx", (program,),
                        title=("LAPORAN REALISASI FISIK DAN KEUANGAN", program.bidang.upper(), f"Bulan: {bulan} 2024", None),
                        saved=datetime(2024 if month < 12 else 2025, month % 12 + 1, 5, 2, 0))
    write_odk(inputs / "odk" / "ODK NTT 2023-2024.xlsx", n_koperasi=300, years=(2023, 2024), seed=11,
              kabupaten=REGIONS, provinsi="Nusa Tenggara Timur")
    return inputs


def _run(inputs: Path, outputs: Path, period: str) -> tuple[Path, Path]:
    from pipeline.cli import main

    assert main(["run", "--inputs", str(inputs), "--outputs", str(outputs), "--period", period]) == 0
    folder = outputs / period
    return folder / f"laporan-kinerja-{period}.xlsx", folder / f"laporan-kinerja-{period}.docx"


def _all_text(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        xml = " ".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xml"))
    return " ".join(re.sub(r"<[^>]+>", "", xml).split())


def _sheet(wb, name: str, first: str) -> list[dict]:
    rows = list(wb[name].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r and r[0] == first)
    return [dict(zip(rows[start], r, strict=False)) for r in rows[start + 1:] if any(v is not None for v in r)]


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    root = tmp_path_factory.mktemp("ntt")
    inputs = build_office(root)
    template = docx.Document(str(Path(__file__).resolve().parents[2] / "pipeline/report/templates/lkjip.docx"))
    template.paragraphs[0].insert_paragraph_before(LETTERHEAD)
    template.save(str(inputs / "referensi" / "Templat LKjIP NTT.docx"))
    workbook, document = _run(inputs, root / "outputs", "2024-12")
    return inputs, workbook, document


def test_another_office_gets_its_own_document(office):
    inputs, workbook, document = office
    for folder in inputs.rglob("*.xlsx"):
        assert "bali" not in folder.name.lower()
    text = _all_text(document)
    assert INSTANSI in text and INSTANSI.upper() in text
    assert KEPALA in text and f"NIP. {NIP}" in text and "Kepala Dinas" in text and "Kupang, " in text
    assert LETTERHEAD in text  # the office's own template won over the bundled one
    assert "bali" not in text.lower() and "denpasar" not in text.lower()
    assert "DRAF" not in text


def test_its_figures(office):
    from pipeline.report.document import money, pct

    _, workbook, document = office
    wb = openpyxl.load_workbook(workbook)
    text = " ".join(" ".join(p.text.split()) for p in docx.Document(str(document)).paragraphs)
    iku = {(r["Indikator"], r["Tahun"]): r for r in _sheet(wb, "IKU", "Kode IKU")}
    rasio = iku[("Rasio Kewirausahaan", 2024)]
    assert rasio["Realisasi"] == pytest.approx(0.03)  # 30.000 UMKM / 1.000.000 people
    assert ('Realisasi indikator "Rasio Kewirausahaan" tahun 2024 sebesar 3,00% dari target 2,50% dengan capaian '
            "120,00% (kategori Sangat Baik).") in text
    volume = iku[("Persentase Peningkatan Volume Usaha Koperasi", 2024)]
    assert (f"sebesar {pct(volume['Realisasi'] * 100)} dari target 10,00% dengan capaian "
            f"{pct(volume['Capaian'] * 100)}") in text
    total = next(r for r in _sheet(wb, "Realisasi Anggaran", "Level") if r["Level"] == "Jumlah")
    assert total["Pagu (Rp)"] == 1_350_000_000 and total["Realisasi (Rp)"] == 1_193_369_250
    assert "melaksanakan 2 (dua) program dengan 2 (dua) kegiatan dan 3 (tiga) sub kegiatan" in text
    assert f"Rp {money(1_350_000_000)}" in text and "Rp 1.193.369.250" in text
    assert "anggaran murni sebesar Rp 1.300.000.000 dengan rincian: Belanja Pegawai Rp 600.000.000" in text
    tables = docx.Document(str(document)).tables
    rows = [[" ".join(c.text.split()) for c in row.cells] for t in tables for row in t.rows]
    analisis = next(r for r in rows if "Rasio Kewirausahaan" in r and ANALISIS in r)
    assert SOLUSI in analisis
    skala = [r for r in rows if r[-1] in ("Sangat Baik", "Baik", "Cukup", "Kurang") and r[0].endswith(".")]
    assert [r[1] for r in skala] == ["≥ 90%", "75% – < 90%", "60% – < 75%", "< 60%"]


def test_template_file_is_accounted_for(office):
    _, workbook, _ = office
    wb = openpyxl.load_workbook(workbook)
    rows = {r["Berkas"]: r for r in _sheet(wb, "Ringkasan", "Berkas")}
    template = rows["referensi/Templat LKjIP NTT.docx"]
    assert template["Jenis"] == "templat dokumen" and template["Status"] == "Dibaca"
    assert not [r for r in _sheet(wb, "Validasi", "Tingkat") if "Templat" in str(r["Berkas"])]


def test_mid_year_with_a_broken_template(tmp_path):
    inputs = build_office(tmp_path, month=6)
    bundled = Path(__file__).resolve().parents[2] / "pipeline/report/templates/lkjip.docx"
    broken = inputs / "referensi" / "Templat Rusak.docx"
    shutil.copy(bundled, broken)
    with zipfile.ZipFile(bundled) as src, zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"{{ instansi_upper }}", b"{{ instansi_upper ", 1)  # an unclosed tag
            dst.writestr(item, data)
    workbook, document = _run(inputs, tmp_path / "outputs", "2024-06")
    assert workbook.exists() and document.exists()
    wb = openpyxl.load_workbook(workbook)
    problems = [r for r in _sheet(wb, "Validasi", "Tingkat") if r["Aturan"] == "template_invalid"]
    assert len(problems) == 1 and problems[0]["Tingkat"] == "Error"
    assert problems[0]["Berkas"] == "referensi/Templat Rusak.docx"
    assert problems[0]["Pesan"].startswith("Templat dokumen tidak dapat dipakai:")
    assert "templat bawaan" in problems[0]["Pesan"]
    text = _all_text(document)
    assert "DRAF" in text and "S.D. JUNI 2024" in text and "tahun 2024 s.d. Juni" in text
    assert "{{" not in text and INSTANSI in text
