"""A whole Pemda's drop folder: ``pemda/`` and N OPD of three kinds, for tests and benchmarks.

``python -m pipeline.samples.pemda --opd N --out DIR`` writes, for the month June 2025:

- OPD of the Jawa Timur kind (:mod:`pipeline.samples.office`: a cooperative office, its own
  referensi, four bidang's files of June 2025 in their own layouts, one bidang missing, a late
  correction, an ODK export; no ``Kode SKPD``);
- OPD of the Bali kind (:mod:`pipeline.samples.calibrated`: the published report's referensi
  with its own ``Nama Instansi`` and ``Kode SKPD``, six bidang's monthly files January to June
  2025 (to December with ``--bulan 12``) from :mod:`pipeline.samples.monthly`, the bundled ODK export);
- OPD of the health kind (:mod:`pipeline.samples.health`: a Dinas Kesehatan, urusan ``1.02`` and
  ``2.14``, every IKU ``MANUAL``, no cooperative data, five bidang's monthly files January to June
  (to December with ``--bulan 12``), its own ``Kode SKPD``);

in turn, each under its own folder (``01-dinkop-jatim``, ``02-diskop-bali``, ``03-dinkes`` ...),
every OPD with a name of its own; and ``pemda/referensi/`` with the Pemda's workbook (``RPJMD``
label rows, ``IKU Pemda``, ``Realisasi IKU``, ``Cascading Pemda``).  Deterministic.
"""

from __future__ import annotations

import argparse
import shutil
from dataclasses import replace
from pathlib import Path

from openpyxl import Workbook

from pipeline.samples import calibrated as cal
from pipeline.samples import health
from pipeline.samples import office as jatim
from pipeline.samples.monthly import generate_year
from pipeline.samples.writer import write_referensi

YEAR, MONTH = jatim.OFFICE.year, jatim.OFFICE.month  # 2025-06: the Jawa Timur office's month
PERIOD = f"{YEAR}-{MONTH:02d}"
PROJECT = Path(__file__).resolve().parents[2]
BUNDLED_ODK = PROJECT / "inputs" / "odk" / "ODK Bali 2023-2024.xlsx"
NAMA_PEMDA = "Pemerintah Provinsi Nusantara"
KINDS = ("jatim", "bali", "health")
_FOLDER = {"jatim": "dinkop-jatim", "bali": "diskop-bali", "health": "dinkes"}
_INSTANSI = {"jatim": jatim.OFFICE.instansi, "bali": cal.INSTANSI, "health": health.INSTANSI}
_URUSAN = {"jatim": "2.17", "bali": "2.17", "health": "1.02"}


def kind_of(i: int) -> str:
    """The kind of the ``i``-th OPD (0-based)."""
    return KINDS[i % len(KINDS)]


def folder_of(i: int) -> str:
    """The folder of the ``i``-th OPD (0-based)."""
    return f"{i + 1:02d}-{_FOLDER[kind_of(i)]}"


def instansi_of(i: int) -> str:
    base = _INSTANSI[kind_of(i)]
    return base if i < len(KINDS) else f"{base} (Unit {i + 1})"


def kode_skpd_of(i: int) -> str:
    return f"{_URUSAN[kind_of(i)]}.0.00.0.00.{i + 1:02d}.0000"


def write_jatim(out: Path, i: int) -> Path:
    folder = out / folder_of(i)
    jatim.generate_office(folder, replace(jatim.OFFICE, instansi=instansi_of(i)))
    return folder


def write_health(out: Path, i: int, months: int = MONTH) -> Path:
    folder = out / folder_of(i)
    health.generate_health(folder, range(1, months + 1), instansi=instansi_of(i), kode_skpd=kode_skpd_of(i))
    return folder


def write_bali(out: Path, i: int, months: int = MONTH) -> Path:
    folder = out / folder_of(i)
    own = {"Instansi": instansi_of(i), "Kode SKPD": kode_skpd_of(i)}  # the OPD's own name and code
    renstra = tuple((label, own.get(label, value)) for label, value in cal.RENSTRA)
    if "Kode SKPD" not in dict(cal.RENSTRA):
        renstra += (("Kode SKPD", kode_skpd_of(i)),)
    # the statistics of the running year are the last published ones (the Pemda's month is in 2025)
    statistik = cal.statistik_rows()
    statistik += [(YEAR, *row[1:]) for row in statistik if row[0] == YEAR - 1]
    write_referensi(
        folder / "referensi" / f"Referensi LKjIP {folder_of(i)}.xlsx",
        instansi=instansi_of(i), iku=cal.IKU, iku_years=cal.IKU_YEARS, renstra=renstra,
        realisasi_iku=cal.REALISASI_IKU,
        cascading=[(cal.program(ref).kode, kode_iku, cal.program(ref).uraian)
                   for kode_iku, refs in cal.CASCADING.items() for ref in refs],
        bidang=[(p.kode, p.bidang) for p in cal.PROGRAMS], statistik=statistik, anggaran=cal.ANGGARAN,
        skala=cal.SKALA, year=YEAR)
    generate_year(folder, YEAR, range(1, months + 1))
    (folder / "odk").mkdir(parents=True, exist_ok=True)
    shutil.copy2(BUNDLED_ODK, folder / "odk" / BUNDLED_ODK.name)
    return folder


