"""The planner's master workbook: IKU, Renstra, cascading, bidang, statistics, budget."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.domain.iku import iku_years
from pipeline.domain.indicators import DEFAULT_SKALA
from pipeline.domain.numbers import NumberError, parse_number
from pipeline.domain.periods import DateError, parse_date
from pipeline.domain.sifat import SifatRules
from pipeline.intake import tables as t
from pipeline.intake.docx_template import is_document_template
from pipeline.intake.files import discover
from pipeline.intake.loading import SourceFile, load_table, open_sources, total_rows
from pipeline.intake.sheets import ROW
from pipeline.intake.tables import normalize_header
from pipeline.problems import problem
from pipeline.settings import Settings, effective_deadline_day

DEFAULT_INSTANSI = "Perangkat Daerah"
# Renstra label/value rows: normalized label -> Referensi attribute (first label found wins)
INSTANSI_LABELS = ("Nama Instansi", "Instansi", "Nama Perangkat Daerah", "Perangkat Daerah")
SIGNATURE_LABELS = {  # the document's signature block
    "kepala": ("Kepala", "Nama Kepala", "Nama Kepala Perangkat Daerah", "Kepala Perangkat Daerah", "Penandatangan"),
    "nip": ("NIP", "NIP Kepala"),
    "jabatan": ("Jabatan", "Jabatan Kepala", "Jabatan Penandatangan"),
    "kota": ("Kota", "Tempat", "Kota Penandatanganan", "Tempat Penandatanganan"),
    "kode_skpd": ("Kode SKPD", "Kode Perangkat Daerah", "Kode Unit"),  # a whole Pemda: which OPD
}


KODE_SKPD_LABELS = ("Kode SKPD", "Kode Perangkat Daerah", "Kode OPD", "Kode Unit")
# the paper the E.81 form is printed on (Renstra label `Kertas: F4`); A3 unless it says F4 (Folio)
KERTAS_LABELS = ("Kertas", "Ukuran Kertas", "Kertas E.81", "Kertas Cetak")
KERTAS = {"a3": "A3", "f4": "F4", "folio": "F4"}


class NoReferensi(RuntimeError):
    """No usable referensi workbook: nothing can be computed."""


@dataclass
class Referensi:
    file: str
    instansi: str = DEFAULT_INSTANSI  # the office's name, in every title
    kepala: str | None = None  # signature block of the document: name, NIP, position, place of signing
    nip: str | None = None
    jabatan: str | None = None
    kota: str | None = None
    kode_skpd: str | None = None  # the OPD's code in the Pemda (Renstra label Kode SKPD), optional
    tahun_awal: int | None = None
    tahun_akhir: int | None = None
    batas_pengumpulan: int | None = None
    kode_skpd: str | None = None  # the OPD's code in SIPD (Renstra label 'Kode SKPD'): picks its rows of a Pemda export
    iku: pl.DataFrame = field(default_factory=pl.DataFrame)  # one row per indicator
    targets: dict[str, dict[int, float]] = field(default_factory=dict)  # kode_iku -> year -> target
    years: list[int] = field(default_factory=list)  # the year columns of the IKU sheet
    stated: dict[tuple[str, int], float] = field(default_factory=dict)  # (kode_iku, year) -> realisasi
    stated_at: dict[tuple[str, int], tuple[str, int, str | None]] = field(default_factory=dict)  # -> (sheet, row, col)
    # program code -> the kode_iku it serves; a list when it serves several (one Cascading row each)
    cascading: dict[str, str | list[str]] = field(default_factory=dict)
    program_names: dict[str, str] = field(default_factory=dict)  # program code -> its name in Cascading
    bidang: list[tuple[str, str]] = field(default_factory=list)  # (code prefix, bidang), longest first
    statistik: pl.DataFrame = field(default_factory=pl.DataFrame)
    anggaran: pl.DataFrame = field(default_factory=pl.DataFrame)
    skala: list[tuple[str, float]] = field(default_factory=lambda: list(DEFAULT_SKALA))
    # through the year (Tabel E.81, Tren Bulanan, Peringatan Dini); empty when the sheets are absent
    target_renstra: pl.DataFrame = field(default_factory=pl.DataFrame)  # one row per code
    rencana_penarikan: dict[str, dict[int, float]] = field(default_factory=dict)  # sub kegiatan -> month -> Rp
    analisis: pl.DataFrame = field(default_factory=pl.DataFrame)  # one row per kode_iku
    sifat: SifatRules = field(default_factory=SifatRules)  # Sifat Indikator: how an output adds up in the year
    # the document's signature block (Renstra sheet), None when not given
    kepala: str | None = None
    nip: str | None = None
    jabatan: str | None = None
    kota: str | None = None
    kertas: str | None = None  # the E.81 form's paper: "A3" | "F4" (Renstra label `Kertas`), None: A3

    def iku_years(self, period_year: int) -> list[int]:
        """Years shown in the trend tables for a period of ``period_year``."""
        return iku_years(period_year, columns=self.years, targets=self.targets, stated=self.stated,
                         tahun_awal=self.tahun_awal, tahun_akhir=self.tahun_akhir)

    def bidang_of(self, code: str) -> str | None:
        """The bidang responsible for a code: the longest matching prefix wins."""
        for prefix, name in self.bidang:
            if code == prefix or code.startswith(prefix + "."):
                return name
        return None

    def programs_of(self, kode_iku: str) -> list[str]:
        """The programs that serve one sasaran (a program may serve several), in code order."""
        return sorted((p for p in self.cascading if kode_iku in self.sasaran_of(p)), key=_code_key)

    def sasaran_of(self, program: str) -> list[str]:
        """Every sasaran (kode_iku) a program serves."""
        served = self.cascading.get(program, [])
        return [served] if isinstance(served, str) else list(served)

    @property
    def bidang_names(self) -> list[str]:
        seen: dict[str, None] = {}
        for _, name in sorted(self.bidang, key=lambda item: _code_key(item[0])):
            seen.setdefault(name, None)
        return list(seen)


def _code_key(code: str) -> tuple:
    return tuple(int(p) for p in code.split(".") if p.isdigit())


def _label_values(sheet) -> dict[str, tuple[str, int, str]]:
    """Label/value rows (``Tahun Awal | 2024``): normalized label -> (value, Excel row, column letter)."""
    out: dict[str, tuple[str, int, str]] = {}
    for i, row in enumerate(sheet.cells.iter_rows()):
        filled = [(c, str(v).strip()) for c, v in zip(sheet.cells.columns, row, strict=True) if v is not None and str(v).strip()]
        if not filled:
            continue
        letter, label = filled[0]
        if ":" in label and len(filled) == 1:
            label, _, value = label.partition(":")
            out.setdefault(normalize_header(label), (value.strip(), i + 1, letter))
        elif len(filled) > 1:
            out.setdefault(normalize_header(label), (filled[1][1], i + 1, filled[1][0]))
    return out


def _sheet(source: SourceFile, name: str):
    for sheet in source.sheets:
        if normalize_header(sheet.name) == normalize_header(name):
            return sheet
    return None


# --- Batas Pengumpulan: the one setting the referensi states ------------------------------

DEADLINE_LABEL = "batas pengumpulan"
_DEADLINE_SEARCH = (300, 30)  # rows, columns of the Renstra sheet searched for the label


@dataclass(frozen=True)
class DeadlineCell:
    """A ``Batas Pengumpulan`` label found in the Renstra sheet: the day (None if unreadable), where, what."""

    day: int | None
    row: int  # Excel row
    col: str  # column letter of the value (of the label when there is none)
    text: str


def deadline_day_of(text: object) -> int | None:
    """The day a ``Batas Pengumpulan`` value gives: ``10``, ``tanggal 10``, a date (its day); else None."""
    s = " ".join(str(text if text is not None else "").split())
    if not s:
        return None
    try:
        date = parse_date(s)
    except DateError:
        date = None
    if date is not None:
        return date.day
    m = re.fullmatch(r"(\d{1,2})(?:[.,]0+)?", s) or re.search(r"(?<![\d.,])(\d{1,2})(?![\d.,])", s)
    if m and 1 <= int(m.group(1)) <= 31:
        return int(m.group(1))
    return None


def find_deadline(sheet) -> DeadlineCell | None:
    """The first ``Batas Pengumpulan`` label of a sheet (any case, more words allowed) and its value:
    text after a colon in the label cell, else the first non-empty cell to its right."""
    height, width = _DEADLINE_SEARCH
    cells = sheet.cells
    columns = cells.columns[:width]
    for i, row in enumerate(cells.head(height).select(columns).iter_rows()):
        for j, value in enumerate(row):
            if value is None or DEADLINE_LABEL not in " ".join(str(value).split()).casefold():
                continue
            label = str(value)
            rest = label.split(":", 1)[1].strip() if ":" in label else ""
            if rest:
                return DeadlineCell(deadline_day_of(rest), i + 1, columns[j], rest)
            for k in range(j + 1, len(row)):
                if row[k] is not None and str(row[k]).strip():
                    return DeadlineCell(deadline_day_of(row[k]), i + 1, columns[k], str(row[k]).strip())
            return DeadlineCell(None, i + 1, columns[j], "")
    return None


def deadline_day(inputs: Path, paths: list[Path] | None = None, *, settings: Settings | None = None) -> int | None:
    """The ``Batas Pengumpulan`` day of the referensi workbook the run would use, or None.

    Light: the same safety checks and sandboxed reading as :func:`read_referensi`
    and the same choice of workbook, but only the Renstra sheet is looked at.
    """
    paths = discover(inputs, "referensi") if paths is None else paths
    chosen = _newest_usable(open_sources(inputs, "referensi", paths, settings=settings))
    sheet = _sheet(chosen, "Renstra") if chosen is not None else None
    found = find_deadline(sheet) if sheet is not None else None
    return found.day if found is not None else None


def deadline_day_in_effect(inputs: Path | None, settings: Settings) -> int:
    """The deadline day for the drop folder ``inputs``: its referensi's ``Batas Pengumpulan``, else the
    settings' day (given > ``LKJIP_DEADLINE_DAY`` > 10), by :func:`pipeline.settings.effective_deadline_day`."""
    return effective_deadline_day(deadline_day(Path(inputs), settings=settings) if inputs is not None else None,
                                  settings)


