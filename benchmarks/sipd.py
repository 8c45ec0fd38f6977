"""Benchmark: reading a large SIPD export against the same rows in a realisation workbook.

    .venv/bin/python benchmarks/sipd.py                     # 200,000 rows, best of 3
    .venv/bin/python benchmarks/sipd.py --rows 50000 --repeat 1

The same N rows (one sub kegiatan each, U.BB.PP.L.KK.SSSS codes all different, pagu and
realisasi in rupiah, 2 % of the money cells as Indonesian text) are written once, cached in
``benchmarks/data/sipd-N/`` (git-ignored), as

- a SIPD export ``sipd/lra.xlsx`` (SIPD's field names: kode_skpd, kode_sub_giat, nama_sub_giat,
  kode_akun, nama_akun, nilai, realisasi_rill; a title block with the cut-off date), and
- a bidang's realisation workbook ``realisasi/realisasi.xlsx`` (Kode, Uraian, Indikator, Satuan,
  Target, Realisasi, Pagu, Realisasi Anggaran; ``Bulan: Desember 2024``),

and each is read by the run's own reader, in this process, one after the other
(:func:`pipeline.intake.sipd.read_sipd` and :func:`pipeline.intake.realisasi.read_realisasi`:
safety checks, the sandboxed Excel reader, header search, casting, the expectation suite and
the rules of the table).  Wall time, best of ``--repeat``; the target: SIPD at most 2x the
realisation workbook.  A script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT / "benchmarks" / "data"


def _rows(n: int):
    for i in range(n):
        program, kegiatan, sub = 2 + i // 990_000, 1 + (i // 9_900) % 99, 1 + i % 9_900
        kode = f"2.{17 + program % 80:02d}.{1 + (i // 980_100) % 99:02d}.1.{kegiatan:02d}.{sub:04d}"
        pagu = 1_000_000 + (i * 7919) % 250_000_000
        real = pagu * ((i * 31) % 100) // 100
        if i % 50 == 0:  # typed as Indonesian text
            yield kode, f"Sub Kegiatan {i}", f"Rp {pagu:,}".replace(",", "."), f"{real:,}".replace(",", ".") + ",00"
        else:
            yield kode, f"Sub Kegiatan {i}", pagu, real


def write_inputs(n: int) -> Path:
    """The cached folder with both workbooks of ``n`` rows (and the sample's referensi)."""
    import shutil

    from openpyxl import Workbook

    folder = DATA / f"sipd-{n}"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(ROOT / "inputs" / "referensi", folder / "referensi")

    sipd = Workbook(write_only=True)
    ws = sipd.create_sheet("Realisasi")
    for line in ("LAPORAN REALISASI ANGGARAN PER SUB KEGIATAN DAN REKENING", "Per Tanggal 31 Desember 2024", None):
        ws.append([line])
    ws.append(["kode_skpd", "kode_sub_giat", "nama_sub_giat", "kode_akun", "nama_akun", "nilai", "realisasi_rill"])
    for kode, nama, pagu, real in _rows(n):
        ws.append(["2.17.0.00.0.00.01.0000", kode, nama, "5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", pagu, real])
    (folder / "sipd").mkdir(parents=True)
    sipd.save(folder / "sipd" / "lra.xlsx")

    book = Workbook(write_only=True)
    ws = book.create_sheet("Realisasi")
    for line in ("LAPORAN REALISASI FISIK DAN KEUANGAN", "Bulan: Desember 2024", None):
        ws.append([line])
    ws.append(["Kode", "Uraian", "Indikator", "Satuan", "Target", "Realisasi", "Pagu", "Realisasi Anggaran"])
    for kode, nama, pagu, real in _rows(n):
        ws.append([kode, nama, "Jumlah Dokumen", "Dokumen", 10, 8, pagu, real])
    (folder / "realisasi").mkdir(parents=True)
    book.save(folder / "realisasi" / "realisasi.xlsx")
    marker.write_text("ok\n")
    return folder


def best_of(repeat: int, read) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = read()
        times.append(time.perf_counter() - start)
    return min(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from pipeline.intake.realisasi import read_realisasi
    from pipeline.intake.referensi import Referensi
    from pipeline.intake.sipd import read_sipd

    folder = write_inputs(args.rows)
    ref = Referensi(file="", kode_skpd="2.17.0.00.0.00.01.0000")
    only_realisasi = [folder / "realisasi" / "realisasi.xlsx"]
    # the realisation reader sees the SIPD folder too (it then accepts empty budget cells): same rules as a run
    t_sipd, sipd = best_of(args.repeat, lambda: read_sipd(folder, ref, "2024-12"))
    t_real, real = best_of(args.repeat, lambda: read_realisasi(folder, ref, "2024-12", only_realisasi))
    s, r = sipd.sources[0].report, real.sources[0].report
    print(f"rows: {args.rows:,}; best of {args.repeat}")
    print(f"{'input':<34}{'rows read':>12}{'accepted':>12}{'time':>10}")
    print(f"{'SIPD export (sipd/lra.xlsx)':<34}{s.rows_read:>12,}{s.rows_accepted:>12,}{t_sipd:>9.2f}s")
    print(f"{'realisation workbook':<34}{r.rows_read:>12,}{r.rows_accepted:>12,}{t_real:>9.2f}s")
    ratio = t_sipd / t_real
    print(f"SIPD / realisation: {ratio:.2f}x (target: at most 2x)")
    print(f"pagu SIPD {sipd.rows['pagu'].sum():,.0f} / realisation {real.sub['pagu'].sum():,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
