"""A year of monthly realisation files (cumulative from January), for tests and benchmarks.

``python -m pipeline.samples --months 12 --out DIR`` writes, next to the referensi (and the ODK
export), one file per bidang per month of the sample year: the sample's budget tree with
every sub kegiatan's realisasi and realisasi anggaran growing evenly to December's published
figures (so the December files are the bundled ones' figures).  Tests give their own trees
and month-by-month values with :func:`write_month`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from pipeline.samples import calibrated as cal
from pipeline.samples.writer import bulan, write_realisasi

_HEAD = ("PEMERINTAH PROVINSI BALI", "DINAS KOPERASI, USAHA KECIL DAN MENENGAH", "LAPORAN REALISASI FISIK DAN KEUANGAN")


@dataclass(frozen=True)
class MonthNode:
    """A program, kegiatan or sub kegiatan row of one month's file (cumulative values)."""

    kode: str
    uraian: str
    indikator: str
    satuan: str
    target: float | None
    realisasi: float | None
    pagu_own: float = 0
    realisasi_own: float = 0
    children: tuple[MonthNode, ...] = field(default_factory=tuple)

    @property
    def pagu(self) -> float:
        return sum(c.pagu for c in self.children) if self.children else self.pagu_own

    @property
    def realisasi_anggaran(self) -> float:
        return sum(c.realisasi_anggaran for c in self.children) if self.children else self.realisasi_own


# month -> share of December's value reached (cumulative)
Profile = Callable[[cal.Node, int], float]


def even(node: cal.Node, month: int) -> float:
    return month / 12


def at_month(node: cal.Node, month: int, spend: Profile = even, output: Profile = even) -> MonthNode:
    """``node``'s row in the file of ``month``: December's values scaled by the profiles
    (money to the rupiah, outputs whole for counts; a percentage output is a level)."""
    children = tuple(at_month(c, month, spend, output) for c in node.children)
    share = output(node, month)
    done = node.realisasi * share
    if node.satuan.strip() not in ("%", "Persen", "Persentase"):
        done = float(round(done))
    if node.children:
        return MonthNode(node.kode, node.uraian, node.indikator, node.satuan, node.target, done, children=children)
    return MonthNode(node.kode, node.uraian, node.indikator, node.satuan, node.target, done,
                     pagu_own=node.pagu, realisasi_own=float(round(node.realisasi_anggaran * spend(node, month))))


def write_month(path: Path, programs: Sequence[MonthNode], year: int, month: int, bidang: str,
                saved: datetime | None = None) -> Path:
    """One bidang's file of one month, the period stated in its title (``Bulan: Maret 2025``)."""
    title = (*_HEAD, bidang.upper(), f"Bulan: {bulan(month)} {year}", None)
    saved = saved or datetime(year, month, 28, 2, 0) + timedelta(days=7)
    return write_realisasi(path, programs, title=title, saved=saved)


def generate_year(out: Path | str, year: int = cal.YEAR, months: Iterable[int] = range(1, 13),
                  skip: Iterable[tuple[str, int]] = ()) -> list[Path]:
    """The sample's six bidang, one file each per month of ``months`` (``skip``: (bidang, month)
    pairs with no file), under ``<out>/realisasi/<year>-<MM>/``."""
    out = Path(out)
    skipped = set(skip)
    written = []
    for month in months:
        for bidang in cal.BIDANG:
            if (bidang, month) in skipped:
                continue
            programs = [at_month(p, month) for p in cal.programs_of(bidang)]
            name = out / "realisasi" / f"{year}-{month:02d}" / f"Realisasi {bulan(month)} {year} {bidang}.xlsx"
            written.append(write_month(name, programs, year, month, bidang))
    return written
