"""The input tables of the contract: their columns, aliases and kinds.

One :class:`Table` per table a user drops in (``inputs.md``).  Readers use it to
find the header row by content, to map the user's header names to our field
names, and to cast each cell.  Field names are the ones used everywhere after
reading (Indonesian domain words, snake_case).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# kinds of field, which decide how a cell is cast
TEXT = "text"
CODE = "code"  # nomenclature code, kept as text
NIK = "nik"  # 16-digit identity, kept as text
MONEY = "money"  # rupiah
NUMBER = "number"
PERCENT = "percent"  # percent points: 19.61 means 19,61 %
INTEGER = "integer"
YEAR = "year"
DATE = "date"


@dataclass(frozen=True)
class Field:
    name: str  # our name
    label: str  # the user's name, as shown in messages
    kind: str = TEXT
    required: bool = False  # the column must be present
    aliases: tuple[str, ...] = ()
    non_negative: bool = False
    allowed: tuple[str, ...] = ()  # allowed values (case-insensitive), for TEXT
    # a NUMBER whose row is in a percent unit (this field holds the unit) follows the percent rule
    percent_unit: str | None = None
    # an informative column: a value that cannot be read is a Peringatan and left empty, the row is kept
    lenient: bool = False

    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


@dataclass(frozen=True)
class Table:
    name: str  # our name, also the name of its expectation suite
    label: str  # shown to users
    sheet: str  # preferred sheet name
    fields: tuple[Field, ...]
    # columns whose presence identifies the header row (by their names)
    key_fields: tuple[str, ...] = ()
    # extra columns whose header is a year (``2020`` ... ``2026``)
    year_columns: bool = False
    extra: dict = field(default_factory=dict)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def required(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required)


def normalize_header(text: object) -> str:
    """Case-, space- and punctuation-insensitive form of a header name."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).lower()
    s = s.replace("\u00a0", " ")
    return re.sub(r"[^0-9a-z%]+", "", s)


KABUPATEN = Field("kabupaten", "Kabupaten/Kota", TEXT, True, ("Kab/Kota", "Kabupaten", "Kota/Kabupaten", "Kab./Kota"))

REALISASI = Table(
    name="realisasi",
    label="Realisasi bidang",
    sheet="Realisasi",
    fields=(
        Field("kode", "Kode", CODE, True, ("Kode Rekening", "Kode Program/Kegiatan/Sub Kegiatan", "Kode Program", "Kode Kegiatan", "Kode Sub Kegiatan", "No Rekening")),
        Field("uraian", "Uraian", TEXT, True, ("Program/Kegiatan/Sub Kegiatan", "Nama Program/Kegiatan/Sub Kegiatan", "Program/Kegiatan/Sub Keg", "Nama", "Uraian Program/Kegiatan/Sub Kegiatan")),
        Field("indikator", "Indikator", TEXT, False, ("Indikator Kinerja", "Indikator Keluaran", "Indikator Kinerja Keluaran", "Keluaran")),
        Field("satuan", "Satuan", TEXT, False, ("Sat", "Unit Satuan")),
        Field("target", "Target", NUMBER, False, ("Target Kinerja", "Target Fisik", "Target Keluaran", "Target Kinerja Keluaran"), True, percent_unit="satuan"),
        Field("realisasi", "Realisasi", NUMBER, False, ("Realisasi Kinerja", "Realisasi Fisik", "Realisasi Keluaran", "Realisasi Kinerja Keluaran"), True, percent_unit="satuan"),
        Field("pagu", "Pagu", MONEY, True, ("Pagu Anggaran", "Anggaran", "Anggaran (Rp)", "Pagu (Rp)", "Pagu Anggaran (Rp)", "Target (Rp)", "Anggaran Target (Rp)", "Target Anggaran (Rp)", "Target Anggaran", "Target Keuangan (Rp)", "Target Keuangan", "Pagu Anggaran Tahun Ini", "Anggaran Pagu (Rp)", "Anggaran Pagu"), True),
        Field("realisasi_anggaran", "Realisasi Anggaran", MONEY, True, ("Realisasi Keuangan", "Realisasi (Rp)", "Realisasi Keuangan (Rp)", "Realisasi Anggaran (Rp)", "Anggaran Realisasi (Rp)", "Anggaran Realisasi"), True),
    ),
    key_fields=("kode", "pagu"),
)

