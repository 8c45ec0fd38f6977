"""The bundled sample inputs: the files of ``inputs/`` and how they are written (:func:`generate`).

The files reproduce the published LKjIP 2024 of the Dinas Koperasi, UKM
Provinsi Bali (figures in :mod:`pipeline.samples.calibrated`); every run gives
the same cell values.  ``python -m pipeline.samples`` (:mod:`pipeline.samples.__main__`)
writes them; :mod:`pipeline.samples.sized` reuses them with an ODK export of any size.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pipeline.samples import calibrated as cal
from pipeline.samples.sipd import generate_sipd
from pipeline.samples.writer import write_odk, write_realisasi, write_referensi

REFERENSI = Path("referensi") / "Referensi LKjIP Diskop UKM Bali 2024.xlsx"
ODK = Path("odk") / "ODK Bali 2023-2024.xlsx"

_HEAD = ("PEMERINTAH PROVINSI BALI", "DINAS KOPERASI, USAHA KECIL DAN MENENGAH")

# When each bidang saved and sent its December file (UTC; WITA is UTC+8).  December files were due on
# 10 January 2025: the Bidang UKM file came on the 13th, so Pengumpulan shows it "Terlambat".
# The arrivals are recorded in inputs/.lkjip-kedatangan.json (write_arrivals).
SAVED = {
    cal.SEKRETARIAT: datetime(2025, 1, 9, 6, 20),
    cal.KELEMBAGAAN: datetime(2025, 1, 8, 2, 5),
    cal.PENGAWASAN: datetime(2025, 1, 10, 8, 45),
    cal.KEWIRAUSAHAAN: datetime(2025, 1, 7, 1, 30),
    cal.PEMBERDAYAAN_UKM: datetime(2025, 1, 13, 3, 15),
    cal.UPTD_DIKLAT: datetime(2025, 1, 10, 0, 50),
}

# bidang -> (file under realisasi/, write_realisasi options); each exercises other reading rules
REALISASI_FILES = {
    cal.SEKRETARIAT: ("Realisasi Des 2024 Sekretariat.xlsx", dict(
        title=(*_HEAD, "LAPORAN REALISASI FISIK DAN KEUANGAN", "SEKRETARIAT", "Bulan: Desember 2024", None),
        blank_between=True, capaian_column=True)),
    cal.KELEMBAGAAN: ("Realisasi Des 2024 Bidang Kelembagaan rev2.xlsx", dict(
        title=(*_HEAD, "LAPORAN REALISASI FISIK DAN KEUANGAN",
               "BIDANG KELEMBAGAAN DAN PEMBERDAYAAN KOPERASI", ("Bulan", "Desember 2024"), None),
        two_row_header=True, total_label_merged=True)),
    cal.PENGAWASAN: ("Realisasi Des 2024 Bidang Pengawasan (final).xlsx", dict(
        title=(*_HEAD, "LAPORAN REALISASI FISIK DAN KEUANGAN BULAN DESEMBER TAHUN 2024",
               "BIDANG PENGAWASAN KOPERASI", None),
        headers=dict(kode="Kode Rekening", uraian="Program/Kegiatan/Sub Kegiatan", indikator="Indikator Kinerja",
                     target="Target Kinerja", realisasi="Realisasi Kinerja", pagu="Pagu Anggaran",
                     realisasi_anggaran="Realisasi Keuangan"),
        money="rupiah")),
    cal.KEWIRAUSAHAAN: (str(Path("2024-12") / "Lap Realisasi Bidang Kewirausahaan.xlsx"), dict(
        title=(*_HEAD, "LAPORAN REALISASI FISIK DAN KEUANGAN", "BIDANG KEWIRAUSAHAAN", None),
        headers=dict(kode="Kode Program/Kegiatan/Sub Kegiatan", uraian="Nama Program/Kegiatan/Sub Kegiatan",
                     indikator="Indikator Keluaran", satuan="Sat", target="Target Keluaran",
                     realisasi="Realisasi Keluaran", pagu="Anggaran (Rp)", realisasi_anggaran="Realisasi (Rp)"))),
    cal.PEMBERDAYAAN_UKM: ("REALISASI FISIK KEUANGAN DESEMBER 2024 - BIDANG UKM.xlsx", dict(
        title=(*_HEAD, "LAPORAN REALISASI FISIK DAN KEUANGAN",
               "BIDANG PEMBERDAYAAN USAHA KECIL DAN MENENGAH", "Bulan : Desember 2024", None),
        headers=dict(indikator="Indikator Kinerja Keluaran", target="Target Fisik", realisasi="Realisasi Fisik",
                     pagu="Pagu Anggaran (Rp)", realisasi_anggaran="Realisasi Anggaran (Rp)"),
        money="text")),
    cal.UPTD_DIKLAT: ("Realisasi Des 2024 UPTD Diklat KUMKM.xlsx", dict(
        title=(*_HEAD, "UPTD PENDIDIKAN DAN PELATIHAN KOPERASI, USAHA MIKRO, KECIL DAN MENENGAH",
               "LAPORAN REALISASI FISIK DAN KEUANGAN", "Bulan: Desember 2024", None),
        front_sheet="Petunjuk")),
}


def generate(out: Path | str, *, odk: bool = True) -> list[Path]:
    """Write every sample workbook under ``out``; returns their paths."""
    out = Path(out)
    written = [write_referensi(
        out / REFERENSI,
        instansi=cal.INSTANSI,
        iku=cal.IKU,
        iku_years=cal.IKU_YEARS,
        renstra=cal.RENSTRA,
        realisasi_iku=cal.REALISASI_IKU,
        cascading=[(cal.program(ref).kode, kode_iku, cal.program(ref).uraian)
                   for kode_iku, refs in cal.CASCADING.items() for ref in refs],
        bidang=[(p.kode, p.bidang) for p in cal.PROGRAMS],
        statistik=cal.statistik_rows(),
        anggaran=cal.ANGGARAN,
        skala=cal.SKALA,
        percent_cells=[cal.IKU_PERCENT_CELL],
        year=cal.YEAR,
    )]
    for bidang, (name, options) in REALISASI_FILES.items():
        written.append(write_realisasi(out / "realisasi" / name, cal.programs_of(bidang), saved=SAVED[bidang], **options))
    if odk:
        written.append(write_odk(out / ODK, **odk_arguments()))
    written.append(generate_sipd(out))
    write_arrivals(out)
    return written


def write_arrivals(out: Path | str) -> Path:
    """``<out>/.lkjip-kedatangan.json``: when each bidang's December file arrived (as :data:`SAVED`).

    A checkout gives every file today's modification time; this record keeps the
    sample's on-time and late bidang as they were (see pipeline/intake/arrivals.py).
    """
    from zoneinfo import ZoneInfo

    from pipeline.intake.arrivals import Arrival, file_sha256, write_folder_record

    out = Path(out)
    arrivals = []
    for bidang, (name, _) in REALISASI_FILES.items():
        path = out / "realisasi" / name
        arrived = SAVED[bidang].replace(tzinfo=ZoneInfo("UTC"))
        arrivals.append(Arrival(file_sha256(path), arrived, (Path("realisasi") / name).as_posix(), "berkas"))
    return write_folder_record(out, arrivals)


def odk_arguments() -> dict:
    """Arguments of :func:`write_odk` (and :func:`odk_rows`) for the sample export, calibration included."""
    return dict(n_koperasi=cal.ODK_N_KOPERASI, years=cal.ODK_YEARS, seed=cal.ODK_SEED,
                overrides=cal.odk_overrides(), duplicates=cal.ODK_DUPLICATES, growth=cal.ODK_GROWTH)
