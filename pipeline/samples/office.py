"""A second office's drop folder: another province, a mid-year period, its own layouts.

Where the bundled sample (:mod:`pipeline.samples.calibrated`) reproduces one
published report, this set is built to exercise what differs between offices:

- a province with a Kota and a Kabupaten of the same name (Malang, Kediri,
  Blitar, Madiun), written in the ODK export as ``Kab.``, ``Kab``,
  ``KABUPATEN``, ``Kota``, ``Kodya`` and once without a prefix (ambiguous);
- the office's own name, head and signature place in the ``Renstra`` sheet;
- a program serving two sasaran (two ``Cascading`` rows);
- two bidang under one program, each file repeating the program header row
  above its own kegiatan;
- outputs in percent typed as Excel percentages (1 and 0.45 with a ``%``
  format) and as the text ``2,50%``;
- a ``Negatif`` indicator (lower is better) with a Renstra target;
- a mid-year period (June): ODK Tahun Buku and Statistik of a year still running;
- a bidang that has not reported yet, and one that sent a correction after the deadline.

``generate_office(out)`` writes the files; :data:`OFFICE` describes them (the
tests read their expectations from it).  Deterministic: no randomness, fixed
saved times.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from pipeline.samples.writer import DATE_FORMAT, MONEY_FORMAT, write_realisasi, write_referensi


@dataclass(frozen=True)
class Row:
    """A program, kegiatan or sub kegiatan row; parents carry the sums of their children."""

    kode: str
    uraian: str
    indikator: str = ""
    satuan: str = ""
    target: float | str | None = None
    realisasi_value: float | str | None = None
    children: tuple[Row, ...] = ()
    pagu_own: int = 0
    realisasi_own: int = 0
    excel_percent: bool = False  # target/realisasi written as Excel percentages (1 = 100 %)

    @property
    def realisasi(self):
        return self.realisasi_value

    @property
    def pagu(self) -> int:
        return sum(c.pagu for c in self.children) if self.children else self.pagu_own

    @property
    def realisasi_anggaran(self) -> int:
        return sum(c.realisasi_anggaran for c in self.children) if self.children else self.realisasi_own

    def only(self, *kegiatan: str) -> Row:
        """This program with only some of its kegiatan (what one bidang's file holds)."""
        return Row(self.kode, self.uraian, self.indikator, self.satuan, self.target, self.realisasi_value,
                   tuple(k for k in self.children if k.kode in kegiatan))


def _sub(kode, uraian, indikator, satuan, target, realisasi, pagu, spent, **kw) -> Row:
    return Row(kode, uraian, indikator, satuan, target, realisasi, pagu_own=pagu, realisasi_own=spent, **kw)


def _keg(kode, uraian, indikator, satuan, target, realisasi, *subs) -> Row:
    return Row(kode, uraian, indikator, satuan, target, realisasi, children=tuple(subs))


def _prog(kode, uraian, indikator, *kegiatan) -> Row:
    return Row(kode, uraian, indikator, "%", 100, 50, children=tuple(kegiatan))


SEKRETARIAT = "Sekretariat"
KELEMBAGAAN = "Bidang Kelembagaan Koperasi"
PENGAWASAN = "Bidang Pengawasan Koperasi"
USAHA_MIKRO = "Bidang Usaha Mikro"
KEWIRAUSAHAAN = "Bidang Kewirausahaan"

PROGRAMS = (
    _prog("2.17.01", "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH PROVINSI",
          "Persentase Pemenuhan Layanan Penunjang",
          _keg("2.17.01.1.02", "Administrasi Keuangan Perangkat Daerah", "Jumlah Orang yang Menerima Gaji", "Orang",
               96, 96,
               _sub("2.17.01.1.02.0001", "Penyediaan Gaji dan Tunjangan ASN", "Jumlah Orang yang Menerima Gaji",
                    "Orang", 96, 96, 9_600_000_000, 4_750_000_000)),
          _keg("2.17.01.1.06", "Administrasi Umum Perangkat Daerah", "Persentase Pemenuhan Administrasi Umum", "%",
               100, 50,
               _sub("2.17.01.1.06.0004", "Penyediaan Bahan Logistik Kantor", "Jumlah Paket Bahan Logistik", "Paket",
                    12, 6, 240_000_000, 118_500_000))),
    _prog("2.17.02", "PROGRAM PELAYANAN IZIN USAHA SIMPAN PINJAM", "Persentase Koperasi Simpan Pinjam Berizin",
          _keg("2.17.02.1.01", "Pelayanan Izin Usaha Simpan Pinjam Lintas Kabupaten/Kota",
               "Persentase Izin yang Diterbitkan", "%", 100, 45,
               # typed as Excel percentages: 1 and 0.45 with a % format, shown as 100% and 45%
               _sub("2.17.02.1.01.0001", "Verifikasi Permohonan Izin Usaha Simpan Pinjam",
                    "Persentase Permohonan yang Diverifikasi", "%", 100, 45, 410_000_000, 162_000_000,
                    excel_percent=True),
               _sub("2.17.02.1.01.0002", "Penerbitan Izin Usaha Simpan Pinjam", "Jumlah Izin yang Diterbitkan",
                    "Izin", 40, 18, 190_000_000, 80_000_000))),
    _prog("2.17.03", "PROGRAM PENGAWASAN DAN PEMERIKSAAN KOPERASI", "Persentase Koperasi yang Diawasi",
          _keg("2.17.03.1.01", "Pemeriksaan dan Pengawasan Koperasi Lintas Kabupaten/Kota",
               "Jumlah Koperasi yang Diperiksa", "Unit", 120, 55,
               _sub("2.17.03.1.01.0001", "Pemeriksaan Kepatuhan Koperasi", "Jumlah Koperasi yang Diperiksa",
                    "Unit", 120, 55, 650_000_000, 301_000_000)),
          _keg("2.17.03.1.02", "Penilaian Kesehatan Koperasi Simpan Pinjam Lintas Kabupaten/Kota",
               "Persentase KSP yang Dinilai Kesehatannya", "%", 5, "2,50%",
               # the text 2,50% in a row whose unit is %
               _sub("2.17.03.1.02.0001", "Penilaian Kesehatan KSP/USP Koperasi",
                    "Persentase KSP yang Dinilai Kesehatannya", "%", "5%", "2,50%", 380_000_000, 152_000_000))),
    _prog("2.17.07", "PROGRAM PENGEMBANGAN UMKM", "Persentase Peningkatan Usaha Mikro yang Naik Kelas",
          _keg("2.17.07.1.01", "Pemberdayaan Usaha Menengah, Usaha Kecil, dan Usaha Mikro",
               "Jumlah UMKM yang Difasilitasi", "UMKM", 500, 210,
               _sub("2.17.07.1.01.0001", "Fasilitasi Pemberdayaan Usaha Mikro", "Jumlah UMKM yang Difasilitasi",
                    "UMKM", 500, 210, 1_200_000_000, 505_000_000))),
)


def program(kode: str) -> Row:
    return next(p for p in PROGRAMS if p.kode == kode)


@dataclass(frozen=True)
class Office:
    instansi: str
    provinsi: str
    kepala: str
    nip: str
    jabatan: str
    kota: str
    year: int
    month: int
    tahun_awal: int
    tahun_akhir: int
    statistik_regions: tuple[str, ...]  # as the referensi writes them
    # (name as written in ODK, region it means or None when it cannot be told apart / is unknown, cooperatives)
    odk_regions: tuple[tuple[str, str | None, int], ...]
    files: dict = field(default_factory=dict)


OFFICE = Office(
    instansi="Dinas Koperasi dan Usaha Kecil Menengah Provinsi Jawa Timur",
    provinsi="Jawa Timur",
    kepala="Dr. Endah Puspitasari, S.E., M.M.",
    nip="197003151995032004",
    jabatan="Kepala Dinas",
    kota="Surabaya",
    year=2025,
    month=6,
    tahun_awal=2025,
    tahun_akhir=2029,
    statistik_regions=("Kabupaten Malang", "Kota Malang", "Kab. Kediri", "Kota Kediri", "Kabupaten Blitar",
                       "Kota Blitar", "Kabupaten Madiun", "Kota Madiun", "Kota Surabaya", "Kabupaten Sidoarjo"),
    odk_regions=(
        ("Kab. Malang", "Kabupaten Malang", 9),
        ("KOTA MALANG", "Kota Malang", 4),
        ("Kabupaten Kediri", "Kab. Kediri", 6),
        ("Kota Kediri", "Kota Kediri", 3),
        ("Kab Blitar", "Kabupaten Blitar", 5),
        ("Kodya Blitar", "Kota Blitar", 2),
        ("KABUPATEN MADIUN", "Kabupaten Madiun", 4),
        ("Kota Madiun", "Kota Madiun", 3),
        ("Surabaya", "Kota Surabaya", 7),
        ("Sidoarjo", "Kabupaten Sidoarjo", 5),
        ("Malang", None, 1),  # Kabupaten or Kota? an Error naming both
    ),
)

REFERENSI = Path("referensi") / "Referensi LKjIP Diskop UKM Jatim 2025.xlsx"
ODK = Path("odk") / "ODK Jatim 2024-2025.xlsx"
# bidang -> (file under realisasi/, programs it holds, write_realisasi options, saved time in UTC)
_HEAD = ("PEMERINTAH PROVINSI JAWA TIMUR", "DINAS KOPERASI DAN USAHA KECIL MENENGAH")
REALISASI_FILES = {
    SEKRETARIAT: ("Realisasi Juni 2025 Sekretariat.xlsx", ("2.17.01",), dict(
        title=(*_HEAD, "LAPORAN REALISASI FISIK DAN KEUANGAN", "SEKRETARIAT", "Bulan: Juni 2025", None))),
    KELEMBAGAAN: ("Lap Realisasi Kelembagaan Jun25.xlsx", ("2.17.02",), dict(
        title=(*_HEAD, "LAPORAN REALISASI BULAN JUNI TAHUN 2025", "BIDANG KELEMBAGAAN KOPERASI", None),
        two_row_header=True)),
    PENGAWASAN: (str(Path("2025-06") / "Realisasi Pengawasan.xlsx"), ("2.17.03:2.17.03.1.01",), dict(
        title=(*_HEAD, "LAPORAN REALISASI FISIK DAN KEUANGAN", "BIDANG PENGAWASAN KOPERASI", None),
        headers=dict(kode="Kode Rekening", pagu="Pagu Anggaran", realisasi_anggaran="Realisasi Keuangan"),
        money="rupiah")),
    USAHA_MIKRO: ("REALISASI JUNI 2025 BIDANG USAHA MIKRO.xlsx", ("2.17.03:2.17.03.1.02",), dict(
        title=(*_HEAD, "LAPORAN REALISASI FISIK DAN KEUANGAN", "BIDANG USAHA MIKRO", "Bulan : Juni 2025", None),
        money="text")),
}
# Kewirausahaan has not reported yet.  Usaha Mikro sent a correction after the deadline (10 July):
CORRECTION = ("REALISASI JUNI 2025 BIDANG USAHA MIKRO (koreksi).xlsx", USAHA_MIKRO)
# when each file arrived in the drop folder (its modification time, WITA).  Kelembagaan saved its file in
# Excel on 8 July but dropped it on the 13th: it arrived late.
ARRIVED = {
    SEKRETARIAT: datetime(2025, 7, 5, 9, 30),
    KELEMBAGAAN: datetime(2025, 7, 13, 8, 15),
    PENGAWASAN: datetime(2025, 7, 10, 20, 0),
    USAHA_MIKRO: datetime(2025, 7, 9, 14, 0),
    CORRECTION[0]: datetime(2025, 7, 14, 10, 0),
}
SAVED_IN_EXCEL = {KELEMBAGAAN: datetime(2025, 7, 8, 1, 0)}  # UTC, docProps/core.xml


def _programs(spec: tuple[str, ...]) -> list[Row]:
    out = []
    for item in spec:
        kode, _, kegiatan = item.partition(":")
        out.append(program(kode).only(*kegiatan.split(",")) if kegiatan else program(kode))
    return out


def corrected(row: Row) -> Row:
    """The correction Usaha Mikro sent: more KSP assessed (3 %) and Rp 8.000.000 more spent."""
    if not row.children:
        return replace(row, realisasi_value="3,00%", realisasi_own=row.realisasi_own + 8_000_000)
    children = tuple(corrected(c) for c in row.children)
    value = "3,00%" if row.kode.count(".") == 4 else row.realisasi_value
    return replace(row, children=children, realisasi_value=value)


def _arrive(path: Path, moment: datetime) -> None:
    os.utime(path, (moment.timestamp(), moment.timestamp()))


IKU = (
    dict(kode="S1", level="Sasaran", pernyataan="Meningkatnya Kualitas Usaha Koperasi",
         indikator="Persentase Peningkatan Volume Usaha Koperasi", satuan="%", polaritas="Positif",
         sumber="VOLUME_USAHA_KOPERASI", targets={2025: 5, 2026: 5}, target_akhir=25, akumulasi="Kumulatif",
         formula="(Volume Usaha tahun n - Volume Usaha tahun n-1) / Volume Usaha tahun n-1 x 100%"),
    dict(kode="S2", level="Sasaran", pernyataan="Meningkatnya Wirausaha yang Produktif",
         indikator="Rasio Kewirausahaan", satuan="%", polaritas="Positif", sumber="RASIO_KEWIRAUSAHAAN",
         targets={2024: 3, 2025: 3.2, 2026: 3.4}, target_akhir=4, akumulasi="Tahun Berjalan",
         formula="Jumlah UMKM / Jumlah Penduduk usia produktif x 100%"),
    dict(kode="S3", level="Sasaran", pernyataan="Menurunnya Koperasi Tidak Sehat",
         indikator="Persentase Koperasi Tidak Sehat", satuan="%", polaritas="Negatif", sumber="MANUAL",
         targets={2024: 12, 2025: 10}, target_akhir=10, akumulasi="Tahun Berjalan",
         formula="Koperasi tidak sehat / koperasi yang dinilai x 100%"),
)
REALISASI_IKU = (("S3", 2024, 12.5, "LKjIP 2024"), ("S3", 2025, 8, "Penilaian kesehatan semester I"))
# program -> sasaran; 2.17.03 serves two
CASCADING = (("2.17.02", "S1"), ("2.17.03", "S1"), ("2.17.03", "S2"), ("2.17.07", "S2"))
BIDANG = (("2.17.01", SEKRETARIAT), ("2.17.02", KELEMBAGAAN), ("2.17.03.1.01", PENGAWASAN),
          ("2.17.03.1.02", USAHA_MIKRO), ("2.17.07", KEWIRAUSAHAAN))
# the budget by jenis belanja covers every program, Kewirausahaan's included
ANGGARAN = (("Belanja Pegawai", 9_600_000_000, 9_600_000_000),
            ("Belanja Barang dan Jasa", 3_070_000_000, 3_070_000_000))


def statistik_rows(office: Office = OFFICE) -> list[tuple]:
    """2024 (final) and 2025 (the year still running): 3 % and 3,1 % of the productive-age population."""
    rows = []
    for year, share in ((2024, 30), (2025, 31)):
        for i, region in enumerate(office.statistik_regions):
            penduduk = 100_000 * (i + 2)
            rows.append((year, region, penduduk, penduduk * share // 1000, penduduk * share // 4000))
    return rows


def odk_rows(office: Office = OFFICE) -> list[list]:
    """Two Tahun Buku per cooperative: the last full year, and the running one (half a year of business)."""
    rows = []
    n = 0
    for written, _, count in office.odk_regions:
        for j in range(count):
            n += 1
            nik = f"35{n:02d}01{2000 + j:04d}{n:06d}"
            volume = 100_000_000 * (n % 7 + 1)
            for year, vol, updated in ((office.year - 1, volume, date(office.year, 2, 10)),
                                       (office.year, volume // 2, date(office.year, 7, 2))):
                rows.append([nik, f"Koperasi Sejahtera {n}", written, "Simpan Pinjam",
                             "Aktif" if j % 5 else "Tidak Aktif", year, 50 + n, vol // 5, 0, vol, vol // 20,
                             "Ya" if j % 2 else "Tidak", updated])
    # the same cooperative twice in this one file: the older Tanggal Update loses
    first = rows[0]
    rows.insert(2, [*first[:9], first[9] - 10_000_000, first[10], first[11], date(office.year, 1, 5)])
    return rows


ODK_HEADERS = ("NIK", "Nama Koperasi", "Kabupaten/Kota", "Jenis Koperasi", "Status", "Tahun Buku", "Jumlah Anggota",
               "Modal Sendiri", "Modal Luar", "Volume Usaha", "SHU", "Digital", "Tanggal Update")


def write_odk(path: Path, rows: list[list], office: Office = OFFICE) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Data Koperasi"
    ws.append([f"DATA KOPERASI PROVINSI {office.provinsi.upper()} - Sumber: Online Data Koperasi (ODK)"])
    ws.append([f"Diunduh: 3 Juli {office.year}"])
    ws.append([])
    ws.append(list(ODK_HEADERS))
    for r in rows:
        ws.append(r)
        row = ws.max_row
        ws.cell(row, 1).number_format = "@"
        for col in (8, 9, 10, 11):
            ws.cell(row, col).number_format = MONEY_FORMAT
        ws.cell(row, 13).number_format = DATE_FORMAT
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.properties.modified = datetime(office.year, 7, 3, 1, 0)
    wb.save(path)
    return path


def generate_office(out: Path | str, office: Office = OFFICE) -> dict[str, Path]:
    """Write the second office's drop folder under ``out``; returns bidang (or 'referensi', 'odk') -> path."""
    out = Path(out)
    written = {"referensi": write_referensi(
        out / REFERENSI,
        instansi=office.instansi,
        iku=IKU,
        iku_years=tuple(range(office.year - 1, office.tahun_akhir + 1)),
        renstra=(("Nama Instansi", office.instansi), ("Kepala", office.kepala), ("NIP", office.nip),
                 ("Jabatan", office.jabatan), ("Kota", office.kota), ("Tahun Awal", office.tahun_awal),
                 ("Tahun Akhir", office.tahun_akhir), ("Batas Pengumpulan", 10)),
        realisasi_iku=REALISASI_IKU,
        cascading=[(kode, iku, program(kode).uraian) for kode, iku in CASCADING],
        bidang=BIDANG,
        statistik=statistik_rows(office),
        anggaran=ANGGARAN,
        skala=(("Sangat Baik", 91), ("Baik", 76), ("Cukup", 66), ("Kurang", 51), ("Sangat Kurang", 0)),
        year=office.year,
    )}
    tz = ZoneInfo("Asia/Makassar")
    for bidang, (name, spec, options) in REALISASI_FILES.items():
        saved = {"saved": SAVED_IN_EXCEL[bidang]} if bidang in SAVED_IN_EXCEL else {}
        written[bidang] = write_realisasi(out / "realisasi" / name, _programs(spec), **options, **saved)
        _arrive(written[bidang], ARRIVED[bidang].replace(tzinfo=tz))
    name, bidang = CORRECTION
    _, spec, options = REALISASI_FILES[bidang]
    written[name] = write_realisasi(out / "realisasi" / name, [corrected(p) for p in _programs(spec)], **options)
    _arrive(written[name], ARRIVED[name].replace(tzinfo=tz))
    written["odk"] = write_odk(out / ODK, odk_rows(office), office)
    return written