ODK = Table(
    name="odk",
    label="Online Data Koperasi",
    sheet="Data Koperasi",
    fields=(
        Field("nik", "NIK", NIK, True, ("Nomor Induk Koperasi", "No Induk Koperasi", "No. Induk Koperasi")),
        Field("nama", "Nama Koperasi", TEXT, True, ("Nama",)),
        KABUPATEN,
        Field("jenis", "Jenis Koperasi", TEXT, False, ("Jenis",)),
        Field("status", "Status", TEXT, True, ("Status Koperasi",), allowed=("Aktif", "Tidak Aktif")),
        Field("tahun_buku", "Tahun Buku", YEAR, True, ("Tahun",)),
        Field("anggota", "Jumlah Anggota", INTEGER, False, ("Anggota",), True),
        Field("modal_sendiri", "Modal Sendiri", MONEY, False, (), True),
        Field("modal_luar", "Modal Luar", MONEY, False, (), True),
        Field("volume_usaha", "Volume Usaha", MONEY, True, (), True),
        Field("shu", "SHU", MONEY, False, ("Sisa Hasil Usaha",)),
        Field("digital", "Digital", TEXT, False, ("On Board Digital", "Go Digital"), allowed=("Ya", "Tidak")),
        Field("tanggal_update", "Tanggal Update", DATE, False, ("Tanggal Pembaruan", "Terakhir Diperbarui")),
    ),
    key_fields=("nik", "volume_usaha"),
)

# --- referensi: the planner's master workbook, one table per sheet ---------

IKU = Table(
    name="referensi_iku",
    label="Referensi IKU",
    sheet="IKU",
    fields=(
        Field("kode_iku", "Kode IKU", TEXT, True, ("Kode",)),
        Field("level", "Level", TEXT, True, (), allowed=("Tujuan", "Sasaran")),
        Field("pernyataan", "Tujuan/Sasaran", TEXT, True, ("Sasaran", "Tujuan", "Sasaran Strategis", "Tujuan/Sasaran Strategis", "Pernyataan")),
        Field("indikator", "Indikator", TEXT, True, ("Indikator Kinerja", "Indikator Kinerja Utama")),
        Field("satuan", "Satuan", TEXT, False),
        Field("polaritas", "Polaritas", TEXT, False, (), allowed=("Positif", "Negatif")),
        Field("sumber", "Sumber", TEXT, False, ("Sumber Realisasi", "Cara Hitung"), allowed=("VOLUME_USAHA_KOPERASI", "RASIO_KEWIRAUSAHAAN", "KUMKM_DIGITAL", "MANUAL")),
        Field("target_akhir", "Target Akhir Renstra", PERCENT, False, ("Target Akhir", "Target Akhir Periode Renstra")),
        Field("akumulasi", "Akumulasi", TEXT, False, (), allowed=("Kumulatif", "Tahun Berjalan")),
        Field("formula", "Formula", TEXT, False, ("Rumus", "Penjelasan/Formula")),
        # the national target or standard of the period's year, in the indicator's unit (percent points for %)
        Field("standar_nasional", "Standar Nasional", PERCENT, False, ("Target Nasional", "Standar/Target Nasional", "SPM"),
              lenient=True),
        # who measured it: the note under the document's IKU tables
        Field("sumber_data", "Sumber Data", TEXT, False, ("Sumber Data Realisasi",)),
    ),
    key_fields=("kode_iku", "indikator"),
    year_columns=True,
)

RENSTRA = Table(
    name="referensi_renstra",
    label="Referensi Renstra",
    sheet="Renstra",
    fields=(),  # label/value rows, read by the referensi reader
)

REALISASI_IKU = Table(
    name="referensi_realisasi_iku",
    label="Referensi Realisasi IKU",
    sheet="Realisasi IKU",
    fields=(
        Field("kode_iku", "Kode IKU", TEXT, True, ("Kode",)),
        Field("tahun", "Tahun", YEAR, True),
        Field("realisasi", "Realisasi", PERCENT, True, ("Nilai",)),
        Field("keterangan", "Keterangan", TEXT, False, ("Sumber",)),
    ),
    key_fields=("kode_iku", "tahun"),
)

CASCADING = Table(
    name="referensi_cascading",
    label="Referensi Cascading",
    sheet="Cascading",
    fields=(
        Field("kode_program", "Kode Program", CODE, True, ("Kode",)),
        Field("kode_iku", "Kode IKU", TEXT, True, ("IKU",)),
        Field("program", "Program", TEXT, False, ("Nama Program", "Uraian")),
    ),
    key_fields=("kode_program", "kode_iku"),
)

BIDANG = Table(
    name="referensi_bidang",
    label="Referensi Bidang",
    sheet="Bidang",
    fields=(
        Field("kode", "Kode", CODE, True, ("Kode Program", "Kode Program/Kegiatan/Sub Kegiatan")),
        Field("bidang", "Bidang", TEXT, True, ("Nama Bidang", "Unit Kerja", "Penanggung Jawab")),
    ),
    key_fields=("kode", "bidang"),
)

