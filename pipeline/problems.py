"""Problems found in the inputs: one model for every reader, rule and check.

Modelled on frictionless-py's errors: every problem has a rule code with a
message template, knows where it was found (file, sheet, cell or row, column)
and what value was there.  Messages are Indonesian because the people who act
on them are the staff of each bidang.

``Error`` means the row or file was not used; ``Peringatan`` (warning) means it
was used but somebody should look at it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a problem is; the values are what the sheets show."""

    ERROR = "Error"  # the row or file was not used
    WARNING = "Peringatan"  # used, but somebody should look


ERROR = Severity.ERROR
WARNING = Severity.WARNING

# rule code -> (default severity, Indonesian message template).
# Templates use str.format with the keyword arguments given to ``problem``.
RULES: dict[str, tuple[Severity, str]] = {
    # files
    "file_not_readable": (ERROR, "Berkas tidak dapat dibaca: {reason}"),
    "file_incomplete": (ERROR, "Berkas belum lengkap (kosong atau terpotong saat disalin); kirim ulang setelah penyalinan selesai"),
    "file_unsafe": (ERROR, "Berkas ditolak demi keamanan: {reason}"),
    "file_format_unsupported": (ERROR, "Format berkas {value} tidak didukung; simpan ulang sebagai Excel Workbook (.xlsx)"),
    "file_ignored": (WARNING, "Berkas diabaikan: {reason}"),
    "sheet_not_found": (ERROR, "Lembar kerja berisi tabel {table} tidak ditemukan; diharapkan kolom: {expected}"),
    "header_not_found": (ERROR, "Baris judul kolom tabel {table} tidak ditemukan dalam 30 baris pertama; kolom wajib yang tidak ada: {expected}"),
    "period_missing": (ERROR, "Periode laporan tidak ditemukan: isi 'Bulan: Desember 2024' di judul atau simpan di folder bernama 2024-12"),
    "period_conflict": (ERROR, "Periode di judul ({value}) berbeda dengan periode dari nama folder ({expected}); perbaiki judul atau pindahkan berkas ke folder periode yang benar"),
    "period_ambiguous": (ERROR, "Periode laporan tidak jelas: {reason}; tulis satu periode saja, misalnya 'Bulan: Desember 2024'"),
    # cells
    "required": (ERROR, "Kolom {column} wajib diisi"),
    "number_invalid": (ERROR, "Nilai '{value}' pada kolom {column} bukan angka yang dikenali: {reason}"),
    "number_negative": (ERROR, "Nilai {value} pada kolom {column} tidak boleh negatif"),
    "integer_invalid": (ERROR, "Nilai '{value}' pada kolom {column} harus bilangan bulat"),
    "date_invalid": (ERROR, "Nilai '{value}' pada kolom {column} bukan tanggal yang dikenali"),
    "year_invalid": (ERROR, "Nilai '{value}' pada kolom {column} bukan tahun yang valid"),
    "value_not_allowed": (ERROR, "Nilai '{value}' pada kolom {column} tidak dikenal; pilihan yang sah: {expected}"),
    "code_invalid": (ERROR, "Kode '{value}' tidak sesuai format Kepmendagri 050-5889 (U.BB.PP.L.KK.SSSS): {reason}"),
    "nik_invalid": (ERROR, "NIK '{value}' harus 16 digit angka"),
    "nip_as_number": (WARNING, "NIP '{value}' disimpan sebagai angka: Excel hanya menyimpan 15 digit angka, jadi digit terakhir NIP (18 digit) sudah berubah; ketik ulang NIP sebagai teks (format sel Text)"),
    "instansi_missing": (WARNING, "Nama instansi tidak ditemukan di lembar Renstra (label: {expected}); judul laporan memakai '{value}'"),
    "nik_as_number": (WARNING, "NIK '{value}' disimpan sebagai angka: Excel hanya menyimpan 15 digit angka, jadi digit terakhirnya mungkin sudah berubah; ketik ulang NIK sebagai teks (format sel Text)"),
    # rows
    "total_mismatch": (WARNING, "Baris {label} berisi {value} untuk {column}, sedangkan jumlah baris di atasnya {expected}"),
    "subtotal_mismatch": (WARNING, "{level} {code}: {column} tertulis {value}, sedangkan jumlah sub kegiatannya {expected}"),
    "duplicate_row": (ERROR, "{what} sudah dilaporkan di berkas yang sama ({expected}); baris ini tidak dipakai"),
    # where: "di berkas yang lebih baru" (realisasi), "di berkas yang sama" / "di berkas lain" (ODK: the latest Tanggal Update wins)
    "duplicate_superseded": (ERROR, "{what} dilaporkan ulang {where} ({expected}); baris ini tidak dipakai"),
    "realisasi_over_pagu": (WARNING, "Realisasi anggaran {value} melebihi pagu {expected}"),
    "realisasi_over_target": (WARNING, "Realisasi keluaran {value} melebihi target {expected}"),
    "unknown_sub_kegiatan": (WARNING, "Sub kegiatan {value} tidak terdaftar di referensi Bidang"),
    "missing_sub_kegiatan": (WARNING, "Sub kegiatan {value} milik {expected} tidak dilaporkan untuk periode ini"),
    "unknown_region": (ERROR, "Kabupaten/Kota '{value}' tidak ada di referensi Statistik; yang dikenal: {expected}"),
    "region_ambiguous": (ERROR, "Kabupaten/Kota '{value}' tidak dapat dibedakan: {expected}; tulis lengkap dengan Kabupaten atau Kota"),
    "budget_mismatch": (WARNING, "Jumlah pagu per jenis belanja {value} berbeda dengan jumlah pagu sub kegiatan {expected}{pending}"),
    "iku_data_missing": (ERROR, "IKU {value} ({indicator}) dengan Sumber {sumber} dihitung dari {expected}, yang tidak ada; realisasinya N/A sampai data itu disediakan (atau realisasi ditetapkan di lembar Realisasi IKU)"),
    "sifat_without_key": (ERROR, "Baris Sifat Indikator tanpa Kode maupun Satuan; isi salah satunya"),
    "iku_override": (WARNING, "Realisasi {indicator} tahun {year} ditetapkan {value} di referensi, hasil hitung {expected}; nilai referensi yang dipakai"),
    "expectation_failed": (ERROR, "{message}"),
    # through the year: realisation is cumulative from January
    "cumulative_decrease": (WARNING, "{what}: {column} kumulatif {value} ({month}) lebih kecil dari {expected} ({previous}); angka realisasi dihitung kumulatif sejak Januari sehingga tidak boleh turun"),
    # SIPD: the budget from the Pemda's financial system (pipeline/intake/sipd.py)
    "akun_invalid": (ERROR, "Kode rekening '{value}' tidak dikenal: kode rekening belanja berbentuk 5.X.XX.XX.XX.XXXX (misalnya 5.1.02.01.01.0024)"),
    "sipd_realisasi_rencana": (ERROR, "Kolom '{value}' adalah rencana penarikan SIPD, bukan realisasi; ekspor ulang laporan dengan kolom realisasi_rill (Realisasi); berkas ini tidak dipakai"),
    "sipd_realisasi_missing": (ERROR, "Kolom Realisasi (realisasi_rill) tidak ditemukan di ekspor SIPD; ekspor ulang laporan dengan kolom realisasi_rill; berkas ini tidak dipakai"),
    "sipd_skpd_missing": (ERROR, "Ekspor SIPD ini berisi {count} SKPD ({value}), tetapi Kode SKPD OPD ini tidak diisi di lembar Renstra referensi (label 'Kode SKPD'); isi Kode SKPD agar baris OPD ini dapat dipilih; berkas ini tidak dipakai"),
    "sipd_skpd_absent": (WARNING, "Kode SKPD {expected} (referensi) tidak ada di ekspor SIPD ini (yang ada: {value}); tidak ada baris yang dipakai untuk OPD ini"),
    "sipd_duplicate": (ERROR, "Rekening {what} sudah ada di {expected}; baris ganda ini tidak dipakai"),
    "sipd_date_missing": (ERROR, "Tanggal posisi data SIPD tidak ditemukan: isi kolom Tanggal, tulis 'Per Tanggal 31 Desember 2024' di judul, atau simpan di folder bernama 2024-12; berkas ini tidak dipakai"),
    "sipd_cutoff_outside": (WARNING, "Data SIPD per tanggal {value} tidak berada dalam bulan periode laporan ({expected}); angka anggaran SIPD tetap dipakai"),
    "sipd_difference": (WARNING, "Sub kegiatan {code}: {column} menurut bidang {value} ({bidang_file}), menurut SIPD {expected} ({sipd_file}); selisih {selisih}; angka SIPD yang dipakai"),
    "sipd_not_reported": (WARNING, "Sub kegiatan {value} ({name}) ada di SIPD ({sipd_file}, pagu {pagu}) tetapi tidak dilaporkan bidang mana pun; anggarannya dipakai, keluarannya N/A"),
    "sipd_not_in_sipd": (WARNING, "Sub kegiatan {value} dilaporkan bidang tetapi tidak ada di ekspor SIPD ({sipd_file}); angka anggaran dari bidang yang dipakai"),
    "sipd_money_required": (ERROR, "Kolom {column} wajib diisi: sub kegiatan {value} tidak ada di {where}, jadi anggarannya harus dari berkas bidang; baris ini tidak dipakai"),
    # the report document
    "template_invalid": (ERROR, "Templat dokumen tidak dapat dipakai: {reason}; dokumen dibuat dengan templat bawaan"),
    "docx_unusable": (WARNING, "Dokumen Word tidak dipakai: {reason}; draf dokumen dibuat tanpa berkas ini"),
    "draft_unreadable": (WARNING, "Draf yang disunting perencana tidak dapat dibaca: {reason}; draf baru dibuat tanpa teks dari berkas ini"),
    "region_homeless": (WARNING, "Teks perencana di bagian {value} tidak lagi punya tempat dalam draf; dipindahkan ke lampiran 'Teks perencana yang tidak lagi punya tempat' di akhir dokumen"),
    "document_failed": (ERROR, "Dokumen laporan kinerja (.docx) tidak dapat dibuat: {reason}; workbook tetap ditulis"),
    # a whole Pemda (many OPD beside pemda/)
    "opd_no_referensi": (ERROR, "Folder OPD '{value}' tidak punya folder referensi/ berisi workbook referensi; OPD ini tidak diolah, OPD lain tetap diolah"),
    "opd_duplicate": (ERROR, "{column} '{value}' dipakai oleh dua OPD: {expected}; setiap OPD harus punya {column} sendiri"),
    "cascading_unknown_opd": (ERROR, "OPD '{value}' di Cascading Pemda tidak dikenal; OPD yang ada: {expected}"),
    "cascading_unknown_iku": (ERROR, "{what} '{value}' di Cascading Pemda tidak ada{where}; yang ada: {expected}"),
    "opd_failed": (ERROR, "Laporan OPD '{value}' bulan {month} tidak tersedia: {reason}"),
    "sipd_skpd_unclaimed": (WARNING, "{count} baris ekspor SIPD Pemda dengan Kode SKPD {value} tidak dipakai OPD mana pun: tidak ada OPD dengan Kode SKPD ini di lembar Renstra referensinya{where}"),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in one input file.

    The place is structured: ``row`` is the Excel row (or CSV line), ``col`` the
    column letter; both None for a problem about the whole file or sheet.
    """

    severity: Severity
    rule: str
    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    col: str | None = None  # column letter ("H"); None for a whole row
    column: str = ""  # the column's name as the user knows it ("Pagu")
    value: str = ""

    @property
    def address(self) -> str | None:
        """The Excel address of the cell (``H12``), or None when the problem is not about one cell."""
        return f"{self.col}{self.row}" if self.row is not None and self.col else None

    @property
    def cell(self) -> str:
        """For display: ``H12`` for a cell, ``baris 12`` for a whole row, ``""`` for the file."""
        if self.row is None:
            return ""
        return self.address or f"baris {self.row}"

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "severity": str(self.severity), "cell": self.cell}


def problem(
    rule: str,
    *,
    file: str = "",
    sheet: str = "",
    row: int | None = None,
    col: str | None = None,
    column: str = "",
    value: object = "",
    severity: Severity | str | None = None,
    **context: object,
) -> Problem:
    """Build a :class:`Problem` from a rule code and the template's fields."""
    default_severity, template = RULES[rule]
    shown = "" if value is None else str(value)
    fields = {"column": column, "value": shown, **{k: ("" if v is None else v) for k, v in context.items()}}
    try:
        message = template.format(**fields)
    except KeyError as missing:  # a template field nobody gave: keep the message readable
        raise ValueError(f"rule {rule!r} needs {missing} to format its message") from None
    return Problem(
        severity=Severity(severity) if severity else default_severity,
        rule=rule,
        message=message,
        file=file,
        sheet=sheet,
        row=row,
        col=col or None,
        column=column,
        value=shown,
    )


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
