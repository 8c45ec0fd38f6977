"""The published LKjIP 2024 of the Dinas Koperasi, UKM Provinsi Bali as constants.

These are the figures the bundled sample inputs reproduce: the budget tree of
Tabel 3.8 (7 programs, 15 kegiatan, 28 sub kegiatan, exact rupiah), the outputs
of Tabel 3.7, the IKU of Tabel 2.1/2.2/3.2-3.4, the budget by type of spending
of Tabel 2.3 and the statistics behind the rasio kewirausahaan.  Nothing here
is random; :mod:`pipeline.samples.writer` turns it into workbooks and
:func:`calibrate_odk` makes the generated ODK export hit the published growth of
the volume usaha koperasi.

Codes follow Kepmendagri 050-5889/2021 (urusan 2.17 Koperasi, Usaha Kecil dan
Menengah); the kegiatan and sub kegiatan numbers are plausible choices for the
sample, not copied from the Dinas's DPA.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

YEAR = 2024
INSTANSI = "Dinas Koperasi, Usaha Kecil dan Menengah Provinsi Bali"

# --- bidang ---------------------------------------------------------------

SEKRETARIAT = "Sekretariat"
KELEMBAGAAN = "Bidang Kelembagaan dan Pemberdayaan Koperasi"
PENGAWASAN = "Bidang Pengawasan Koperasi"
KEWIRAUSAHAAN = "Bidang Kewirausahaan"
PEMBERDAYAAN_UKM = "Bidang Pemberdayaan Usaha Kecil dan Menengah"
UPTD_DIKLAT = "UPTD Diklat KUMKM"
BIDANG = (SEKRETARIAT, KELEMBAGAAN, PENGAWASAN, KEWIRAUSAHAAN, PEMBERDAYAAN_UKM, UPTD_DIKLAT)

# --- the budget tree (Tabel 3.7 outputs, Tabel 3.8 money) -----------------


@dataclass(frozen=True)
class Node:
    """A program, kegiatan or sub kegiatan row of a realisasi workbook.

    ``ref`` is the row's reference in the report's tables ("1", "1a", "1a1").
    Money (``pagu``, ``realisasi_anggaran``) is given on sub kegiatan only;
    parents carry the sums of their children.  Output ``target`` equals
    ``realisasi`` everywhere (the report's capaian keluaran is 100 %).
    """

    ref: str
    kode: str
    uraian: str
    indikator: str
    satuan: str
    target: float
    children: tuple[Node, ...] = ()
    pagu_own: int = 0
    realisasi_own: int = 0
    bidang: str = ""  # programs only

    @property
    def level(self) -> str:
        return {3: "program", 5: "kegiatan", 6: "sub_kegiatan"}[len(self.kode.split("."))]

    @property
    def realisasi(self) -> float:  # output realised (cumulative to December)
        return self.target

    @property
    def pagu(self) -> int:
        return sum(c.pagu for c in self.children) if self.children else self.pagu_own

    @property
    def realisasi_anggaran(self) -> int:
        return sum(c.realisasi_anggaran for c in self.children) if self.children else self.realisasi_own

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


def _sub(ref, kode, uraian, indikator, satuan, target, pagu, realisasi) -> Node:
    return Node(ref, kode, uraian, indikator, satuan, target, pagu_own=pagu, realisasi_own=realisasi)


def _keg(ref, kode, uraian, indikator, satuan, target, *subs) -> Node:
    return Node(ref, kode, uraian, indikator, satuan, target, children=tuple(subs))


def _prog(ref, kode, uraian, indikator, target, bidang, *kegiatan) -> Node:
    return Node(ref, kode, uraian, indikator, "%", target, children=tuple(kegiatan), bidang=bidang)


_LINTAS = "Lintas Daerah Kabupaten/Kota dalam 1 (satu) Daerah Provinsi"

PROGRAMS: tuple[Node, ...] = (
    _prog(
        "7", "2.17.01", "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH PROVINSI",
        "Persentase Pemenuhan Layanan Penunjang Urusan Pemerintahan Daerah", 100, SEKRETARIAT,
        _keg("7b", "2.17.01.1.01", "Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah",
             "Jumlah Dokumen Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah", "Dokumen", 8,
             _sub("7b1", "2.17.01.1.01.0001", "Penyusunan Dokumen Perencanaan Perangkat Daerah",
                  "Jumlah Dokumen Perencanaan Perangkat Daerah", "Dokumen", 5, 122914420, 121098720),
             _sub("7b2", "2.17.01.1.01.0007", "Evaluasi Kinerja Perangkat Daerah",
                  "Jumlah Laporan Evaluasi Kinerja Perangkat Daerah", "Laporan", 3, 5999600, 5615750)),
        _keg("7c", "2.17.01.1.02", "Administrasi Keuangan Perangkat Daerah",
             "Jumlah Orang yang Menerima Gaji dan Tunjangan ASN", "Orang", 118,
             _sub("7c1", "2.17.01.1.02.0001", "Penyediaan Gaji dan Tunjangan ASN",
                  "Jumlah Orang yang Menerima Gaji dan Tunjangan ASN", "Orang", 118, 12285642851, 10801409908)),
        _keg("7d", "2.17.01.1.05", "Administrasi Kepegawaian Perangkat Daerah",
             "Jumlah Pegawai yang Mengikuti Pendidikan dan Pelatihan Berdasarkan Tugas dan Fungsi", "Orang", 10,
             _sub("7d1", "2.17.01.1.05.0009", "Pendidikan dan Pelatihan Pegawai Berdasarkan Tugas dan Fungsi",
                  "Jumlah Pegawai Berdasarkan Tugas dan Fungsi yang Mengikuti Pendidikan dan Pelatihan", "Orang", 10,
                  20000000, 0)),
        _keg("7e", "2.17.01.1.06", "Administrasi Umum Perangkat Daerah",
             "Persentase Pemenuhan Kebutuhan Administrasi Umum Perangkat Daerah", "%", 100,
             _sub("7e2", "2.17.01.1.06.0001", "Penyediaan Komponen Instalasi Listrik/Penerangan Bangunan Kantor",
                  "Jumlah Paket Komponen Instalasi Listrik/Penerangan Bangunan Kantor yang Disediakan", "Paket", 1,
                  11278800, 10334000),
             _sub("7e3", "2.17.01.1.06.0002", "Penyediaan Peralatan dan Perlengkapan Kantor",
                  "Jumlah Paket Peralatan dan Perlengkapan Kantor yang Disediakan", "Paket", 1, 87306400, 68871200),
             _sub("7e4", "2.17.01.1.06.0004", "Penyediaan Bahan Logistik Kantor",
                  "Jumlah Paket Bahan Logistik Kantor yang Disediakan", "Paket", 12, 87500000, 86700000),
             _sub("7e5", "2.17.01.1.06.0005", "Penyediaan Barang Cetakan dan Penggandaan",
                  "Jumlah Paket Barang Cetakan dan Penggandaan yang Disediakan", "Paket", 12, 12576900, 10384700),
             _sub("7e6", "2.17.01.1.06.0008", "Fasilitasi Kunjungan Tamu",
                  "Jumlah Laporan Fasilitasi Kunjungan Tamu", "Laporan", 12, 5500000, 5445000),
             _sub("7e1", "2.17.01.1.06.0009", "Penyelenggaraan Rapat Koordinasi dan Konsultasi SKPD",
                  "Jumlah Laporan Penyelenggaraan Rapat Koordinasi dan Konsultasi SKPD", "Laporan", 12,
                  57893000, 33706668)),
        _keg("7f", "2.17.01.1.07", "Pengadaan Barang Milik Daerah Penunjang Urusan Pemerintah Daerah",
             "Jumlah Unit Peralatan dan Mesin Lainnya yang Disediakan", "Unit", 14,
             _sub("7f1", "2.17.01.1.07.0006", "Pengadaan Peralatan dan Mesin Lainnya",
                  "Jumlah Unit Peralatan dan Mesin Lainnya yang Disediakan", "Unit", 14, 721538450, 615903542)),
        _keg("7g", "2.17.01.1.08", "Penyediaan Jasa Penunjang Urusan Pemerintahan Daerah",
             "Jumlah Laporan Penyediaan Jasa Penunjang Urusan Pemerintahan Daerah", "Laporan", 36,
             _sub("7g1", "2.17.01.1.08.0001", "Penyediaan Jasa Surat Menyurat",
                  "Jumlah Laporan Penyediaan Jasa Surat Menyurat", "Laporan", 12, 2992000, 2490000),
             _sub("7g2", "2.17.01.1.08.0002", "Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik",
                  "Jumlah Laporan Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik", "Laporan", 12,
                  307500000, 203214024),
             _sub("7g3", "2.17.01.1.08.0004", "Penyediaan Jasa Pelayanan Umum Kantor",
                  "Jumlah Laporan Penyediaan Jasa Pelayanan Umum Kantor", "Laporan", 12, 1038106660, 993286175)),
        _keg("7a", "2.17.01.1.09", "Pemeliharaan Barang Milik Daerah Penunjang Urusan Pemerintahan Daerah",
             "Jumlah Barang Milik Daerah Penunjang Urusan Pemerintahan Daerah yang Dipelihara", "Unit", 61,
             _sub("7a1", "2.17.01.1.09.0002",
                  "Penyediaan Jasa Pemeliharaan, Biaya Pemeliharaan, Pajak dan Perizinan Kendaraan Dinas Operasional atau Lapangan",
                  "Jumlah Kendaraan Dinas Operasional atau Lapangan yang Dipelihara dan Dibayarkan Pajak dan Perizinannya",
                  "Unit", 18, 870582120, 842574820),
             _sub("7a2", "2.17.01.1.09.0006", "Pemeliharaan Peralatan dan Mesin Lainnya",
                  "Jumlah Peralatan dan Mesin Lainnya yang Dipelihara", "Unit", 40, 51990000, 42770000),
             _sub("7a3", "2.17.01.1.09.0009", "Pemeliharaan/Rehabilitasi Gedung Kantor dan Bangunan Lainnya",
                  "Jumlah Gedung Kantor dan Bangunan Lainnya yang Dipelihara/Direhabilitasi", "Unit", 3,
                  492522640, 487470709)),
    ),
    _prog(
        "1", "2.17.02", "PROGRAM PELAYANAN IZIN USAHA SIMPAN PINJAM",
        "Persentase koperasi yang bankable", 3.0, KELEMBAGAAN,
        _keg("1a", "2.17.02.1.01",
             "Penerbitan Izin Usaha Simpan Pinjam untuk Koperasi dengan Wilayah Keanggotaan " + _LINTAS,
             "Jumlah koperasi simpan pinjam yang memiliki izin usaha", "Unit", 10,
             _sub("1a1", "2.17.02.1.01.0001",
                  "Fasilitasi Izin Usaha Simpan Pinjam untuk Koperasi Dengan Wilayah Keanggotaan " + _LINTAS,
                  "Jumlah Koperasi Dengan Wilayah Keanggotaan Lintas Daerah Kabupaten/Kota Dalam 1 Daerah Provinsi "
                  "yang Memiliki Usaha Simpan Pinjam", "Unit", 10, 218410700, 142787420)),
        _keg("1b", "2.17.02.1.02",
             "Penerbitan Izin Pembukaan Kantor Cabang, Cabang Pembantu dan Kantor Kas Koperasi Simpan Pinjam "
             "untuk Koperasi dengan Wilayah Keanggotaan " + _LINTAS,
             "Jumlah Koperasi simpan pinjam yang membuka kantor cabang pembantu", "Unit", 1,
             _sub("1b1", "2.17.02.1.02.0001",
                  "Fasilitasi Izin Usaha Pembukaan Kantor Cabang, Cabang Pembantu dan Kantor Kas Koperasi Simpan "
                  "Pinjam untuk Koperasi dengan Wilayah Keanggotaan " + _LINTAS,
                  "Jumlah Kantor Cabang, Cabang Pembantu dan Kantor Kas Koperasi Simpan Pinjam untuk Koperasi dengan "
                  "Wilayah Keanggotaan Lintas Daerah Kabupaten/Kota dalam 1 Daerah Provinsi", "Unit", 1,
                  20000000, 5292000)),
    ),
    _prog(
        "2", "2.17.03", "PROGRAM PENGAWASAN DAN PEMERIKSAAN KOPERASI",
        "Persentase koperasi berkualitas", 7.0, PENGAWASAN,
        _keg("2a", "2.17.03.1.01",
             "Pemeriksaan dan Pengawasan Koperasi yang Wilayah Keanggotaannya " + _LINTAS,
             "Jumlah Koperasi yang Wilayah Keanggotaannya Lintas Daerah Kabupaten/Kota dalam 1 Daerah Provinsi "
             "yang diperiksa dan diawasi", "Unit", 218,
             _sub("2a1", "2.17.03.1.01.0003", "Penguatan Tata Kelola Kelembagaan Koperasi",
                  "Jumlah Koperasi yang Dilakukan Penguatan Tata Kelola Kelembagaan Koperasi", "Unit", 218,
                  49999500, 38267910)),
        _keg("2b", "2.17.03.1.02",
             "Pemeriksaan dan Pengawasan Koperasi Simpan Pinjam/Unit Simpan Pinjam Koperasi yang Wilayah "
             "Keanggotaannya " + _LINTAS,
             "Jumlah Koperasi Simpan Pinjam/Unit Simpan Pinjam Koperasi yang Wilayah Keanggotaannya Lintas Daerah "
             "Kabupaten/Kota dalam 1 Daerah Provinsi yang diperiksa dan diawasi", "Unit", 86,
             _sub("2b1", "2.17.03.1.02.0001",
                  "Pelaksanaan Pemeriksaan dan Pengawasan Koperasi yang Wilayah Keanggotaannya " + _LINTAS,
                  "Jumlah Koperasi yang Telah Dilakukan Pemeriksaan dan Pengawasan", "Unit", 86,
                  100909120, 89718225)),
    ),
    _prog(
        "6", "2.17.05", "PROGRAM PENDIDIKAN DAN LATIHAN PERKOPERASIAN",
        "Persentase pengelola KUMKM Bersertifikasi Kompetensi", 25, UPTD_DIKLAT,
        _keg("6a", "2.17.05.1.01",
             "Pendidikan dan Latihan Perkoperasian bagi Koperasi yang Wilayah " + _LINTAS,
             "Jumlah SDM yang Memahami Pengetahuan Perkoperasian", "Org", 1742,
             _sub("6a1", "2.17.05.1.01.0001",
                  "Peningkatan Pemahaman dan Pengetahuan Perkoperasian serta Kapasitas dan Kompetensi SDM Koperasi",
                  "Jumlah SDM yang memahami pengetahuan perkoperasian", "Org", 1742, 8009040280, 7688724592)),
    ),
    _prog(
        "3", "2.17.06", "PROGRAM PEMBERDAYAAN DAN PERLINDUNGAN KOPERASI",
        "Persentase koperasi yang mendapat pembiayaan dan bermitra dengan BUMN, BUMD/Swasta", 3.2, KELEMBAGAAN,
        _keg("3a", "2.17.06.1.01",
             "Pemberdayaan dan Perlindungan Koperasi yang Keanggotaannya " + _LINTAS,
             "Jumlah Unit Usaha yang Produktif, Bernilai Tambah, Memiliki Akses Pasar, Akses Pembiayaan, Penguatan "
             "Kelembagaan, Penataan Manajemen, Standarisasi, dan Restrukturisasi Usaha", "Kop", 146,
             _sub("3a1", "2.17.06.1.01.0001",
                  "Peningkatan Produktivitas, Nilai Tambah, Akses Pasar, Akses Pembiayaan, Penguatan Kelembagaan, "
                  "Penataan Manajemen, Standarisasi, dan Restrukturisasi Usaha",
                  "Jumlah unit usaha yang produktif, bernilai tambah, memiliki akses pasar, akses pembiayaan, "
                  "penguatan kelembagaan, penataan manajemen, standarisasi, dan restrukturisasi usaha", "Kop", 76,
                  148408980, 131343780),
             _sub("3a2", "2.17.06.1.01.0002",
                  "Pemberdayaan Koperasi dengan Keanggotaan " + _LINTAS,
                  "Koperasi dengan Keanggotaan Lintas Daerah Kabupaten/Kota dalam 1 Daerah Provinsi", "Kop", 70,
                  49999900, 43807150)),
    ),
    _prog(
        "4", "2.17.07", "PROGRAM PEMBERDAYAAN USAHA MENENGAH, USAHA KECIL, DAN USAHA MIKRO (UMKM)",
        "Persentase pertumbuhan wirausaha", 6.0, KEWIRAUSAHAAN,
        _keg("4a", "2.17.07.1.01",
             "Pemberdayaan Usaha Kecil yang dilakukan Melalui Pendataan, Kemitraan, Kemudahan Perijinan, Penguatan "
             "Kelembagaan dan Koordinasi Dengan Para Pemangku Kepentingan",
             "Jumlah Unit Usaha UMKM yang Tangguh dan Mandiri sehingga dapat Meningkatkan Penciptaan Lapangan Kerja, "
             "Pemerataan Pendapatan, Pertumbuhan Ekonomi, dan Pengentasan Kemiskinan", "UMKM", 195,
             _sub("4a1", "2.17.07.1.01.0002",
                  "Menumbuhkembangkan UMKM untuk Menjadi Usaha yang Tangguh dan Mandiri Sehingga dapat Meningkatkan "
                  "Penciptaan Lapangan Kerja, Pemerataan Pendapatan, Pertumbuhan Ekonomi, dan Pengentasan Kemiskinan",
                  "Jumlah Unit Usaha UMKM yang Tangguh dan Mandiri Sehingga dapat Meningkatkan Penciptaan Lapangan "
                  "Kerja, Pemerataan Pendapatan, Pertumbuhan Ekonomi, dan Pengentasan Kemiskinan", "UMKM", 195,
                  939685130, 875991259),
             _sub("4a2", "2.17.07.1.01.0003",
                  "Peningkatan Pemahaman dan Pengetahuan UMKM serta Kapasitas dan Kompetensi SDM UMKM dan "
                  "Kewirausahaan",
                  "Jumlah Pelaku UMKM yang Mengikuti Peningkatan Kapasitas dan Kompetensi SDM UMKM dan Kewirausahaan",
                  "Org", 120, 49999500, 49688500)),
    ),
    _prog(
        "5", "2.17.08", "PROGRAM PENGEMBANGAN UMKM",
        "Persentase UMKM Naik Kelas", 3.0, PEMBERDAYAAN_UKM,
        _keg("5a", "2.17.08.1.01",
             "Pengembangan Usaha Kecil dengan Orientasi Peningkatan Skala Usaha Menjadi Usaha Menengah",
             "Jumlah Usaha Kecil dengan Orientasi Peningkatan Skala Usaha Menjadi Usaha Menengah", "Unit", 417,
             _sub("5a1", "2.17.08.1.01.0001",
                  "Produksi dan Pengolahan, Pemasaran, Sumber Daya Manusia, serta Desain dan Teknologi",
                  "Jumlah Unit Usaha UMKM yang Mendapatkan Fasilitasi Produksi dan Pengolahan, Pemasaran, SDM, serta "
                  "Desain dan Teknologi", "Unit", 100, 219328560, 218261060),
             _sub("5a2", "2.17.08.1.01.0002",
                  "Peningkatan Pemahaman dan Pengetahuan Literasi Hukum dan Bantuan Penyelesaian Perkara bagi Pelaku "
                  "UMKM",
                  "Jumlah Pelaku UMKM yang Memahami Literasi Hukum", "Unit", 317, 263603800, 176101750)),
    ),
)

TOTAL_PAGU = 26251229311
TOTAL_REALISASI = 23791258862


def program(ref: str) -> Node:
    return next(p for p in PROGRAMS if p.ref == ref)


def programs_of(bidang: str) -> tuple[Node, ...]:
    return tuple(p for p in PROGRAMS if p.bidang == bidang)


def all_nodes():
    for p in PROGRAMS:
        yield from p.walk()


def sub_kegiatan():
    return [n for n in all_nodes() if n.level == "sub_kegiatan"]


# --- IKU (Tabel 2.1, 2.2, 3.2-3.4) ----------------------------------------

IKU_YEARS = tuple(range(2020, 2027))
IKU = (
    dict(kode="T1", level="Tujuan",
         pernyataan="Meningkatnya Kinerja dan Daya Saing Koperasi, Usaha Kecil dan Menengah (KUKM)",
         indikator="Persentase KUMKM Menuju Digital", satuan="Persentase", polaritas="Positif",
         sumber="KUMKM_DIGITAL", targets={}, target_akhir=None, akumulasi="Tahun Berjalan",
         formula="Jumlah Koperasi dan UMKM On Board / Keseluruhan data Koperasi dan UKM x 100%"),
    dict(kode="S1", level="Sasaran", pernyataan="Terwujudnya Koperasi yang Berkualitas dan Modern",
         indikator="Persentase Peningkatan Volume Usaha Koperasi", satuan="Persentase", polaritas="Positif",
         sumber="VOLUME_USAHA_KOPERASI", targets={2024: 8, 2025: 8, 2026: 8}, target_akhir=24,
         akumulasi="Kumulatif",
         formula="(Volume Usaha tahun n - Volume Usaha tahun n-1) / Volume Usaha tahun n-1 x 100%"),
    dict(kode="S2", level="Sasaran",
         pernyataan="Terwujudnya UMKM dan Wirausaha yang Berdaya Saing dan Produktif",
         indikator="Rasio Kewirausahaan", satuan="Persentase", polaritas="Positif",
         sumber="RASIO_KEWIRAUSAHAAN", targets={2023: 2.9, 2024: 3, 2025: 3.25, 2026: 3.5}, target_akhir=3.5,
         akumulasi="Tahun Berjalan",
         formula="Jumlah UMKM di Bali / Jumlah Penduduk usia produktif di Bali x 100%"),
)
# the one target written as an Excel percentage (0.0325 formatted 0.00%)
IKU_PERCENT_CELL = ("S2", 2025)

RENSTRA = (("Instansi", INSTANSI), ("Tahun Awal", 2024), ("Tahun Akhir", 2026), ("Batas Pengumpulan", 10),
           ("Kode SKPD", "2.17.0.00.0.00.01.0000"))
REALISASI_IKU = (("S2", 2023, 3.50, "LKjIP 2023"),)
CASCADING = {"S1": ("1", "2", "3"), "S2": ("4", "5", "6")}

SKALA = (("Sangat Baik", 91), ("Baik", 76), ("Cukup", 66), ("Kurang", 51), ("Sangat Kurang", 0))

# Tabel 2.3: (jenis belanja, pagu awal, pagu pergeseran)
ANGGARAN = (
    ("Belanja Pegawai", 12616431000, 12285642851),
    ("Belanja Barang dan Jasa", 12973780130, 13179886110),
    ("Belanja Subsidi", 25000000, 25000000),
    ("Belanja Modal", 133808900, 760700350),
)
ANGGARAN_TOTAL = (25749020030, 26251229311)

# --- Statistik: rasio kewirausahaan 3,50 % (2023) and 3,66 % (2024) ---------

KABUPATEN = (
    "Kabupaten Jembrana", "Kabupaten Tabanan", "Kabupaten Badung", "Kabupaten Gianyar", "Kabupaten Klungkung",
    "Kabupaten Bangli", "Kabupaten Karangasem", "Kabupaten Buleleng", "Kota Denpasar",
)
# BPS-like kode wilayah (used for the NIK of the sample cooperatives)
KODE_WILAYAH = dict(zip(KABUPATEN, ("5101", "5102", "5103", "5104", "5105", "5106", "5107", "5108", "5171")))

# shares of Bali's productive-age population and of its UMKM, per mille
_PENDUDUK_SHARE = (68, 103, 128, 118, 48, 55, 118, 172, 190)
_UMKM_SHARE = (62, 98, 150, 132, 44, 50, 95, 160, 209)
_DIGITAL_SHARE = (33, 36, 41, 39, 31, 32, 32, 34, 40)  # percent of the kabupaten's UMKM

# province totals: Penduduk divisible so that the ratios are exact
STATISTIK_TOTALS = {
    2023: (3061200, 107142),  # 107142 / 3061200 = 3,50 %
    2024: (3085000, 112911),  # 112911 / 3085000 = 3,66 %
}
RASIO_KEWIRAUSAHAAN = {2023: Fraction(350, 100), 2024: Fraction(366, 100)}


def _split(total: int, shares: tuple[int, ...]) -> list[int]:
    """``total`` split by ``shares`` into integers that sum exactly (largest remainder)."""
    weight = sum(shares)
    raw = [Fraction(total * s, weight) for s in shares]
    parts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def statistik_rows() -> list[tuple[int, str, int, int, int]]:
    """(Tahun, Kabupaten/Kota, Penduduk Usia Produktif, Jumlah UMKM, UMKM On Board Digital)."""
    rows = []
    for year, (penduduk, umkm) in STATISTIK_TOTALS.items():
        assert Fraction(umkm * 100, penduduk) == RASIO_KEWIRAUSAHAAN[year]
        bump = 0 if year == 2023 else 3  # digital uptake grows a little
        for kab, p, u, d in zip(KABUPATEN, _split(penduduk, _PENDUDUK_SHARE), _split(umkm, _UMKM_SHARE),
                                _DIGITAL_SHARE, strict=True):
            rows.append((year, kab, p, u, round(u * (d + bump) / 100)))
    return rows


# --- ODK: volume usaha koperasi growth 19,61 % ------------------------------

ODK_SEED = 2025  # a seed whose natural growth is close, so one cooperative absorbs the calibration
ODK_N_KOPERASI = 5000
ODK_YEARS = (2023, 2024)
ODK_DUPLICATES = 3
VOLUME_USAHA_GROWTH = Fraction(1961, 10000)  # 19,61 %
ODK_GROWTH = 0.2  # the generator's typical yearly growth, before calibration


def calibrate_odk(records, year_from: int, year_to: int, growth: Fraction, *, max_change: float = 0.3) -> dict:
    """Overrides that make the Aktif volume usaha grow by exactly ``growth``.

    ``records`` is one pass over the canonical ODK rows (dicts with nik,
    tahun_buku, status, volume_usaha; older duplicates excluded, since only the
    latest row of a (NIK, Tahun Buku) counts).  The largest cooperative Aktif in
    both years has its ``year_from`` volume trimmed by less than the growth's
    denominator (Rp 10.000 for 19,61 %) so that the base total times the growth
    is a whole number; the ``year_to`` volume of that cooperative (or, if it
    would change by more than ``max_change``, of the few largest ones, in
    proportion) takes up the difference, so the growth is exact in integers.
    Returns ``{(nik, year): {"volume_usaha": v}}`` for
    :func:`pipeline.samples.writer.write_odk`.
    """
    totals = {year_from: 0, year_to: 0}
    active: dict[int, dict[str, int]] = {year_from: {}, year_to: {}}
    for r in records:
        if r["status"] == "Aktif" and r["tahun_buku"] in totals:
            totals[r["tahun_buku"]] += r["volume_usaha"]
            active[r["tahun_buku"]][r["nik"]] = r["volume_usaha"]
    both = sorted(set(active[year_from]) & set(active[year_to]), key=lambda k: (-active[year_to][k], k))
    if not both:
        raise ValueError("no cooperative is Aktif in both years; cannot calibrate")
    largest = both[0]
    trim = totals[year_from] % growth.denominator
    if trim >= active[year_from][largest]:
        raise ValueError("the largest cooperative is too small to calibrate")
    target = (totals[year_from] - trim) * (1 + growth)
    assert target.denominator == 1
    delta = int(target) - totals[year_to]
    chosen, volume = [], 0
    for nik in both:
        chosen.append(nik)
        volume += active[year_to][nik]
        if abs(delta) <= max_change * volume:
            break
    else:
        raise ValueError(f"cannot move the {year_to} total by {delta} within {max_change:.0%} per cooperative")
    overrides = {(largest, year_from): {"volume_usaha": active[year_from][largest] - trim}}
    shares = [delta * active[year_to][k] // volume for k in chosen]
    shares[0] += delta - sum(shares)
    for nik, share in zip(chosen, shares, strict=True):
        overrides[(nik, year_to)] = {"volume_usaha": active[year_to][nik] + share}
    return overrides


def odk_overrides(n_koperasi: int = ODK_N_KOPERASI, years=ODK_YEARS, seed: int = ODK_SEED) -> dict:
    """The calibration of the sample ODK export (one pass over its rows)."""
    from pipeline.samples.writer import odk_records

    records = odk_records(n_koperasi, years, seed, growth=ODK_GROWTH)
    return calibrate_odk(records, years[-2], years[-1], VOLUME_USAHA_GROWTH)
