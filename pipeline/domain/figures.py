"""The period's figures, typed: everything the report shows, computed once per run.

:class:`AngkaPeriode` is the one value the Dagster asset ``angka_periode`` returns
(:func:`pipeline.domain.angka.compute_angka_periode` computes it from the intake's typed
tables).  Every consumer lays it out and computes nothing: the workbook sheets, the E.81 form
workbook, the Word document and its charts, ``ringkasan.json`` (:class:`RingkasanRun`, serialised
with :func:`as_json`) and the page (which reads ringkasan.json).  It is also what the whole-Pemda
consolidation reads for each OPD.

Conventions: percentages are percent points (19.61 is 19,61 %); money is float rupiah; ``None``
is a value that cannot be given (shown N/A), never 0.  ``persen`` says an indicator's unit is a
percentage (its values are shown as percentages).  Every class is frozen; sequences are tuples.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime

from pipeline.domain.indicators import EPS
from pipeline.domain.periods import Period
from pipeline.domain.submissions import SubmissionRow

__all__ = [
    "DukunganProgram", "SubKegiatanTertinggal", "Perbandingan", "LajuRenstra", "BandingStandar", "AnalisisIku",
    "AnalisisSasaran", "DukunganSasaran", "RataRataCapaian", "Analisis",
    "IkuTahun", "Iku", "KemajuanRenstra", "BarisAnggaran", "JumlahAnggaran", "RealisasiAnggaran",
    "JenisBelanja", "AnggaranJenisBelanja", "Efisiensi", "KinerjaProgram", "KoperasiWilayah", "RekapKoperasi",
    "E81Row", "E81", "MonthLine", "TrenProgram", "EarlyWarning", "SepanjangTahun", "KinerjaUmum",
    "AngkaPeriode", "Headline", "UtamaIku", "UtamaAnggaran", "UtamaEfisiensi", "RingkasanRun", "as_json",
    "MENUNJANG", "TIDAK_MENUNJANG", "TRIWULAN_LABELS",
]

MENUNJANG = "Menunjang"
TIDAK_MENUNJANG = "Tidak Menunjang"
TRIWULAN_LABELS = ("I", "II", "III", "IV")


# --- key indicators (IKU) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IkuTahun:
    """One key indicator in one year (Tabel 3.2 and 3.3)."""

    tahun: int
    target: float | None
    realisasi: float | None  # None for a year after the period
    capaian: float | None
    kategori: str | None
    sumber: str | None  # "Ditetapkan (referensi)", "Dihitung dari ODK (sementara: ...)" ...; None: no realisasi
    sementara: str | None = None  # the unfinished data a computed figure rests on ("Tahun Buku 2025 s.d. Juni")
    keterangan: str = ""  # "Sementara: ..." when provisional

    @property
    def tercapai(self) -> bool | None:
        """The target reached (capaian at least 100 %); None without a capaian."""
        return None if self.capaian is None else self.capaian >= 100.0 - EPS


@dataclass(frozen=True)
class Iku:
    """A key indicator with its figures per year (every year of the trend tables, in order)."""

    kode: str
    level: str  # as written in the referensi: "Tujuan" | "Sasaran"
    pernyataan: str
    indikator: str
    satuan: str
    polaritas: str | None
    persen: bool
    tahun: tuple[IkuTahun, ...]
    standar_nasional: float | None = None  # the national target or standard of the period's year (referensi IKU)
    sumber_data: str = ""  # who measured it (referensi IKU), the note under the document's IKU tables

    def di(self, year: int) -> IkuTahun | None:
        """The figures of ``year`` (None when it is not a year of the trend)."""
        return next((t for t in self.tahun if t.tahun == year), None)

    @property
    def is_sasaran(self) -> bool:
        return str(self.level).strip().lower() == "sasaran"


@dataclass(frozen=True)
class KemajuanRenstra:
    """Tabel 3.4: realisasi up to the period against the Renstra's final target."""

    kode: str
    pernyataan: str
    indikator: str
    satuan: str
    persen: bool
    akumulasi: str  # "Tahun Berjalan" | "Kumulatif"
    realisasi: float | None  # the period's year, or the sum over the Renstra's years so far
    target_akhir: float | None
    capaian: float | None
    tingkat_kemajuan: str | None
    keterangan: str = ""


