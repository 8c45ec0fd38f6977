"""Data of the through-the-year tests: a full year of monthly files (2025) for four bidang, December 2024 files, and a referensi with
`Target Renstra` and `Rencana Penarikan`; the runs for March, June and December 2025.

What the data exercise:
- Sekretariat sends no file for June (June takes May's values; a `Bidang tidak mengirim` warning);
- a percentage output (2.17.02.1.02.0001, %, a level) beside additive ones;
- 2.17.03.1.01.0003 spends on plan until April, then stalls: more than 20 points behind its plan from
  June (present in June, absent in March), caught up by December;
- 2.17.07.1.01.0002 delivers no output in April-June while spending on time (output capaian 25 points
  behind absorption in June), and its August realisasi anggaran is below July's (a cumulative drop);
- Sekretariat has no December 2024 file; its sub kegiatan's Renstra realisation so far is stated in
  `Target Renstra`, the others come from the December 2024 files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openpyxl

from pipeline.samples import calibrated as cal
from pipeline.samples.monthly import MonthNode, write_month
from pipeline.samples.writer import write_referensi

YEAR = 2025
KEL, PEN, KEW, SEK = cal.KELEMBAGAAN, cal.PENGAWASAN, cal.KEWIRAUSAHAAN, cal.SEKRETARIAT
MISSING = {(SEK, 6)}  # (bidang, month) without a file


@dataclass(frozen=True)
class Code:
    kode: str
    bidang: str
    uraian: str
    indikator: str
    satuan: str
    target: float
    pagu: float = 0  # sub kegiatan only
    december_before: tuple[float, float] | None = None  # (K, pagu) of December 2024; Rp from the subs


CODES = [
    Code("2.17.01", SEK, "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH PROVINSI", "Persentase layanan penunjang", "%", 100),
    Code("2.17.01.1.01", SEK, "Perencanaan, Penganggaran, dan Evaluasi Kinerja", "Jumlah dokumen", "Dokumen", 12),
    Code("2.17.01.1.01.0001", SEK, "Penyusunan Dokumen Perencanaan", "Jumlah dokumen perencanaan", "Dokumen", 12, 1_200_000),
    Code("2.17.02", KEL, "PROGRAM PELAYANAN IZIN USAHA SIMPAN PINJAM", "Persentase koperasi yang bankable", "%", 3.0,
         december_before=(2.5, 0)),
    Code("2.17.02.1.01", KEL, "Penerbitan Izin Usaha Simpan Pinjam", "Jumlah koperasi berizin", "Unit", 12,
         december_before=(10, 0)),
    Code("2.17.02.1.01.0001", KEL, "Fasilitasi Izin Usaha Simpan Pinjam", "Jumlah koperasi berizin", "Unit", 12,
         1_200_000, december_before=(10, 1_100_000)),
    Code("2.17.02.1.02", KEL, "Penerbitan Izin Kantor Cabang", "Persentase izin kantor cabang terbit", "%", 80,
         december_before=(50, 0)),
    Code("2.17.02.1.02.0001", KEL, "Fasilitasi Izin Kantor Cabang", "Persentase izin kantor cabang terbit", "%", 80,
         600_000, december_before=(50, 550_000)),
    Code("2.17.03", PEN, "PROGRAM PENGAWASAN DAN PEMERIKSAAN KOPERASI", "Persentase koperasi berkualitas", "%", 7.0,
         december_before=(5.0, 0)),
    Code("2.17.03.1.01", PEN, "Pemeriksaan dan Pengawasan Koperasi", "Jumlah koperasi diperiksa", "Unit", 120,
         december_before=(100, 0)),
    Code("2.17.03.1.01.0003", PEN, "Penguatan Tata Kelola Kelembagaan Koperasi", "Jumlah koperasi diperiksa", "Unit",
         120, 2_400_000, december_before=(100, 2_100_000)),
    Code("2.17.07", KEW, "PROGRAM PEMBERDAYAAN UMKM", "Persentase pertumbuhan wirausaha", "%", 6.0,
         december_before=(5.5, 0)),
    Code("2.17.07.1.01", KEW, "Pemberdayaan Usaha Kecil", "Jumlah pelaku UMKM dilatih", "Org", 60,
         december_before=(50, 0)),
    Code("2.17.07.1.01.0002", KEW, "Peningkatan Kapasitas SDM UMKM", "Jumlah pelaku UMKM dilatih", "Org", 60,
         1_200_000, december_before=(50, 1_150_000)),
]
BY_KODE = {c.kode: c for c in CODES}
MONTHS = range(1, 13)

# cumulative output (K) per month
K = {
    "2.17.01": {m: 100 for m in MONTHS},
    "2.17.01.1.01": {m: m for m in MONTHS},
    "2.17.01.1.01.0001": {m: m for m in MONTHS},
    "2.17.02": {m: 0.25 * m for m in MONTHS},
    "2.17.02.1.01": {m: m for m in MONTHS},
    "2.17.02.1.01.0001": {m: m for m in MONTHS},
    "2.17.02.1.02": {m: 5 * m for m in MONTHS},
    "2.17.02.1.02.0001": {m: 5 * m for m in MONTHS},
    "2.17.03": {m: 0.5 * m for m in MONTHS},
    "2.17.03.1.01": dict(zip(MONTHS, (10, 20, 30, 40, 40, 40, 40, 40, 40, 80, 100, 120), strict=True)),
    "2.17.03.1.01.0003": dict(zip(MONTHS, (10, 20, 30, 40, 40, 40, 40, 40, 40, 80, 100, 120), strict=True)),
    "2.17.07": {m: 0.5 * m for m in MONTHS},
    "2.17.07.1.01": dict(zip(MONTHS, (5, 10, 15, 15, 15, 15, 35, 40, 45, 50, 55, 60), strict=True)),
    "2.17.07.1.01.0002": dict(zip(MONTHS, (5, 10, 15, 15, 15, 15, 35, 40, 45, 50, 55, 60), strict=True)),
}
# cumulative realisasi anggaran (Rp) per month, sub kegiatan
RP = {
    "2.17.01.1.01.0001": {m: 100_000 * m for m in MONTHS},
    "2.17.02.1.01.0001": {m: 100_000 * m for m in MONTHS},
    "2.17.02.1.02.0001": {m: 50_000 * m for m in MONTHS},
    "2.17.03.1.01.0003": dict(zip(MONTHS, (200_000, 400_000, 600_000, 700_000, 700_000, 700_000, 700_000, 700_000,
                                           700_000, 1_400_000, 1_800_000, 2_300_000), strict=True)),
    "2.17.07.1.01.0002": {**{m: 100_000 * m for m in MONTHS}, 8: 650_000},
}
# Rencana Penarikan (planned cumulative Rp per month), every sub kegiatan
PLAN = {kode: {m: BY_KODE[kode].pagu / 12 * m for m in MONTHS} for kode in RP}
# Target Renstra: kode -> (Target Akhir K, Target Akhir Rp, Realisasi s.d. Tahun Lalu K, Rp)
TARGET_RENSTRA = {
    "2.17.02": (3.5, 5_400_000, None, None),
    "2.17.01.1.01.0001": (36, 3_600_000, 4, 1_150_000),
    "2.17.02.1.01.0001": (36, 3_600_000, None, None),
    "2.17.02.1.02.0001": (90, 1_800_000, None, None),
    "2.17.03.1.01.0003": (360, 7_200_000, None, None),
    "2.17.07.1.01.0002": (180, 3_600_000, None, None),
}
# December 2024: realisasi anggaran of each sub kegiatan
DECEMBER_BEFORE_RP = {"2.17.02.1.01.0001": 1_000_000, "2.17.02.1.02.0001": 500_000,
                      "2.17.03.1.01.0003": 2_000_000, "2.17.07.1.01.0002": 1_100_000}
PERIODS = ("2025-03", "2025-06", "2025-12")
BAD_PLAN_CODE = "2.17.02.1.01"  # a plan row for a kegiatan: rejected (Rencana Penarikan is per sub kegiatan)
# Analisis: kode_iku -> (Faktor Pendorong, Faktor Penghambat, Tindak Lanjut)
ANALISIS = {"S1": ("Koordinasi dengan kabupaten/kota berjalan baik", "Jadwal pemeriksaan bergeser",
                   "Percepat pemeriksaan triwulan berikutnya"),
            "S2": ("Minat pelaku UMKM tinggi", "", "Tambah kelas pelatihan")}


def _tree(bidang: str, value_k, value_rp, pagu) -> list[MonthNode]:
    """The bidang's program > kegiatan > sub kegiatan rows for one month."""
    def node(code: Code) -> MonthNode:
        children = tuple(node(c) for c in CODES if c.kode.rsplit(".", 1)[0] == code.kode
                         or (code.kode.count(".") == 2 and c.kode.count(".") == 4 and c.kode.startswith(code.kode + ".")))
        if code.kode.count(".") == 5:
            return MonthNode(code.kode, code.uraian, code.indikator, code.satuan, code.target, value_k(code),
                             pagu_own=pagu(code), realisasi_own=value_rp(code))
        return MonthNode(code.kode, code.uraian, code.indikator, code.satuan, code.target, value_k(code),
                         children=children)
    return [node(c) for c in CODES if c.bidang == bidang and c.kode.count(".") == 2]


