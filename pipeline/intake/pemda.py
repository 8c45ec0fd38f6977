"""A whole Pemda in one drop folder: which folders are OPD, and the Pemda's own workbook.

::

    inputs/
      pemda/referensi/*.xlsx     the Pemda's master workbook (read here)
      <opd>/referensi/*.xlsx     each OPD laid out as a single office
      <opd>/realisasi/ ...

A drop folder with its own ``referensi/`` is a single office (unchanged).  Otherwise it
is a Pemda when it has ``pemda/`` or a folder with a ``referensi/`` child: every folder
other than ``pemda/`` (and ``sipd/``, hidden folders and links) with a ``referensi/``
child is an OPD; one with ``realisasi/`` or ``odk/`` but no ``referensi/`` is listed as
an OPD without referensi (the others run).

The Pemda workbook (``pemda/referensi/``): label/value rows (``Nama Pemda``, ``Tahun
Awal``, ``Tahun Akhir``, ``Kepala Daerah``, ``Batas Pengumpulan``) in a sheet ``RPJMD``
(or ``Renstra``, or any sheet holding them), ``IKU Pemda`` (as an OPD's ``IKU``, Sumber
``MANUAL`` or ``OPD``), ``Realisasi IKU`` (as an OPD's) and ``Cascading Pemda`` (Kode IKU
Pemda, OPD, Kode IKU of that OPD, optional Bobot).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.domain.pemda import CascadingLink, PemdaIku
from pipeline.domain.indicators import DEFAULT_SKALA
from pipeline.intake import tables as t
from pipeline.intake.files import discover, is_ignored
from pipeline.intake.loading import SourceFile, load_table, open_sources
from pipeline.intake.referensi import _label_values, _sheet, _whole, deadline_day_of
from pipeline.intake.sheets import ROW
from pipeline.intake.tables import normalize_header
from pipeline.settings import Settings
from pipeline.problems import Problem, problem

PEMDA_FOLDER = "pemda"
NOT_OPD = {PEMDA_FOLDER, "sipd"}  # sipd/: one export for the whole Pemda (split by Kode SKPD)
DEFAULT_PEMDA = "Pemerintah Daerah"

PEMDA_IKU = t.Table(
    name="pemda_iku",
    label="IKU Pemda",
    sheet="IKU Pemda",
    fields=(
        t.Field("kode_iku", "Kode IKU", t.TEXT, True, ("Kode", "Kode IKU Pemda")),
        t.Field("level", "Level", t.TEXT, True, (), allowed=("Tujuan", "Sasaran")),
        t.Field("pernyataan", "Tujuan/Sasaran", t.TEXT, True, ("Sasaran", "Tujuan", "Sasaran RPJMD", "Pernyataan")),
        t.Field("indikator", "Indikator", t.TEXT, True, ("Indikator Kinerja", "Indikator Kinerja Utama")),
        t.Field("satuan", "Satuan", t.TEXT, False),
        t.Field("polaritas", "Polaritas", t.TEXT, False, (), allowed=("Positif", "Negatif")),
        t.Field("sumber", "Sumber", t.TEXT, False, (), allowed=("MANUAL", "OPD")),
        t.Field("target_akhir", "Target Akhir RPJMD", t.PERCENT, False, ("Target Akhir", "Target Akhir Periode")),
    ),
    key_fields=("kode_iku", "indikator"),
    year_columns=True,
)

CASCADING_PEMDA = t.Table(
    name="pemda_cascading",
    label="Cascading Pemda",
    sheet="Cascading Pemda",
    fields=(
        t.Field("kode_iku_pemda", "Kode IKU Pemda", t.TEXT, True, ("IKU Pemda",)),
        t.Field("opd", "OPD", t.TEXT, True, ("Perangkat Daerah", "Nama Instansi", "Instansi", "Folder OPD")),
        t.Field("kode_iku_opd", "Kode IKU OPD", t.TEXT, True, ("Kode IKU", "IKU OPD")),
        t.Field("bobot", "Bobot", t.NUMBER, False, (), non_negative=True),
    ),
    key_fields=("kode_iku_pemda", "opd", "kode_iku_opd"),
)

LABELS = {
    "nama": ("Nama Pemda", "Pemerintah Daerah", "Nama Pemerintah Daerah", "Pemda"),
    "kepala": ("Kepala Daerah", "Gubernur", "Bupati", "Wali Kota", "Walikota"),
    "kota": ("Kota", "Tempat"),
}


@dataclass(frozen=True)
class PemdaLayout:
    """The folders of a Pemda's drop folder."""

    root: Path
    opds: tuple[str, ...]  # folder names with a referensi/ child, sorted
    without_referensi: tuple[str, ...] = ()  # folders that look like an OPD but have no referensi/
    has_pemda: bool = False


