"""A third office's drop folder: a kabupaten health office, no cooperative data, a year of monthly files.

Where :mod:`pipeline.samples.office` is another cooperative office, this one is
another kind of office altogether:

- a Dinas Kesehatan of a kabupaten: urusan ``1.02`` with level-2 codes
  (``1.02.PP.2.KK.SSSS``), and a second bidang urusan (``2.14`` Pengendalian
  Penduduk dan KB) served by the same OPD;
- every IKU ``MANUAL`` (realisasi stated in ``Realisasi IKU``), with
  ``Standar Nasional`` and ``Sumber Data``; no ``odk/`` folder and no
  ``Statistik`` sheet;
- one program serving two sasaran; a ``Negatif`` indicator (maternal
  mortality per 100.000 live births) and a ``Kumulatif`` one;
- outputs that are levels: an index (``Indeks``), a rate per 100.000
  (``per 100.000 penduduk``), percentages, and one the ``Sifat Indikator``
  sheet names ``Rata-rata``;
- a kegiatan shared by two bidang: the Bidang sheet gives the program
  ``1.02.02`` to Kesehatan Masyarakat and two of its sub kegiatan to
  Pencegahan dan Pengendalian Penyakit, whose file repeats the program and
  kegiatan rows above its own sub kegiatan;
- twelve monthly files per bidang (cumulative from January), every one on time
  except Kesehatan Masyarakat's December file, which arrived on 14 January;
- one sub kegiatan (the food inspections) spending slowly: more than 20 points
  behind the share of the year elapsed from July (an early warning).

``generate_health(out)`` writes the files; the module's constants describe them
(the tests compute their expectations from these, not from the pipeline).
Deterministic: no randomness, fixed times.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.samples.writer import bulan, write_realisasi, write_referensi

YEAR = 2025
TAHUN_AWAL, TAHUN_AKHIR = 2025, 2029
INSTANSI = "Dinas Kesehatan Kabupaten Banyumas"
KEPALA = "dr. Hadi Sutrisno, M.Kes."
NIP = "197205141999031006"
JABATAN = "Kepala Dinas"
KOTA = "Purwokerto"
DEADLINE_DAY = 10
WIB = ZoneInfo("Asia/Jakarta")

SEKRETARIAT = "Sekretariat"
KESMAS = "Bidang Kesehatan Masyarakat"
P2P = "Bidang Pencegahan dan Pengendalian Penyakit"
SDK = "Bidang Sumber Daya Kesehatan"
KB = "Bidang Keluarga Berencana"
BIDANG_ORDER = (SEKRETARIAT, KESMAS, P2P, SDK, KB)


@dataclass(frozen=True)
class Sub:
    """A sub kegiatan through the year: December's figures and how they grow.

    ``levels``: the twelve monthly values of an output that is not additive (a level
    or a mean); else the output grows evenly to ``realisasi`` (whole numbers).
    Money grows as ``spend`` (share of December's realisasi anggaran per month)."""

    kode: str
    uraian: str
    indikator: str
    satuan: str
    target: float
    realisasi: float
    pagu: int
    spent: int  # December's cumulative realisasi anggaran
    bidang: str
    levels: tuple[float, ...] | None = None
    sifat: str = "Jumlah"  # as the pipeline must read it (default by unit, or the Sifat Indikator sheet)

    def output(self, month: int) -> float:
        if self.levels is not None:
            return self.levels[month - 1]
        return float(round(self.realisasi * month / 12))

    def money(self, month: int) -> int:
        return 0 if month == 0 else round(self.spent * SPEND[month - 1])


# share of December's realisasi anggaran reached at the end of each month (cumulative, slow start)
SPEND = (0.04, 0.10, 0.18, 0.26, 0.35, 0.45, 0.54, 0.63, 0.72, 0.81, 0.90, 1.0)


@dataclass(frozen=True)
class Parent:
    """A program or kegiatan row: its own indicator (a percentage, a level) and its children."""

    kode: str
    uraian: str
    indikator: str
    satuan: str
    target: float
    levels: tuple[float, ...]  # twelve monthly values of its (percentage) indicator
    children: tuple = field(default_factory=tuple)


def _ramp(first: float, last: float) -> tuple[float, ...]:
    return tuple(round(first + (last - first) * i / 11, 2) for i in range(12))


# the index output: a level whose quarter values are those at March, June, September, December
INDEKS_KESLING = (70.5, 70.8, 71.2, 72.0, 73.1, 74.0, 74.6, 75.3, 76.0, 77.2, 78.1, 79.4)
# the rate per 100.000: case notifications from January, a level too
NOTIFIKASI_TB = (12.4, 25.1, 39.8, 52.6, 66.0, 80.7, 95.2, 110.3, 125.9, 140.1, 155.6, 171.2)
# surveillance visits per Puskesmas in the month: the Sifat Indikator sheet says Rata-rata (the mean of the months)
KUNJUNGAN_SURVEILANS = (3.2, 3.4, 3.5, 3.3, 3.6, 3.8, 3.7, 3.9, 3.6, 3.8, 3.9, 3.7)

SUBS = (
    Sub("1.02.01.2.02.0001", "Penyediaan Gaji dan Tunjangan ASN", "Jumlah Bulan Gaji dan Tunjangan ASN yang Dibayarkan",
        "Bulan", 12, 12, 38_400_000_000, 37_212_450_000, SEKRETARIAT),
    Sub("1.02.01.2.06.0004", "Penyediaan Bahan Logistik Kantor", "Jumlah Paket Bahan Logistik Kantor yang Disediakan",
        "Paket", 12, 12, 420_000_000, 401_870_500, SEKRETARIAT),
    Sub("1.02.02.2.01.0020", "Pemeliharaan Rutin dan Berkala Alat Kesehatan/Alat Penunjang Medik Fasilitas Pelayanan "
        "Kesehatan", "Jumlah Alat Kesehatan yang Terpelihara Sesuai Standar", "Unit", 240, 228,
        1_150_000_000, 1_064_300_000, KESMAS),
    Sub("1.02.02.2.02.0001", "Pengelolaan Pelayanan Kesehatan Ibu Hamil",
        "Jumlah Ibu Hamil yang Mendapatkan Pelayanan Kesehatan Sesuai Standar", "Orang", 21_000, 20_160,
        860_000_000, 812_640_000, KESMAS),
    Sub("1.02.02.2.02.0004", "Pengelolaan Pelayanan Kesehatan Balita",
        "Jumlah Balita yang Mendapatkan Pelayanan Kesehatan Sesuai Standar", "Orang", 98_000, 93_100,
        740_000_000, 702_250_000, KESMAS),
    Sub("1.02.02.2.02.0011", "Pengelolaan Pelayanan Kesehatan Orang Terduga Tuberkulosis",
        "Angka Notifikasi Kasus Tuberkulosis", "per 100.000 penduduk", 180, NOTIFIKASI_TB[-1],
        1_320_000_000, 1_208_900_000, P2P, levels=NOTIFIKASI_TB, sifat="Tingkat"),
    Sub("1.02.02.2.02.0015", "Pengelolaan Pelayanan Kesehatan Lingkungan", "Indeks Kesehatan Lingkungan", "Indeks",
        80, INDEKS_KESLING[-1], 530_000_000, 489_700_000, KESMAS, levels=INDEKS_KESLING, sifat="Tingkat"),
    Sub("1.02.02.2.02.0017", "Pengelolaan Surveilans Kesehatan",
        "Rata-rata Kunjungan Surveilans Aktif per Puskesmas", "Kunjungan", 4, KUNJUNGAN_SURVEILANS[-1],
        610_000_000, 566_080_000, P2P, levels=KUNJUNGAN_SURVEILANS, sifat="Rata-rata"),
    Sub("1.02.03.2.02.0001", "Perencanaan dan Distribusi serta Pemerataan Sumber Daya Manusia Kesehatan",
        "Jumlah Dokumen Perencanaan Kebutuhan SDM Kesehatan", "Dokumen", 2, 2, 240_000_000, 226_500_000, SDK),
    Sub("1.02.04.2.06.0001", "Pemeriksaan Post Market pada Produk Makanan-Minuman Industri Rumah Tangga yang Beredar "
        "dan Pengawasan serta Tindak Lanjut Pengawasan", "Jumlah Produk Makanan-Minuman IRT yang Diperiksa", "Produk",
        150, 138, 185_000_000, 129_500_000, SDK),  # spends slowly: 70 % by December, behind from July
    Sub("2.14.03.2.02.0001", "Pengendalian dan Pendistribusian Kebutuhan Alat dan Obat Kontrasepsi",
        "Persentase Fasilitas Pelayanan KB yang Menerima Alat dan Obat Kontrasepsi", "%", 100, 96,
        325_000_000, 301_600_000, KB, levels=_ramp(8, 96), sifat="Tingkat"),
)


def sub(kode: str) -> Sub:
    return next(s for s in SUBS if s.kode == kode)


def _subs(*kodes: str) -> tuple[Sub, ...]:
    return tuple(sub(k) for k in kodes)


PROGRAMS = (
    Parent("1.02.01", "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA",
           "Persentase Pemenuhan Layanan Penunjang Perangkat Daerah", "%", 100, _ramp(8, 100), (
               Parent("1.02.01.2.02", "Administrasi Keuangan Perangkat Daerah",
                      "Persentase Pembayaran Gaji dan Tunjangan Tepat Waktu", "%", 100, _ramp(8, 100),
                      _subs("1.02.01.2.02.0001")),
               Parent("1.02.01.2.06", "Administrasi Umum Perangkat Daerah",
                      "Persentase Pemenuhan Administrasi Umum", "%", 100, _ramp(8, 100),
                      _subs("1.02.01.2.06.0004")))),
    Parent("1.02.02", "PROGRAM PEMENUHAN UPAYA KESEHATAN PERORANGAN DAN UPAYA KESEHATAN MASYARAKAT",
           "Persentase Fasilitas Pelayanan Kesehatan yang Memenuhi Standar", "%", 100, _ramp(60, 94), (
               Parent("1.02.02.2.01", "Penyediaan Fasilitas Pelayanan Kesehatan untuk UKM dan UKP Kewenangan "
                      "Daerah Kabupaten/Kota", "Persentase Fasilitas Kesehatan dengan Sarana Sesuai Standar", "%",
                      100, _ramp(70, 95), _subs("1.02.02.2.01.0020")),
               # shared: Kesehatan Masyarakat's three sub kegiatan and P2P's two
               Parent("1.02.02.2.02", "Penyediaan Layanan Kesehatan untuk UKM dan UKP Rujukan Tingkat Daerah "
                      "Kabupaten/Kota", "Persentase Pelayanan Kesehatan Sesuai Standar", "%", 100, _ramp(20, 96),
                      _subs("1.02.02.2.02.0001", "1.02.02.2.02.0004", "1.02.02.2.02.0011", "1.02.02.2.02.0015",
                            "1.02.02.2.02.0017")))),
    Parent("1.02.03", "PROGRAM PENINGKATAN KAPASITAS SUMBER DAYA MANUSIA KESEHATAN",
           "Persentase Puskesmas dengan Tenaga Kesehatan Sesuai Standar", "%", 100, _ramp(70, 90), (
               Parent("1.02.03.2.02", "Perencanaan Kebutuhan dan Pendayagunaan Sumber Daya Manusia Kesehatan untuk "
                      "UKP dan UKM di Wilayah Kabupaten/Kota", "Persentase Pemenuhan Perencanaan SDM Kesehatan", "%",
                      100, _ramp(0, 100), _subs("1.02.03.2.02.0001")),)),
    Parent("1.02.04", "PROGRAM SEDIAAN FARMASI, ALAT KESEHATAN DAN MAKANAN MINUMAN",
           "Persentase Produk Makanan-Minuman IRT yang Memenuhi Syarat", "%", 90, _ramp(75, 88), (
               Parent("1.02.04.2.06", "Pemeriksaan dan Tindak Lanjut Hasil Pemeriksaan Post Market pada Produksi dan "
                      "Produk Makanan Minuman Industri Rumah Tangga", "Persentase Produk IRT yang Diperiksa", "%", 100,
                      _ramp(8, 92), _subs("1.02.04.2.06.0001")),)),
    Parent("2.14.03", "PROGRAM PEMBINAAN KELUARGA BERENCANA (KB)",
           "Persentase Peserta KB Aktif", "%", 75, _ramp(70, 73.5), (
               Parent("2.14.03.2.02", "Pengendalian dan Pendistribusian Kebutuhan Alat dan Obat Kontrasepsi serta "
                      "Pelaksanaan Pelayanan KB di Daerah Kabupaten/Kota",
                      "Persentase Pemenuhan Alat dan Obat Kontrasepsi", "%", 100, _ramp(8, 96),
                      _subs("2.14.03.2.02.0001")),)),
)

# the referensi's Bidang sheet (longest code wins): P2P holds two sub kegiatan of Kesehatan Masyarakat's kegiatan
BIDANG = (("1.02.01", SEKRETARIAT), ("1.02.02", KESMAS), ("1.02.02.2.02.0011", P2P), ("1.02.02.2.02.0017", P2P),
          ("1.02.03", SDK), ("1.02.04", SDK), ("2.14.03", KB))

IKU = (
    dict(kode="T1", level="Tujuan", pernyataan="Meningkatnya Derajat Kesehatan Masyarakat",
         indikator="Usia Harapan Hidup", satuan="Tahun", polaritas="Positif", sumber="MANUAL",
         targets={2024: 73.95, 2025: 74.10, 2026: 74.25, 2027: 74.40, 2028: 74.55, 2029: 74.70}, target_akhir=74.70,
         akumulasi="Tahun Berjalan", formula="Angka dari Badan Pusat Statistik",
         standar_nasional=74.15, sumber_data="Badan Pusat Statistik Kabupaten Banyumas"),
    dict(kode="S1", level="Sasaran", pernyataan="Menurunnya Angka Kematian Ibu",
         indikator="Angka Kematian Ibu", satuan="per 100.000 KH", polaritas="Negatif", sumber="MANUAL",
         targets={2024: 95, 2025: 90, 2026: 85, 2027: 80, 2028: 75, 2029: 70}, target_akhir=70,
         akumulasi="Tahun Berjalan", formula="Jumlah kematian ibu / jumlah kelahiran hidup x 100.000",
         standar_nasional=183, sumber_data="Seksi Kesehatan Keluarga dan Gizi"),
    dict(kode="S2", level="Sasaran", pernyataan="Meningkatnya Mutu Pelayanan Kesehatan",
         indikator="Indeks Keluarga Sehat", satuan="Indeks", polaritas="Positif", sumber="MANUAL",
         targets={2024: 0.40, 2025: 0.45, 2026: 0.50, 2027: 0.55, 2028: 0.60, 2029: 0.65}, target_akhir=0.65,
         akumulasi="Tahun Berjalan", formula="Keluarga sehat / keluarga yang didata",
         sumber_data="Aplikasi Keluarga Sehat Kementerian Kesehatan"),
    dict(kode="S3", level="Sasaran", pernyataan="Meningkatnya Puskesmas yang Terakreditasi Paripurna",
         indikator="Jumlah Puskesmas Terakreditasi Paripurna", satuan="Puskesmas", polaritas="Positif",
         sumber="MANUAL", targets={2024: 3, 2025: 6, 2026: 10, 2027: 14, 2028: 18, 2029: 22}, target_akhir=22,
         akumulasi="Kumulatif", formula="Jumlah Puskesmas dengan status akreditasi Paripurna",
         sumber_data="Sistem Informasi Akreditasi Fasyankes"),
)
REALISASI_IKU = (
    ("T1", 2024, 73.98, "BPS"), ("T1", 2025, 74.05, "BPS (angka sementara)"),
    ("S1", 2024, 98.2, "Laporan KIA"), ("S1", 2025, 84.5, "Laporan KIA"),
    ("S2", 2024, 0.38, "Aplikasi Keluarga Sehat"), ("S2", 2025, 0.41, "Aplikasi Keluarga Sehat"),
    ("S3", 2024, 3, "SIAF"), ("S3", 2025, 7, "SIAF"),
)
# program -> sasaran: 1.02.02 serves two
CASCADING = (("1.02.02", "S1"), ("1.02.02", "S2"), ("1.02.03", "S3"), ("1.02.04", "S2"), ("2.14.03", "S1"))
SKALA = (("Sangat Baik", 91), ("Baik", 76), ("Cukup", 66), ("Kurang", 51), ("Sangat Kurang", 0))
# the Sifat Indikator sheet: the surveillance output is a mean of the months (its unit alone would make it additive)
SIFAT = (("1.02.02.2.02.0017", None, "Rata-rata"),)


def anggaran() -> tuple[tuple[str, int, int], ...]:
    """The budget by jenis belanja: salaries are Belanja Pegawai, the rest Barang dan Jasa (no shift)."""
    pegawai = sub("1.02.01.2.02.0001").pagu
    barang = sum(s.pagu for s in SUBS) - pegawai
    return (("Belanja Pegawai", pegawai, pegawai), ("Belanja Barang dan Jasa", barang, barang))


REFERENSI = Path("referensi") / "Referensi LKjIP Dinkes Banyumas 2025.xlsx"
_HEAD = ("PEMERINTAH KABUPATEN BANYUMAS", "DINAS KESEHATAN", "LAPORAN REALISASI FISIK DAN KEUANGAN")


def file_name(bidang: str, month: int, year: int = YEAR) -> Path:
    """Where a bidang's file of a month lies under ``realisasi/``."""
    return Path(f"{year}-{month:02d}") / f"Realisasi {bulan(month)} {year} {bidang}.xlsx"


def arrived(bidang: str, month: int, year: int = YEAR) -> datetime:
    """When the file arrived (WIB): the 5th of the next month at 09:00, except Kesehatan Masyarakat's
    December file, which came on 14 January, after the deadline of the 10th."""
    if bidang == KESMAS and month == 12:
        return datetime(year + 1, 1, 14, 10, 30, tzinfo=WIB)
    nxt = datetime(year + (month == 12), month % 12 + 1, 5, 9, 0, tzinfo=WIB)
    return nxt + timedelta(minutes=10 * BIDANG_ORDER.index(bidang))


@dataclass(frozen=True)
class _Row:
    """One row of a month's file (what :func:`write_realisasi` lays out)."""

    kode: str
    uraian: str
    indikator: str
    satuan: str
    target: float
    realisasi: float
    pagu: int
    realisasi_anggaran: int
    children: tuple = ()


def _row(node, month: int, bidang: str) -> _Row | None:
    """``node`` in ``bidang``'s file of ``month``: its own sub kegiatan only, subtotals of those."""
    if isinstance(node, Sub):
        if node.bidang != bidang:
            return None
        return _Row(node.kode, node.uraian, node.indikator, node.satuan, node.target, node.output(month), node.pagu,
                    node.money(month))
    children = tuple(r for r in (_row(c, month, bidang) for c in node.children) if r is not None)
    if not children:
        return None
    return _Row(node.kode, node.uraian, node.indikator, node.satuan, node.target, node.levels[month - 1],
                sum(c.pagu for c in children), sum(c.realisasi_anggaran for c in children), children)


def programs_of(bidang: str, month: int) -> list[_Row]:
    return [r for r in (_row(p, month, bidang) for p in PROGRAMS) if r is not None]


def parent(kode: str) -> Parent:
    for p in PROGRAMS:
        if p.kode == kode:
            return p
        for k in p.children:
            if k.kode == kode:
                return k
    raise KeyError(kode)


def write_health_referensi(path: Path, *, extra_iku: tuple[dict, ...] = (), statistik=None,
                           instansi: str = INSTANSI, kode_skpd: str | None = None) -> Path:
    """The health office's referensi (``extra_iku``/``statistik``: for variants of the tests; ``instansi`` and
    ``kode_skpd``: as one OPD of a Pemda)."""
    renstra = (("Nama Instansi", instansi), ("Kepala", KEPALA), ("NIP", NIP), ("Jabatan", JABATAN),
               ("Kota", KOTA), ("Tahun Awal", TAHUN_AWAL), ("Tahun Akhir", TAHUN_AKHIR),
               ("Batas Pengumpulan", DEADLINE_DAY))
    return write_referensi(
        path,
        instansi=instansi,
        iku=(*IKU, *extra_iku),
        iku_years=tuple(range(TAHUN_AWAL - 1, TAHUN_AKHIR + 1)),
        renstra=renstra + ((("Kode SKPD", kode_skpd),) if kode_skpd else ()),
        realisasi_iku=REALISASI_IKU,
        cascading=[(kode, iku, parent(kode).uraian) for kode, iku in CASCADING],
        bidang=BIDANG,
        statistik=statistik,
        anggaran=anggaran(),
        skala=SKALA,
        year=YEAR,
        extra_sheets=(("Sifat Indikator", ("Kode", "Satuan", "Sifat"), SIFAT),),
    )


def generate_health(out: Path | str, months: range = range(1, 13), *, instansi: str = INSTANSI,
                    kode_skpd: str | None = None) -> dict[str, Path]:
    """Write the health office's drop folder under ``out``: the referensi and every bidang's file of
    every month; returns ``referensi`` and ``<bidang> <YYYY-MM>`` -> path.  Each file's
    modification time and ``.lkjip-kedatangan.json`` say when it arrived."""
    from pipeline.intake.arrivals import Arrival, file_sha256, write_folder_record

    out = Path(out)
    written = {"referensi": write_health_referensi(out / REFERENSI, instansi=instansi, kode_skpd=kode_skpd)}
    records = []
    for month in months:
        for bidang in BIDANG_ORDER:
            path = out / "realisasi" / file_name(bidang, month)
            title = (*_HEAD, bidang.upper(), f"Bulan: {bulan(month)} {YEAR}", None)
            moment = arrived(bidang, month)
            write_realisasi(path, programs_of(bidang, month), title=title,
                            saved=(moment - timedelta(days=1)).astimezone(ZoneInfo("UTC")).replace(tzinfo=None))
            os.utime(path, (moment.timestamp(), moment.timestamp()))
            written[f"{bidang} {YEAR}-{month:02d}"] = path
            records.append(Arrival(file_sha256(path), moment, ("realisasi" / file_name(bidang, month)).as_posix(),
                                   "berkas"))
    write_folder_record(out, records)
    return written