# --- budget ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BarisAnggaran:
    """One program, kegiatan or sub kegiatan of the budget tree (Tabel 3.8)."""

    level: str  # "program" | "kegiatan" | "sub_kegiatan"
    kode: str
    uraian: str | None
    bidang: str
    pagu: float | None
    realisasi: float | None
    capaian: float | None
    keterangan: str = ""  # why its figures are N/A (not in the period's files: its bidang sent none)


@dataclass(frozen=True)
class JumlahAnggaran:
    pagu: float
    realisasi: float
    capaian: float | None


@dataclass(frozen=True)
class RealisasiAnggaran:
    """The budget tree in natural code order, and its total (None when no sub kegiatan was reported).

    Every program, kegiatan and sub kegiatan of the period's budget is a row, also one missing from the
    period's files (its bidang sent none): known from an earlier month of the year (its pagu as then
    stated) or from the referensi's Cascading (pagu unknown), with realisasi N/A and a ``keterangan``.
    ``jumlah`` is over the reported sub kegiatan; ``pagu_belum_dilaporkan`` the known pagu of the rest."""

    baris: tuple[BarisAnggaran, ...] = ()
    jumlah: JumlahAnggaran | None = None
    pagu_belum_dilaporkan: float = 0.0  # the pagu (as last stated) of the sub kegiatan missing from the files
    tanpa_pagu: tuple[str, ...] = ()  # the rows missing from the files whose pagu is unknown (uraian)
    pagu_jenis_belanja: float | None = None  # Tabel 2.3's total (after the shift), None without the Anggaran sheet
    selisih_jenis_belanja: float | None = None  # pagu_jenis_belanja - pagu_semua; None when either is unknown

    def count(self, level: str) -> int:
        return sum(1 for b in self.baris if b.level == level)

    @property
    def belum_dilaporkan(self) -> tuple[BarisAnggaran, ...]:
        return tuple(b for b in self.baris if b.keterangan)

    @property
    def pagu_semua(self) -> float | None:
        """The pagu of every row of the budget: the reported total and the known pagu of the missing."""
        if self.jumlah is None and not self.pagu_belum_dilaporkan:
            return None
        return (self.jumlah.pagu if self.jumlah else 0.0) + self.pagu_belum_dilaporkan


@dataclass(frozen=True)
class JenisBelanja:
    jenis_belanja: str
    pagu_awal: float | None
    pagu_pergeseran: float | None
    selisih: float | None  # None when the budget before the shift is unknown (from SIPD)


@dataclass(frozen=True)
class AnggaranJenisBelanja:
    """Tabel 2.3: the budget by jenis belanja before and after the shift; totals None when empty."""

    baris: tuple[JenisBelanja, ...] = ()
    pagu_awal: float | None = None
    pagu_pergeseran: float | None = None
    selisih: float | None = None


@dataclass(frozen=True)
class Efisiensi:
    """Tabel 3.6: a sasaran's outcome beside its budget use and efficiency."""

    kode: str
    sasaran: str
    indikator: str
    satuan: str
    persen: bool
    target: float | None
    realisasi: float | None
    capaian: float | None
    anggaran: float | None
    realisasi_anggaran: float | None
    capaian_anggaran: float | None
    efisiensi: float | None
    keterangan: str = ""