# Pemda IKU: (kode, level, pernyataan, indikator, satuan, polaritas, sumber, target of YEAR)
PEMDA_IKU = (
    ("P1", "Sasaran", "Meningkatnya Wirausaha Daerah yang Produktif", "Rasio Kewirausahaan Daerah", "%", "Positif",
     "OPD", 3.3),
    ("P2", "Sasaran", "Meningkatnya Kualitas Koperasi dan UMKM", "Indeks Kualitas Koperasi dan UMKM", "Indeks",
     "Positif", "OPD", 100.0),
    ("P3", "Tujuan", "Meningkatnya Kesejahteraan Masyarakat", "Indeks Pembangunan Manusia", "Indeks", "Positif",
     "MANUAL", 75.0),
    ("P4", "Sasaran", "Meningkatnya Derajat Kesehatan Ibu", "Angka Kematian Ibu", "per 100.000 KH", "Negatif", "OPD",
     95.0),
)
PEMDA_STATED = (("P3", YEAR, 76.1, "BPS"),)


def cascading_rows(n_opd: int) -> list[tuple]:
    """(Kode IKU Pemda, OPD as folder or Nama Instansi, Kode IKU of that OPD, Bobot)."""
    rows = [("P1", folder_of(0), "S2", None)]  # one OPD indicator: its realisasi against the Pemda's target
    if n_opd > 1:  # two OPD indicators, weighted 2:1, the second OPD named by its Nama Instansi
        rows += [("P2", folder_of(0), "S3", 2), ("P2", instansi_of(1), "S2", 1)]
    if n_opd > 2:  # a Negatif indicator of the health office against the Pemda's own target
        rows += [("P4", folder_of(2), "S1", None)]
    return rows


def write_pemda_referensi(out: Path, n_opd: int, cascading: list[tuple] | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "RPJMD"
    for row in (("RENCANA PEMBANGUNAN JANGKA MENENGAH DAERAH",), (), ("Nama Pemda", NAMA_PEMDA),
                ("Tahun Awal", 2025), ("Tahun Akhir", 2029), ("Kepala Daerah", "Ir. I Made Contoh, M.T."),
                ("Batas Pengumpulan", 10)):
        ws.append(list(row))
    ws = wb.create_sheet("IKU Pemda")
    ws.append(["Kode IKU", "Level", "Tujuan/Sasaran", "Indikator", "Satuan", "Polaritas", "Sumber", str(YEAR),
               str(YEAR + 1)])
    for kode, level, pernyataan, indikator, satuan, polaritas, sumber, target in PEMDA_IKU:
        ws.append([kode, level, pernyataan, indikator, satuan, polaritas, sumber, target, target])
    ws = wb.create_sheet("Realisasi IKU")
    ws.append(["Kode IKU", "Tahun", "Realisasi", "Keterangan"])
    for row in PEMDA_STATED:
        ws.append(list(row))
    ws = wb.create_sheet("Cascading Pemda")
    ws.append(["Kode IKU Pemda", "OPD", "Kode IKU OPD", "Bobot"])
    for row in cascading_rows(n_opd) if cascading is None else cascading:
        ws.append(list(row))
    path = out / "pemda" / "referensi" / "Referensi Pemda.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def generate_pemda(out: Path | str, n_opd: int = 3, months: int = MONTH) -> dict[str, Path]:
    """Write a Pemda of ``n_opd`` OPD under ``out``; returns folder name -> its path (and ``pemda``).
    ``months``: the Bali and health kinds' bidang send files January to that month (12: the whole year,
    for a year's backfill); the Jawa Timur kind's month is June."""
    out = Path(out)
    written = {}
    for i in range(n_opd):
        if kind_of(i) == "jatim":
            written[folder_of(i)] = write_jatim(out, i)
        elif kind_of(i) == "bali":
            written[folder_of(i)] = write_bali(out, i, months)
        else:
            written[folder_of(i)] = write_health(out, i, months)
    written["pemda"] = write_pemda_referensi(out, n_opd)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pipeline.samples.pemda", description=__doc__.splitlines()[0])
    parser.add_argument("--opd", type=int, default=3, help="jumlah OPD (bawaan 3)")
    parser.add_argument("--bulan", type=int, default=MONTH,
                        help=f"berkas OPD jenis Bali dan kesehatan dari Januari sampai bulan ini (bawaan {MONTH}; 12 untuk setahun)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    for name, path in generate_pemda(args.out, args.opd, args.bulan).items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()
