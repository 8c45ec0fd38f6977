"""What a bidang's new submission would change, read with the run's own readers.

For an upload of one bidang for one month (:func:`compare_submission`):

- which files of the drop folder are now that bidang's for the month (from the
  page or the shared folder): the submission replaces all of them;
- the bidang's totals (pagu, realisasi anggaran, number of sub kegiatan) before
  and after, computed the way the run computes them (deduplicated rows of the
  month's files);
- a realisasi lower than the previous month's cumulative value of the same
  year (rule ``cumulative_decrease``).

:data:`FIGURE_RULES` are the ``Peringatan`` that change figures (realisasi
anggaran above pagu, a total or subtotal that does not add up, a cumulative
figure that fell): the page asks the bidang to confirm them explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.domain.formatting import rupiah
from pipeline.domain.periods import MONTH_NAMES_ID, Period
from pipeline.intake.realisasi import LEVEL, period_intake, read_sources
from pipeline.intake.referensi import Referensi
from pipeline.intake.rules import LEVEL_LABEL, TOLERANCE
from pipeline.intake.sheets import ROW
from pipeline.problems import Problem, problem

FIGURE_RULES = frozenset({"realisasi_over_pagu", "total_mismatch", "subtotal_mismatch", "cumulative_decrease"})


@dataclass
class Comparison:
    current_files: list[str] = field(default_factory=list)  # relative to the inputs folder
    shared_files: list[str] = field(default_factory=list)  # files with rows of this and other bidang (kept)
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    decreases: list[Problem] = field(default_factory=list)


def _key(name: str | None) -> str:
    return " ".join(str(name or "").split()).casefold()


def _totals(sub: pl.DataFrame, bidang: str) -> dict:
    rows = sub.filter(pl.col("bidang").map_elements(_key, return_dtype=pl.String) == _key(bidang)) \
        if sub.height else sub
    if not rows.height:
        return {"pagu": None, "realisasi_anggaran": None, "sub_kegiatan": 0}
    return {"pagu": float(rows["pagu"].fill_null(0).sum()),
            "realisasi_anggaran": float(rows["realisasi_anggaran"].fill_null(0).sum()),
            "sub_kegiatan": rows.height}


def _bidang_of_rows(rows: pl.DataFrame, ref: Referensi) -> set[str]:
    return {_key(ref.bidang_of(k)) for k in rows["kode"].to_list() if k}


def compare_submission(inputs: Path, ref: Referensi, staged: Path, staged_root: Path, bidang: str,
                       period: str) -> Comparison:
    """``staged`` (under ``staged_root``, laid out as a drop folder) as ``bidang``'s submission of ``period``."""
    inputs = Path(inputs)
    sources, per_file = read_sources(inputs)
    new_sources, new_per_file = read_sources(Path(staged_root), [Path(staged)])
    found = Comparison()
    others = []
    for item in per_file:
        source, found_period, rows = item
        owners = _bidang_of_rows(rows, ref) - {""}
        if str(found_period) == period and _key(bidang) in owners:
            (found.current_files if owners == {_key(bidang)} else found.shared_files).append(source.report.file)
            if owners == {_key(bidang)}:
                continue
        others.append(item)
    before = period_intake(period, sources, per_file, ref)
    after = period_intake(period, sources + new_sources, others + new_per_file, ref)
    found.before, found.after = _totals(before.sub, bidang), _totals(after.sub, bidang)
    found.decreases = _decreases(period, sources, per_file, after, bidang, ref)
    return found


def _decreases(period: str, sources, per_file, after, bidang: str, ref: Referensi) -> list[Problem]:
    month = Period.parse(period)
    if month.month == 1:
        return []  # cumulative from January: nothing earlier in the year
    previous = str(month.previous())
    earlier = period_intake(previous, sources, per_file, ref).sub
    if not earlier.height:
        return []
    was = {r["kode"]: r for r in earlier.iter_rows(named=True)}
    found: list[Problem] = []
    now_rows = after.sub.filter(pl.col(LEVEL) == "sub_kegiatan") if after.sub.height else after.sub
    for r in now_rows.iter_rows(named=True):
        if _key(r["bidang"]) != _key(bidang) or r["kode"] not in was:
            continue
        old = was[r["kode"]]
        letters = after.letters.get(r["file"], {})
        for name, label, money in (("realisasi_anggaran", "Realisasi Anggaran", True), ("realisasi", "Realisasi", False)):
            new_value, old_value = r.get(name), old.get(name)
            if new_value is None or old_value is None:
                continue
            if not money and "%" in str(r.get("satuan") or ""):
                continue  # a percentage is a level: it may go down
            if float(new_value) < float(old_value) - (TOLERANCE if money else 0.0):
                shown = rupiah if money else (lambda v: f"{v:g}".replace(".", ","))
                found.append(problem(
                    "cumulative_decrease", file=r["file"], sheet=r["sheet"], row=r.get(ROW),
                    col=letters.get(name), column=label, value=shown(float(new_value)),
                    expected=shown(float(old_value)), what=f"{LEVEL_LABEL['sub_kegiatan']} {r['kode']}",
                    month=f"{MONTH_NAMES_ID[month.month - 1]} {month.year}",
                    previous=f"{MONTH_NAMES_ID[month.month - 2]} {month.year}"))
    return found