def _is_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def pemda_layout(inputs: Path) -> PemdaLayout | None:
    """The Pemda's layout, or None for a single office's drop folder (or one with nothing in it)."""
    root = Path(inputs)
    if not _is_dir(root) or (root / "referensi").exists():
        return None
    opds, bare = [], []
    for child in sorted(root.iterdir(), key=lambda p: p.name.lower()):
        if not _is_dir(child) or child.name in NOT_OPD or is_ignored(Path(child.name)):
            continue
        if _is_dir(child / "referensi"):
            opds.append(child.name)
        elif any(_is_dir(child / kind) for kind in ("realisasi", "odk")):
            bare.append(child.name)
    has_pemda = _is_dir(root / PEMDA_FOLDER)
    if not opds and not has_pemda:
        return None
    return PemdaLayout(root, tuple(opds), tuple(bare), has_pemda)


@dataclass
class PemdaReferensi:
    file: str = ""
    nama: str = DEFAULT_PEMDA
    kepala: str | None = None
    kota: str | None = None
    tahun_awal: int | None = None
    tahun_akhir: int | None = None
    batas_pengumpulan: int | None = None
    iku: pl.DataFrame = field(default_factory=pl.DataFrame)
    targets: dict[str, dict[int, float]] = field(default_factory=dict)
    stated: dict[tuple[str, int], float] = field(default_factory=dict)
    cascading: list[dict] = field(default_factory=list)  # rows: kode_iku_pemda, opd, kode_iku_opd, bobot, ROW
    cascading_sheet: str = ""
    skala: list[tuple[str, float]] = field(default_factory=lambda: list(DEFAULT_SKALA))
    problems: list[Problem] = field(default_factory=list)  # of the files read

    def indicators(self, year: int) -> list[PemdaIku]:
        if not self.iku.height:
            return []
        return [PemdaIku(r["kode_iku"], r["level"], r["pernyataan"], r["indikator"], r["satuan"],
                         r["polaritas"] or "Positif", (r["sumber"] or "MANUAL").upper(),
                         self.targets.get(r["kode_iku"], {}).get(year)) for r in self.iku.iter_rows(named=True)]

    def stated_for(self, year: int) -> dict[str, float]:
        return {kode: value for (kode, y), value in self.stated.items() if y == year}


def read_pemda(inputs: Path, *, settings: Settings | None = None) -> tuple[PemdaReferensi, list[SourceFile]]:
    """Read ``pemda/referensi/`` (the newest usable workbook; older ones are reported)."""
    root = Path(inputs)
    paths = discover(root / PEMDA_FOLDER, "referensi")
    sources = open_sources(root, "referensi", paths, settings=settings)
    ref = PemdaReferensi()
    usable = sorted((s for s in sources if s.readable), key=lambda s: (s.report.modified, s.report.file))
    if not usable:
        return ref, sources
    chosen = usable[-1]
    for older in usable[:-1]:
        older.reject(problem("file_ignored", file=older.report.file, severity="Error",
                             reason=f"workbook referensi Pemda yang lebih baru dipakai ({chosen.report.file})"))
    ref.file = chosen.report.file
    _read(chosen, ref)
    return ref, sources


def _read(source: SourceFile, ref: PemdaReferensi) -> None:
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

    labels = next((s for s in (_sheet(source, "RPJMD"), _sheet(source, "Renstra"), _sheet(source, "Pemda"))
                   if s is not None), None) or (source.sheets[0] if source.sheets else None)
    if labels is not None:
        values = _label_values(labels)
        for attr, names in LABELS.items():
            hit = next((values[normalize_header(n)] for n in names if normalize_header(n) in values), None)
            if hit is not None and hit[0].strip():
                setattr(ref, attr, " ".join(hit[0].split()))
        for key, attr in (("tahunawal", "tahun_awal"), ("tahunakhir", "tahun_akhir")):
            if key in values:
                text, row, col = values[key]
                number = _whole(text)
                if number is None:
                    source.problems.append(problem("integer_invalid", file=file, sheet=labels.name, row=row, col=col,
                                                   column=key, value=text))
                else:
                    setattr(ref, attr, number)
        if "bataspengumpulan" in values:
            text, row, col = values["bataspengumpulan"]
            day = deadline_day_of(text)
            if day is None:
                source.problems.append(problem("integer_invalid", file=file, sheet=labels.name, row=row, col=col,
                                               column="Batas Pengumpulan", value=text))
            ref.batas_pengumpulan = day

    iku = table(PEMDA_IKU)
    if iku is not None:
        rows = iku.rows.with_columns(pl.col("polaritas").fill_null("Positif"), pl.col("sumber").fill_null("MANUAL"))
        ref.iku = rows
        years = sorted(iku.located.year_columns)
        for record in rows.iter_rows(named=True):
            ref.targets[record["kode_iku"]] = {y: record[f"y{y}"] for y in years if record.get(f"y{y}") is not None}

    stated = table(t.REALISASI_IKU, optional=True)
    if stated is not None:
        for record in stated.rows.iter_rows(named=True):
            ref.stated[(record["kode_iku"], record["tahun"])] = record["realisasi"]

    cascading = table(CASCADING_PEMDA)
    if cascading is not None:
        ref.cascading = list(cascading.rows.iter_rows(named=True))
        ref.cascading_sheet = cascading.located.sheet

    skala = table(t.SKALA, optional=True)
    if skala is not None and skala.rows.height:
        ref.skala = sorted(((r["kategori"], r["batas_bawah"]) for r in skala.rows.iter_rows(named=True)),
                           key=lambda x: -x[1])
    source.report.count(read, rejected)