STATISTIK = Table(
    name="referensi_statistik",
    label="Referensi Statistik",
    sheet="Statistik",
    fields=(
        Field("tahun", "Tahun", YEAR, True),
        KABUPATEN,
        Field("penduduk_usia_produktif", "Penduduk Usia Produktif", INTEGER, True, ("Jumlah Penduduk Usia Produktif",), True),
        Field("jumlah_umkm", "Jumlah UMKM", INTEGER, True, ("UMKM",), True),
        Field("umkm_digital", "UMKM On Board Digital", INTEGER, False, ("UMKM Digital", "Jumlah UMKM On Board Digital"), True),
    ),
    key_fields=("tahun", "penduduk_usia_produktif"),
)

ANGGARAN = Table(
    name="referensi_anggaran",
    label="Referensi Anggaran",
    sheet="Anggaran",
    fields=(
        Field("jenis_belanja", "Jenis Belanja", TEXT, True, ("Uraian", "Belanja")),
        Field("pagu_awal", "Pagu Awal", MONEY, True, ("Awal", "Anggaran Awal", "Pagu Murni"), True),
        Field("pagu_pergeseran", "Pagu Pergeseran", MONEY, True, ("Pergeseran", "Anggaran Pergeseran", "Pagu Perubahan", "Setelah Pergeseran"), True),
    ),
    key_fields=("jenis_belanja", "pagu_awal"),
)

SKALA = Table(
    name="referensi_skala",
    label="Referensi Skala",
    sheet="Skala",
    fields=(
        Field("kategori", "Kategori", TEXT, True),
        Field("batas_bawah", "Batas Bawah (%)", PERCENT, True, ("Batas Bawah", "Minimal", "Skala Capaian")),
    ),
    key_fields=("kategori", "batas_bawah"),
)

_CODE_ALIASES = ("Kode Program/Kegiatan/Sub Kegiatan", "Kode Rekening", "Kode Sub Kegiatan")

TARGET_RENSTRA = Table(
    name="referensi_target_renstra",
    label="Referensi Target Renstra",
    sheet="Target Renstra",
    fields=(
        Field("kode", "Kode", CODE, True, _CODE_ALIASES),
        Field("indikator", "Indikator", TEXT, False, ("Indikator Kinerja", "Indikator Keluaran")),
        Field("satuan", "Satuan", TEXT, False, ("Sat",)),
        Field("target_akhir_k", "Target Akhir (K)", NUMBER, False,
              ("Target Akhir K", "Target Akhir Kinerja", "Target Akhir Renstra (K)", "Target Kinerja Akhir Renstra"), True),
        Field("target_akhir_rp", "Target Akhir (Rp)", MONEY, False,
              ("Target Akhir Rp", "Target Akhir Anggaran", "Target Akhir Renstra (Rp)", "Target Anggaran Akhir Renstra"), True),
        Field("realisasi_lalu_k", "Realisasi s.d. Tahun Lalu (K)", NUMBER, False,
              ("Realisasi sd Tahun Lalu K", "Realisasi s/d Tahun Lalu (K)", "Realisasi Renstra s.d. Tahun Lalu (K)"), True),
        Field("realisasi_lalu_rp", "Realisasi s.d. Tahun Lalu (Rp)", MONEY, False,
              ("Realisasi sd Tahun Lalu Rp", "Realisasi s/d Tahun Lalu (Rp)", "Realisasi Renstra s.d. Tahun Lalu (Rp)"), True),
    ),
    key_fields=("kode", "target_akhir_k"),
)

# one column per month, Januari ... Desember: the planned cumulative realisasi anggaran
_MONTH_LABELS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
                 "Oktober", "November", "Desember")
_MONTH_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
RENCANA_PENARIKAN = Table(
    name="referensi_rencana_penarikan",
    label="Referensi Rencana Penarikan",
    sheet="Rencana Penarikan",
    fields=(
        Field("kode", "Kode", CODE, True, _CODE_ALIASES),
        Field("uraian", "Uraian", TEXT, False, ("Sub Kegiatan", "Nama Sub Kegiatan")),
        *(Field(f"m{i}", label, MONEY, False, (short, f"{label} (Rp)"), True)
          for i, (label, short) in enumerate(zip(_MONTH_LABELS, _MONTH_SHORT, strict=True), start=1)),
    ),
    key_fields=("kode", "m1"),
)