def deadline_day_from_referensi(path: Path) -> int | None:
    """:func:`deadline_day` of one workbook."""
    return deadline_day(Path(path).parent, [Path(path)])


def _newest_usable(sources: list[SourceFile]) -> SourceFile | None:
    usable = _by_age(sources)
    return usable[-1] if usable else None


def _by_age(sources: list[SourceFile]) -> list[SourceFile]:
    return sorted((s for s in sources if s.readable), key=lambda s: (s.report.modified, s.report.file))


def read_referensi(inputs: Path, paths: list[Path] | None = None, *,
                   settings: Settings | None = None) -> tuple[Referensi, list[SourceFile]]:
    """Read the newest referensi workbook; older ones are reported and not used."""
    paths = discover(inputs, "referensi") if paths is None else paths
    paths = [p for p in paths if not is_document_template(p)]  # a Word template is the document's, not a workbook
    sources = open_sources(inputs, "referensi", paths, settings=settings)
    usable = _by_age(sources)
    if not usable:
        reason = "; ".join(s.report.note for s in sources if s.report.note) or "folder referensi kosong"
        raise NoReferensi(f"Tidak ada workbook referensi yang dapat dipakai di {Path(inputs) / 'referensi'} ({reason})")
    chosen = usable[-1]
    for older in usable[:-1]:
        older.reject(problem("file_ignored", file=older.report.file, severity="Error",
                             reason=f"workbook referensi yang lebih baru dipakai ({chosen.report.file})"))
    ref = Referensi(file=chosen.report.file)
    _read_tables(chosen, ref)
    return ref, sources