def _add_sheet(path: Path, name: str, header: list[str], rows: list[list]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet(name)
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)


def build_inputs(root: Path) -> Path:
    ref = write_referensi(
        root / "referensi" / "Referensi 2025.xlsx", instansi=cal.INSTANSI, iku=cal.IKU, iku_years=cal.IKU_YEARS,
        renstra=cal.RENSTRA, realisasi_iku=cal.REALISASI_IKU,
        cascading=[("2.17.02", "S1", "Izin"), ("2.17.03", "S1", "Pengawasan"), ("2.17.07", "S2", "UMKM")],
        bidang=[(p.kode, p.bidang) for p in cal.PROGRAMS if p.bidang in (KEL, PEN, KEW, SEK)],
        statistik=cal.statistik_rows(), anggaran=(), skala=cal.SKALA, year=YEAR)
    _add_sheet(ref, "Target Renstra", ["Kode", "Indikator", "Satuan", "Target Akhir (K)", "Target Akhir (Rp)",
                                       "Realisasi s.d. Tahun Lalu (K)", "Realisasi s.d. Tahun Lalu (Rp)"],
               [[kode, BY_KODE[kode].indikator, BY_KODE[kode].satuan, *values] for kode, values in TARGET_RENSTRA.items()])
    _add_sheet(ref, "Rencana Penarikan", ["Kode", "Uraian", *[cal_month(m) for m in MONTHS]],
               [[kode, BY_KODE[kode].uraian, *[PLAN[kode][m] for m in MONTHS]] for kode in PLAN]
               + [[BAD_PLAN_CODE, "Kegiatan, bukan sub kegiatan", *[1000 * m for m in MONTHS]]])
    _add_sheet(ref, "Analisis", ["Kode IKU", "Analisis", "Solusi", "Faktor Pendorong", "Faktor Penghambat",
                                 "Tindak Lanjut"], [[kode, "", "", *texts] for kode, texts in ANALISIS.items()])
    for bidang in (KEL, PEN, KEW):
        tree = _tree(bidang, lambda c: c.december_before[0],
                     lambda c: DECEMBER_BEFORE_RP[c.kode], lambda c: c.december_before[1])
        write_month(root / "realisasi" / "2024" / f"Desember 2024 {bidang}.xlsx", tree, 2024, 12, bidang)
    for month in MONTHS:
        for bidang in (KEL, PEN, KEW, SEK):
            if (bidang, month) in MISSING:
                continue
            tree = _tree(bidang, lambda c, m=month: K[c.kode][m], lambda c, m=month: RP[c.kode][m],
                         lambda c: c.pagu)
            write_month(root / "realisasi" / f"{YEAR}" / f"{month:02d} {bidang}.xlsx", tree, YEAR, month, bidang)
    return root


def cal_month(m: int) -> str:
    from pipeline.domain.periods import MONTH_NAMES_ID

    return MONTH_NAMES_ID[m - 1]