ANALISIS = Table(
    name="referensi_analisis",
    label="Referensi Analisis",
    sheet="Analisis",
    fields=(
        Field("kode_iku", "Kode IKU", TEXT, True, ("Kode",)),
        Field("analisis", "Analisis", TEXT, False, ("Analisis Penyebab", "Analisis Keberhasilan/Kegagalan",
                                                     "Analisis Keberhasilan")),
        Field("solusi", "Solusi", TEXT, False, ("Solusi yang Dilakukan", "Alternatif Solusi")),
        Field("faktor_pendorong", "Faktor Pendorong", TEXT, False, ("Pendorong",)),
        Field("faktor_penghambat", "Faktor Penghambat", TEXT, False, ("Penghambat",)),
        # Tabel E.81's two rows: the next quarter's (also the old single "Tindak Lanjut") and the next Renja's
        Field("tindak_lanjut", "Tindak Lanjut", TEXT, False, (
            "Rencana Tindak Lanjut", "Tindak Lanjut Triwulan Berikutnya",
            "Tindak Lanjut yang Diperlukan dalam Triwulan Berikutnya")),
        Field("tindak_lanjut_renja", "Tindak Lanjut Renja Berikutnya", TEXT, False, (
            "Tindak Lanjut yang Diperlukan dalam Renja Berikutnya", "Tindak Lanjut Renja",
            "Tindak Lanjut yang Diperlukan dalam Renja Perangkat Daerah Berikutnya")),
    ),
    # the sheet is found by its name; a planner who writes only Analisis and Solusi (for the
    # document's Tabel 3.5) or only the factors (for E.81) is read either way
    key_fields=("kode_iku",),
)

SIFAT_INDIKATOR = Table(
    name="referensi_sifat_indikator",
    label="Referensi Sifat Indikator",
    sheet="Sifat Indikator",
    fields=(
        # a sub kegiatan, kegiatan or program code, or a Kode IKU; or (instead) a Satuan
        Field("kode", "Kode", TEXT, False, ("Kode IKU", "Kode Program/Kegiatan/Sub Kegiatan", "Kode Sub Kegiatan")),
        Field("satuan", "Satuan", TEXT, False, ("Sat",)),
        Field("sifat", "Sifat", TEXT, True, ("Sifat Indikator", "Sifat Data"),
              allowed=("Jumlah", "Tingkat", "Rata-rata", "Maksimum", "Minimum")),
    ),
    key_fields=("sifat",),
)

REFERENSI_TABLES = (IKU, RENSTRA, REALISASI_IKU, CASCADING, BIDANG, STATISTIK, ANGGARAN, SKALA, TARGET_RENSTRA,
                    RENCANA_PENARIKAN, ANALISIS, SIFAT_INDIKATOR)
ALL_TABLES = (REALISASI, ODK, *REFERENSI_TABLES)

# --- SIPD: the Pemda's financial system, one row per sub kegiatan and rekening ----------------

SIPD = Table(
    name="sipd",
    label="Realisasi Anggaran SIPD",
    sheet="Realisasi",
    fields=(
        Field("kode", "Kode Sub Kegiatan", CODE, True, ("kode_sub_giat", "Kode Sub Giat", "Kode Subkegiatan",
                                                         "kode_sub_kegiatan")),
        Field("uraian", "Nama Sub Kegiatan", TEXT, False, ("nama_sub_giat", "Sub Kegiatan", "Nama Sub Giat",
                                                           "nama_sub_kegiatan", "Nama Subkegiatan")),
        Field("kode_akun", "Kode Rekening", TEXT, True, ("kode_akun", "Kode Akun", "Kode Rek", "kode_rekening")),
        Field("nama_akun", "Nama Rekening", TEXT, False, ("nama_akun", "Nama Akun", "Uraian Rekening",
                                                          "nama_rekening", "Uraian Akun")),
        Field("pagu", "Pagu", MONEY, True, ("nilai", "Anggaran", "Pagu Anggaran", "pagu", "Nilai Anggaran",
                                            "Anggaran (Rp)", "Pagu (Rp)"), True),
        Field("realisasi_anggaran", "Realisasi", MONEY, False, ("realisasi_rill", "Realisasi Anggaran", "realisasi_riil",
                                                               "Realisasi (Rp)", "Realisasi Riil"), True),
        # SIPD's planned disbursement: never the realisation (read only to say so)
        Field("realisasi_rencana", "realisasi_rencana", MONEY, False, ("Realisasi Rencana", "Rencana Realisasi")),
        Field("kode_skpd", "Kode SKPD", TEXT, False, ("kode_skpd", "Kode Unit", "kode_unit", "Kode Perangkat Daerah")),
        Field("tanggal", "Tanggal", DATE, False, ("Per Tanggal", "s.d. Tanggal", "sd Tanggal", "s/d Tanggal",
                                                  "Tanggal Realisasi", "tanggal_realisasi")),
    ),
    key_fields=("kode", "kode_akun"),
)
ALL_TABLES = (*ALL_TABLES, SIPD)