def _read_tables(source: SourceFile, ref: Referensi) -> None:
    from pipeline.intake import rules

    file = source.report.file
    read = rejected = 0

    def table(tbl: t.Table, optional: bool = False):
        nonlocal read, rejected
        sheet = _sheet(source, tbl.sheet)
        if sheet is None:
            if not optional:
                source.problems.append(problem("sheet_not_found", file=file, table=f"{tbl.label} (lembar '{tbl.sheet}')",
                                               expected=", ".join(f.label for f in tbl.required)))
            return None
        loaded = load_table(source, tbl, [sheet], reject_file=False)
        if loaded is None:
            return None
        read += loaded.located.rows_read
        rejected += len(loaded.rejected)
        return loaded

    renstra = _sheet(source, "Renstra")
    if renstra is not None:
        values = _label_values(renstra)
        for key, attr in (("tahunawal", "tahun_awal"), ("tahunakhir", "tahun_akhir")):
            if key in values:
                text, row, col = values[key]
                number = _whole(text)
                if number is None:
                    source.problems.append(problem("integer_invalid", file=file, sheet=renstra.name, row=row, col=col,
                                                   column=key, value=text))
                else:
                    setattr(ref, attr, number)
        _read_office(source, renstra, values, ref)
        deadline = find_deadline(renstra)
        if deadline is not None and deadline.day is None and deadline.text:
            source.problems.append(problem("integer_invalid", file=file, sheet=renstra.name, row=deadline.row,
                                           col=deadline.col, column="bataspengumpulan", value=deadline.text))
        elif deadline is not None:
            ref.batas_pengumpulan = deadline.day
    else:
        source.problems.append(problem("sheet_not_found", file=file, table="Renstra (lembar 'Renstra')", expected="Tahun Awal, Tahun Akhir"))

    iku = table(t.IKU)
    if iku is not None:
        rows = iku.rows.with_columns(
            pl.col("polaritas").fill_null("Positif"),
            pl.col("akumulasi").fill_null("Tahun Berjalan"),
            pl.col("sumber").fill_null("MANUAL"),
        )
        ref.iku = rows
        years = ref.years = sorted(iku.located.year_columns)
        for record in rows.iter_rows(named=True):
            ref.targets[record["kode_iku"]] = {y: record[f"y{y}"] for y in years if record.get(f"y{y}") is not None}

    stated = table(t.REALISASI_IKU, optional=True)
    if stated is not None:
        for record in stated.rows.iter_rows(named=True):
            key = (record["kode_iku"], record["tahun"])
            ref.stated[key] = record["realisasi"]
            ref.stated_at[key] = (stated.located.sheet, record[ROW], stated.located.columns.get("realisasi"))

    cascading = table(t.CASCADING)
    if cascading is not None:
        for r in cascading.rows.iter_rows(named=True):
            served = ref.sasaran_of(r["kode_program"])
            if r["kode_iku"] not in served:
                served.append(r["kode_iku"])
            ref.cascading[r["kode_program"]] = served[0] if len(served) == 1 else served
            if r.get("program") and str(r["program"]).strip():
                ref.program_names.setdefault(r["kode_program"], " ".join(str(r["program"]).split()))

    bidang = table(t.BIDANG)
    if bidang is not None:
        pairs = [(r["kode"], r["bidang"].strip()) for r in bidang.rows.iter_rows(named=True)]
        ref.bidang = sorted(pairs, key=lambda item: -len(item[0]))

    # Statistik only where an IKU's Sumber computes from it: missing, each such IKU is an Error
    statistik = table(t.STATISTIK, optional=True)
    if statistik is not None:
        ref.statistik = statistik.rows
    else:
        source.problems.extend(rules.iku_data_missing(ref, "statistik", file=file))

    anggaran = table(t.ANGGARAN)
    if anggaran is not None:
        ref.anggaran = anggaran.rows
        _check_totals(source, anggaran, ("pagu_awal", "pagu_pergeseran"))

    skala = table(t.SKALA, optional=True)
    if skala is not None and skala.rows.height:
        ref.skala = sorted(((r["kategori"], r["batas_bawah"]) for r in skala.rows.iter_rows(named=True)), key=lambda x: -x[1])

    target_renstra = table(t.TARGET_RENSTRA, optional=True)
    if target_renstra is not None:
        ref.target_renstra = target_renstra.rows

    rencana = table(t.RENCANA_PENARIKAN, optional=True)
    if rencana is not None:
        ref.rencana_penarikan = {
            r["kode"]: {m: r[f"m{m}"] for m in range(1, 13) if r.get(f"m{m}") is not None}
            for r in rencana.rows.iter_rows(named=True)
        }

    analisis = table(t.ANALISIS, optional=True)
    if analisis is not None:
        ref.analisis = analisis.rows

    sifat = table(t.SIFAT_INDIKATOR, optional=True)
    if sifat is not None:
        ref.sifat, found = rules.sifat_rules(sifat.rows, file=file, sheet=sifat.located.sheet,
                                             letters=sifat.located.columns)
        source.problems.extend(found)

    source.report.count(read, rejected)