@dataclass(frozen=True)
class KinerjaProgram:
    """Tabel 3.7: a program, kegiatan or sub kegiatan serving a sasaran, and whether it supports it."""

    kode_iku: str
    sasaran: str
    indikator_sasaran: str
    capaian_sasaran: float | None
    level: str  # "program" | "kegiatan" | "sub_kegiatan"
    kode: str
    uraian: str | None
    indikator: str | None
    target: float | None
    realisasi: float | None
    satuan: str | None
    persen: bool
    capaian: float | None
    menunjang: str  # MENUNJANG | TIDAK_MENUNJANG | "N/A"
    keterangan: str = ""  # why its figures are N/A (not in the period's files: its bidang sent none)


# --- cooperatives (optional: an office without ODK has none) ------------------------------------------------


@dataclass(frozen=True)
class KoperasiWilayah:
    kabupaten: str
    semua: int
    aktif: int
    digital: int
    volume_lalu: float | None  # active cooperatives' volume usaha of the year before
    volume: float | None
    pertumbuhan: float | None


@dataclass(frozen=True)
class RekapKoperasi:
    """Cooperatives per kabupaten/kota and the province's total (``jumlah``)."""

    wilayah: tuple[KoperasiWilayah, ...]
    jumlah: KoperasiWilayah


# --- through the year -------------------------------------------------------------------------------------


@dataclass
class E81Row:
    """One row of Tabel E.81: K (kinerja, the output) and Rp (anggaran) for columns 5-14.

    Built row by row (a sasaran's sums are filled after its programs); not changed once the
    :class:`E81` is made."""

    no: str
    sasaran: str
    level: str  # "sasaran" | "program" | "kegiatan" | "sub_kegiatan"
    kode: str
    uraian: str
    indikator: str
    satuan: str
    k: dict[int, float | None] = field(default_factory=dict)  # column (5..14) -> K
    rp: dict[int, float | None] = field(default_factory=dict)  # column (5..14) -> Rp
    bidang: str = ""
    is_level: bool = False  # a percentage output: a level, not a sum


@dataclass(frozen=True)
class E81:
    """Tabel E.81 (Permendagri 86/2017) of the period."""

    period: Period
    tahun_awal: int
    tahun_akhir: int
    rows: tuple[E81Row, ...]
    average: float | None  # mean of column 14 (K) over program, kegiatan and sub kegiatan rows
    predikat: str | None
    faktor: tuple[tuple[str, str], ...]  # (label, text) below the table
    triwulan: str = "I"  # the quarter of the period (I..IV)
    akhir_triwulan: bool = False  # the period is a quarter's last month
    quarters_shown: tuple[bool, bool, bool, bool] = (True, True, True, True)  # quarters begun by the period
    # the form's title and signature block (Permendagri 86/2017): the level of the Pemda ("PROVINSI",
    # "KABUPATEN", "KOTA", "KABUPATEN/KOTA"; None when neither the name nor the codes tell), the head of
    # the OPD who signs `Disusun` (None where the referensi gives none), the paper it is printed on
    lingkup: str | None = None
    instansi: str = ""
    kepala: str | None = None
    nip: str | None = None
    jabatan: str | None = None
    kota: str | None = None
    kertas: str = "A3"  # "A3" | "F4" (referensi Renstra label `Kertas`)


@dataclass(frozen=True)
class MonthLine:
    """One month of Tren Bulanan (cumulative from January)."""

    month: int
    pagu: float | None
    realisasi: float | None
    rencana: float | None
    capaian_keluaran: float | None = None
    capaian_anggaran: float | None = None
    rencana_persen: float | None = None


@dataclass(frozen=True)
class TrenProgram:
    """A program's months (kode "" and uraian "JUMLAH": the total of every program)."""

    kode: str
    uraian: str
    bulan: tuple[MonthLine, ...]


@dataclass(frozen=True)
class EarlyWarning:
    jenis: str
    kode: str
    uraian: str
    bidang: str
    keterangan: str
    seberapa_jauh: str
    sejak: str


@dataclass(frozen=True)
class SepanjangTahun:
    """Through the year: Tabel E.81, the monthly trend (total first), the early warnings."""

    e81: E81
    tren: tuple[TrenProgram, ...]
    peringatan: tuple[EarlyWarning, ...]
    ambang: float  # the early-warning threshold, percent points