@dataclass(frozen=True)
class OpdIdentity:
    """Who an OPD folder is, from its referensi (``Nama Instansi``, ``Kode SKPD``) and its IKU codes."""

    opd: str
    instansi: str
    kode_skpd: str | None
    iku: tuple[str, ...] = ()


def _key(text: str | None) -> str:
    return " ".join(str(text or "").split()).casefold()


def duplicate_opds(identities: list[OpdIdentity], file: str = "") -> list[Problem]:
    """Two OPD with the same ``Nama Instansi`` or ``Kode SKPD``: one Error naming both."""
    found = []
    for label, attr in (("Nama Instansi", "instansi"), ("Kode SKPD", "kode_skpd")):
        seen: dict[str, OpdIdentity] = {}
        for ident in identities:
            value = getattr(ident, attr)
            if not value:
                continue
            first = seen.setdefault(_key(value), ident)
            if first is not ident:
                found.append(problem("opd_duplicate", file=file, column=label, value=value,
                                     expected=f"folder '{first.opd}' dan folder '{ident.opd}'"))
    return found


def resolve_cascading(ref: PemdaReferensi, identities: list[OpdIdentity], opds_known: list[str]
                      ) -> tuple[list[CascadingLink], list[Problem]]:
    """``Cascading Pemda`` rows as links to OPD folders; a row naming an unknown OPD (folder or Nama
    Instansi), an unknown Pemda IKU or an IKU the OPD does not have is an Error naming it and is not used.

    ``identities``: the OPD whose referensi was read this month; ``opds_known``: every OPD folder
    (an OPD whose month failed is known, its IKU cannot be checked)."""
    by_folder = {_key(o): o for o in opds_known}
    by_name = {_key(i.instansi): i.opd for i in identities}
    iku_of = {i.opd: set(i.iku) for i in identities}
    pemda_iku = set(ref.iku["kode_iku"].to_list()) if ref.iku.height else set()
    links, problems = [], []
    for r in ref.cascading:
        where = dict(file=ref.file, sheet=ref.cascading_sheet, row=r.get(ROW))
        opd = by_folder.get(_key(r["opd"])) or by_name.get(_key(r["opd"]))
        if opd is None:
            problems.append(problem("cascading_unknown_opd", **where, column="OPD", value=r["opd"],
                                    expected=", ".join(sorted(opds_known)) or "-"))
            continue
        if r["kode_iku_pemda"] not in pemda_iku:
            problems.append(problem("cascading_unknown_iku", **where, column="Kode IKU Pemda",
                                    value=r["kode_iku_pemda"], what="Kode IKU Pemda", where=" di lembar IKU Pemda",
                                    expected=", ".join(sorted(pemda_iku)) or "-"))
            continue
        if opd in iku_of and r["kode_iku_opd"] not in iku_of[opd]:
            problems.append(problem("cascading_unknown_iku", **where, column="Kode IKU OPD", value=r["kode_iku_opd"],
                                    what="Kode IKU", where=f" di referensi OPD '{opd}'",
                                    expected=", ".join(sorted(iku_of[opd])) or "-"))
            continue
        links.append(CascadingLink(r["kode_iku_pemda"], opd, r["kode_iku_opd"], r.get("bobot")))
    return links, problems


def missing_referensi(layout: PemdaLayout) -> list[Problem]:
    """Every folder that looks like an OPD but has no referensi/: one Error each."""
    return [problem("opd_no_referensi", file=f"{name}/", value=name) for name in layout.without_referensi]