def _read_office(source: SourceFile, sheet, values: dict[str, tuple[str, str]], ref: Referensi) -> None:
    """The office's name (for every title) and the signature block (for the document)."""
    found = next((values[normalize_header(label)] for label in INSTANSI_LABELS if normalize_header(label) in values), None)
    if found is not None and found[0].strip():
        ref.instansi = " ".join(found[0].split())
    else:
        source.problems.append(problem("instansi_missing", file=source.report.file, sheet=sheet.name,
                                       expected=", ".join(INSTANSI_LABELS), value=DEFAULT_INSTANSI))
    long_numbers = getattr(sheet, "long_number_cells", frozenset()) or frozenset()
    for attr, labels in SIGNATURE_LABELS.items():
        hit = next((values[normalize_header(label)] for label in labels if normalize_header(label) in values), None)
        if hit is None or not hit[0].strip():
            continue
        text, row, col = hit
        if attr == "nip" and (row, col) in long_numbers:  # kept as written: "19700101 199503 1 002" is usual
            source.problems.append(problem("nip_as_number", file=source.report.file, sheet=sheet.name, row=row,
                                           col=col, column="NIP", value=text))
        setattr(ref, attr, " ".join(text.split()))
    skpd = next((values[normalize_header(label)] for label in KODE_SKPD_LABELS if normalize_header(label) in values), None)
    if skpd is not None and skpd[0].strip():
        ref.kode_skpd = "".join(skpd[0].split())
    kertas = next((values[normalize_header(label)] for label in KERTAS_LABELS if normalize_header(label) in values), None)
    if kertas is not None and kertas[0].strip():
        text, row, col = kertas
        ref.kertas = kertas_of(text)
        if ref.kertas is None:
            source.problems.append(problem("value_not_allowed", file=source.report.file, sheet=sheet.name, row=row,
                                           col=col, column="Kertas", value=text, expected="A3, F4",
                                           severity="Peringatan"))


def kertas_of(text: str) -> str | None:
    """``A3`` or ``F4`` of a ``Kertas`` value (``F4``, ``Folio``, ``F4 (Folio)``, any case), else None."""
    words = re.findall(r"[a-z0-9]+", str(text).casefold())
    found = {KERTAS[w] for w in words if w in KERTAS}
    return found.pop() if len(found) == 1 else None


def _whole(text: str) -> int | None:
    match = re.search(r"\d+", text or "")
    try:
        value = parse_number(text)
    except NumberError:
        value = int(match.group()) if match and match.group() == (text or "").strip() else None
    if value is None or value != int(value):
        return None
    return int(value)


def _check_totals(source: SourceFile, loaded, columns: tuple[str, ...]) -> None:
    """A JUMLAH row must equal the sum of the rows above it."""
    source.problems.extend(total_rows(loaded, columns))