# --- the period -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KinerjaUmum:
    """The office's overall result: the mean capaian of its sasaran and that mean's kategori."""

    rata_rata: float | None
    kategori: str | None


# --- the reasons behind the figures (computed in domain/analisis.py) -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DukunganProgram:
    """A program serving an IKU: its output capaian (Tabel 3.7) and its budget absorption (Tabel 3.8)."""

    kode: str
    uraian: str
    capaian_keluaran: float | None
    pagu: float | None
    realisasi_anggaran: float | None
    penyerapan: float | None


@dataclass(frozen=True)
class SubKegiatanTertinggal:
    """A sub kegiatan that held an IKU back: ``alasan`` "terendah" (lowest output capaian) or
    "tertinggal" (output capaian well below its budget absorption)."""

    kode: str
    uraian: str
    capaian_keluaran: float
    penyerapan: float | None
    alasan: str


@dataclass(frozen=True)
class Perbandingan:
    """The period's realisasi against the year before's, read in the indicator's own direction."""

    tahun_lalu: int
    realisasi_lalu: float
    realisasi: float
    arah: str  # MEMBAIK | MENURUN | TETAP
    negatif: bool


@dataclass(frozen=True)
class LajuRenstra:
    """What is left of the Renstra's final target and the yearly pace still needed:
    ``laju = (target_akhir - realisasi) / tahun_tersisa`` (the sign of the indicator's direction)."""

    tahun_akhir: int
    target_akhir: float
    realisasi: float
    sisa: float  # how far the realisasi is from the final target (0 when reached)
    tahun_tersisa: int  # the Renstra's years after the period's year
    laju: float | None  # the yearly change still needed; None when no year is left or the target is reached
    tercapai: bool
    kumulatif: bool


@dataclass(frozen=True)
class BandingStandar:
    standar: float
    realisasi: float
    posisi: str  # "di atas" | "di bawah" | "sama dengan"
    lebih_baik: bool  # the realisasi is at least as good as the standard, in the indicator's direction


@dataclass(frozen=True)
class AnalisisIku:
    """One IKU's reasons: ``kalimat_perbandingan`` (with the year before, or why it cannot be compared)
    and ``kalimat`` after Tabel 3.2, ``kalimat_renstra`` after Tabel 3.4."""

    kode: str
    indikator: str
    sementara: str | None
    capaian: float | None
    tercapai: bool | None  # capaian at least 100 %; None without a capaian
    program: tuple[DukunganProgram, ...]
    terendah: SubKegiatanTertinggal | None
    tertinggal: SubKegiatanTertinggal | None
    perbandingan: Perbandingan | None
    renstra: LajuRenstra | None
    standar: BandingStandar | None
    kalimat: tuple[str, ...]
    kalimat_renstra: tuple[str, ...]
    kalimat_perbandingan: str = ""


@dataclass(frozen=True)
class AnalisisSasaran:
    """A sasaran's result beside its budget use (Tabel 3.6); ``kalimat`` after Tabel 3.6."""

    kode: str
    sasaran: str
    capaian: float | None
    capaian_anggaran: float | None
    efisiensi: float | None
    bacaan: str | None  # "hasil melampaui penyerapan" | "hasil seimbang dengan penyerapan" | "hasil tertinggal dari penyerapan"
    kalimat: str | None


@dataclass(frozen=True)
class DukunganSasaran:
    """Tabel 3.7 counted per sasaran: rows per level, and indicators (rows that have one)."""

    kode: str
    sasaran: str
    program: int
    kegiatan: int
    sub_kegiatan: int
    indikator: int  # rows with an indicator and a capaian
    menunjang: int
    belum: int  # "Belum Menunjang" (before December)
    kalimat: str


@dataclass(frozen=True)
class RataRataCapaian:
    """The mean capaian of the sasaran indicators, each counted between ``BATAS_BAWAH`` and ``BATAS_ATAS``."""

    nilai: float | None
    kategori: str | None
    jumlah_indikator: int  # indicators with a capaian (the mean's count)
    dibatasi: int  # how many capaian were capped
    kalimat: str


@dataclass(frozen=True)
class Analisis:
    iku: tuple[AnalisisIku, ...]
    sasaran: tuple[AnalisisSasaran, ...]
    dukungan: tuple[DukunganSasaran, ...]
    rata_rata: RataRataCapaian
    kesimpulan: tuple[str, ...]  # Bab IV: reached / not reached and why, the budget
    tindak_lanjut: tuple[str, ...]  # Bab IV: what to follow up

    def of(self, kode: str) -> AnalisisIku | None:
        return next((a for a in self.iku if a.kode == kode), None)

    def sentences(self) -> list[str]:
        """Every sentence of the analysis (for checks)."""
        out = [s for a in self.iku for s in (a.kalimat_perbandingan, *a.kalimat, *a.kalimat_renstra) if s]
        out += [s.kalimat for s in self.sasaran if s.kalimat]
        out += [d.kalimat for d in self.dukungan] + [self.rata_rata.kalimat]
        return out + list(self.kesimpulan) + list(self.tindak_lanjut)


@dataclass(frozen=True)
class AngkaPeriode:
    """Every figure of one period of one office (OPD)."""

    period: Period
    instansi: str
    tahun_awal: int | None
    tahun_akhir: int | None
    skala: tuple[tuple[str, float], ...]  # kategori and lower bound, as the referensi's Skala
    iku: tuple[Iku, ...]
    renstra: tuple[KemajuanRenstra, ...]
    efisiensi: tuple[Efisiensi, ...]
    kinerja_program: tuple[KinerjaProgram, ...]
    realisasi_anggaran: RealisasiAnggaran
    anggaran: AnggaranJenisBelanja
    koperasi: RekapKoperasi | None
    sepanjang_tahun: SepanjangTahun
    pengumpulan: tuple[SubmissionRow, ...]
    kinerja_umum: KinerjaUmum
    cascading: tuple[str, ...] = ()  # programs serving a sasaran, in the referensi's order
    analisis: Analisis | None = None  # the reasons behind the figures (domain/analisis.py), computed with them

    @property
    def sasaran(self) -> tuple[Iku, ...]:
        return tuple(i for i in self.iku if i.is_sasaran)


# --- ringkasan.json ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UtamaIku:
    kode: str
    indikator: str
    satuan: str
    persen: bool
    target: float | None
    realisasi: float | None
    capaian: float | None
    kategori: str | None


@dataclass(frozen=True)
class UtamaAnggaran:
    pagu: float | None
    realisasi: float | None
    capaian: float | None


@dataclass(frozen=True)
class UtamaEfisiensi:
    kode: str
    sasaran: str
    capaian_anggaran: float | None
    efisiensi: float | None


@dataclass(frozen=True)
class Headline:
    """The ``utama`` part of ringkasan.json: this year's figures of IKU, Realisasi Anggaran and
    Efisiensi (capaian and efisiensi in percent points; None where a sheet says N/A)."""

    tahun: int
    iku: tuple[UtamaIku, ...]
    anggaran: UtamaAnggaran
    efisiensi: tuple[UtamaEfisiensi, ...]


@dataclass(frozen=True)
class RingkasanRun:
    """ringkasan.json: what the page shows of a run (keys as the page reads them)."""

    period: str
    instansi: str
    sementara: tuple[dict, ...]
    made_at: datetime
    workbook: str
    dokumen: str | None
    problems: dict[str, int]
    peringatan_dini: int
    evaluasi_renja: str
    pengumpulan: tuple[dict, ...]
    utama: Headline


def as_json(value):
    """A model value as JSON-friendly data: dataclasses as dicts, tuples as lists, dates as ISO text."""
    if isinstance(value, Period):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: as_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [as_json(v) for v in value]
    if isinstance(value, dict):
        return {k if isinstance(k, str) else str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value
