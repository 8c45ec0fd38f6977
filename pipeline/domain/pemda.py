"""A whole Pemda: every OPD's figures of a month, consolidated for Bappeda.

Pure computation over :class:`OpdFigures`, the typed figures of one OPD's month (made by
the OPD's own run from its IKU results, budget, submissions, problems and Tabel E.81).
Sums of money are sums; a rate over OPD is the ratio of the sums, never the mean of
the OPD's percentages.  A Pemda IKU with Sumber ``OPD`` takes its realisasi from the OPD
indicator it cascades to and its capaian against the Pemda's own target; cascading to
several OPD indicators, its capaian is the weighted mean of their capaian against their
own targets (``Bobot``, default equal), and it has no realisasi of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pipeline.domain import indicators
from pipeline.domain.codes import sort_key
from pipeline.domain.sipd import normalize_skpd

SUMBER_OPD = "OPD"
SUMBER_MANUAL = "MANUAL"
NO_RPJMD_SASARAN = "Program yang tidak dikaskade ke sasaran RPJMD"


def ratio_percent(part: float | None, whole: float | None) -> float | None:
    """part / whole x 100, None without a whole."""
    if part is None or whole is None or whole == 0:
        return None
    return part / whole * 100.0


@dataclass(frozen=True)
class IkuFigure:
    """One IKU of an OPD in the period's year."""

    kode_iku: str
    indikator: str
    satuan: str | None
    target: float | None
    realisasi: float | None
    capaian: float | None
    kategori: str | None


@dataclass(frozen=True)
class ProgramFigure:
    """One program row of an OPD's Tabel E.81: its sasaran (the OPD's Kode IKU, "" when none),
    pagu (column 7, Rp), realisasi per triwulan (columns 8-11, Rp) and in the year (column 12, Rp)."""

    kode_iku: str
    kode: str
    uraian: str
    pagu: float | None
    triwulan: tuple[float | None, float | None, float | None, float | None]
    realisasi: float | None


@dataclass
class OpdFigures:
    """What the rekap needs of one OPD's month, made by the OPD's own run."""

    opd: str  # the folder (the OPD partition key)
    instansi: str
    kode_skpd: str | None
    period: str  # YYYY-MM
    iku: list[IkuFigure] = field(default_factory=list)
    pagu: float = 0.0
    realisasi_anggaran: float = 0.0
    # urusan (U.BB of the code) -> (pagu, realisasi anggaran)
    urusan: dict[str, tuple[float, float]] = field(default_factory=dict)
    # efficiency over every sasaran of the OPD: sums of (pagu x CK - realisasi) and (pagu x CK)
    efisiensi_hemat: float = 0.0
    efisiensi_basis: float = 0.0
    pengumpulan: dict[str, int] = field(default_factory=dict)  # status -> number of bidang
    errors: int = 0
    warnings: int = 0
    programs: list[ProgramFigure] = field(default_factory=list)
    # the rows of the Pemda's SIPD export (sipd/ beside pemda/) the month uses: (file, Kode SKPD, rows)
    sipd_skpd: tuple[tuple[str, str, int], ...] = ()

    @property
    def capaian_anggaran(self) -> float | None:
        return ratio_percent(self.realisasi_anggaran, self.pagu)

    @property
    def efisiensi(self) -> float | None:
        return ratio_percent(self.efisiensi_hemat, self.efisiensi_basis)

    def iku_of(self, kode_iku: str) -> IkuFigure | None:
        return next((i for i in self.iku if i.kode_iku == kode_iku), None)


@dataclass(frozen=True)
class OpdStatus:
    """One OPD of the Pemda this month: its figures, or why there are none."""

    opd: str
    figures: OpdFigures | None
    reason: str = ""  # why the month is missing or failed

    @property
    def complete(self) -> bool:
        return self.figures is not None


@dataclass(frozen=True)
class CascadingLink:
    """One row of ``Cascading Pemda``: which OPD indicator measures a Pemda indicator."""

    kode_iku_pemda: str
    opd: str  # the OPD folder (already resolved from a folder name or a Nama Instansi)
    kode_iku_opd: str
    bobot: float | None = None


@dataclass(frozen=True)
class PemdaIku:
    """A Pemda indicator (``IKU Pemda``)."""

    kode_iku: str
    level: str
    pernyataan: str
    indikator: str
    satuan: str | None
    polaritas: str
    sumber: str
    target: float | None  # of the period's year


@dataclass(frozen=True)
class Contribution:
    opd: str
    instansi: str
    kode_iku: str
    indikator: str
    bobot: float
    target: float | None
    realisasi: float | None
    capaian: float | None
    note: str = ""


@dataclass(frozen=True)
class PemdaIkuResult:
    iku: PemdaIku
    realisasi: float | None
    capaian: float | None
    kategori: str | None
    basis: str  # how the figure was made, in Indonesian
    contributions: tuple[Contribution, ...] = ()


def pemda_iku(iku: Iterable[PemdaIku], stated: Mapping[str, float], links: Iterable[CascadingLink],
              opds: Mapping[str, OpdStatus], skala: Iterable[tuple[str, float]] = indicators.DEFAULT_SKALA,
              ) -> list[PemdaIkuResult]:
    """Realisasi, capaian and kategori of every Pemda indicator for the period's year.

    ``stated``: kode_iku -> realisasi the Pemda states for the year (MANUAL, or an override).
    """
    skala = list(skala)
    by_iku: dict[str, list[CascadingLink]] = {}
    for link in links:
        by_iku.setdefault(link.kode_iku_pemda, []).append(link)
    results = []
    for item in iku:
        contributions = []
        for link in by_iku.get(item.kode_iku, []):
            status = opds.get(link.opd)
            figures = status.figures if status else None
            found = figures.iku_of(link.kode_iku_opd) if figures else None
            note = "" if found else (status.reason if status and not figures else "indikator tidak ada di laporan OPD")
            contributions.append(Contribution(
                link.opd, figures.instansi if figures else link.opd, link.kode_iku_opd,
                found.indikator if found else "", 1.0 if link.bobot is None else float(link.bobot),
                found.target if found else None, found.realisasi if found else None,
                found.capaian if found else None, note))
        if item.kode_iku in stated:
            realisasi = stated[item.kode_iku]
            capaian = indicators.capaian(realisasi, item.target, item.polaritas)
            basis = "Ditetapkan Pemda (Realisasi IKU)"
        elif item.sumber == SUMBER_OPD and len(contributions) == 1:
            c = contributions[0]
            realisasi = c.realisasi
            capaian = indicators.capaian(realisasi, item.target, item.polaritas)
            basis = f"Realisasi indikator {c.kode_iku} {c.instansi}, dibandingkan dengan target Pemda"
        elif item.sumber == SUMBER_OPD and contributions:
            known = [c for c in contributions if c.capaian is not None]
            weight = sum(c.bobot for c in known)
            realisasi = None  # capaian of different bases: never shown as one realisasi
            capaian = sum(c.bobot * c.capaian for c in known) / weight if known and weight else None
            missing = len(contributions) - len(known)
            basis = (f"Rata-rata tertimbang capaian {len(known)} indikator OPD terhadap targetnya masing-masing"
                     f" (bobot {'sama' if len({c.bobot for c in contributions}) == 1 else 'Cascading Pemda'})"
                     + (f"; {missing} indikator tanpa capaian tidak dihitung" if missing else "")
                     + "; bukan realisasi indikator Pemda")
        else:
            realisasi = None
            capaian = None
            basis = ("Tidak ada baris Cascading Pemda" if item.sumber == SUMBER_OPD
                     else "Realisasi belum ditetapkan di Realisasi IKU")
        results.append(PemdaIkuResult(item, realisasi, capaian, indicators.kategori(capaian, skala), basis,
                                      tuple(contributions)))
    return results


@dataclass(frozen=True)
class Totals:
    pagu: float
    realisasi_anggaran: float
    capaian_anggaran: float | None
    efisiensi: float | None
    errors: int
    warnings: int
    pengumpulan: dict[str, int]


def totals(figures: Iterable[OpdFigures]) -> Totals:
    """The Pemda's sums over the OPD that have figures; rates are ratios of the sums."""
    figures = list(figures)
    pagu = sum(f.pagu for f in figures)
    spent = sum(f.realisasi_anggaran for f in figures)
    hemat = sum(f.efisiensi_hemat for f in figures)
    basis = sum(f.efisiensi_basis for f in figures)
    counts: dict[str, int] = {}
    for f in figures:
        for status, n in f.pengumpulan.items():
            counts[status] = counts.get(status, 0) + n
    return Totals(pagu, spent, ratio_percent(spent, pagu), ratio_percent(hemat, basis),
                  sum(f.errors for f in figures), sum(f.warnings for f in figures), counts)


def unclaimed_skpd(figures: Iterable[OpdFigures]) -> list[tuple[str, str, int]]:
    """(file, Kode SKPD, rows) of the Pemda's SIPD export whose Kode SKPD is no OPD's among ``figures``: rows that
    no OPD's report uses."""
    figures = list(figures)
    claimed = {normalize_skpd(f.kode_skpd) for f in figures} - {None}
    found: dict[tuple[str, str], int] = {}
    for f in figures:
        for file, code, rows in f.sipd_skpd:
            found[file, code] = max(rows, found.get((file, code), 0))
    return [(file, code, rows) for (file, code), rows in sorted(found.items()) if normalize_skpd(code) not in claimed]


def budget_by_urusan(figures: Iterable[OpdFigures]) -> list[tuple[str, float, float, float | None]]:
    """(urusan, pagu, realisasi, %) over every OPD, by urusan code."""
    acc: dict[str, list[float]] = {}
    for f in figures:
        for urusan, (pagu, spent) in f.urusan.items():
            a = acc.setdefault(urusan, [0.0, 0.0])
            a[0] += pagu
            a[1] += spent
    return [(u, p, s, ratio_percent(s, p)) for u, (p, s) in sorted(acc.items(), key=lambda kv: sort_key(kv[0]))]


@dataclass(frozen=True)
class RkpdRow:
    """A row of ``Evaluasi RKPD``: a RPJMD sasaran (its total) or one OPD program under it."""

    sasaran: str  # Pemda Kode IKU ("" for programs under no RPJMD sasaran)
    pernyataan: str
    opd: str
    instansi: str
    kode: str
    uraian: str
    pagu: float | None
    triwulan: tuple[float | None, float | None, float | None, float | None]
    realisasi: float | None
    is_total: bool = False

    @property
    def capaian(self) -> float | None:
        return ratio_percent(self.realisasi, self.pagu)


def _sum(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(sum(known)) if known else None


def evaluasi_rkpd(iku: Iterable[PemdaIku], links: Iterable[CascadingLink],
                  opds: Mapping[str, OpdStatus]) -> list[RkpdRow]:
    """The OPD's Tabel E.81 program rows consolidated per RPJMD sasaran (through ``Cascading Pemda``):
    a total row per sasaran (sums of its programs), then its programs OPD by OPD."""
    links = list(links)
    rows: list[RkpdRow] = []
    used: set[tuple[str, str]] = set()  # (opd, program) placed under some sasaran
    for item in iku:
        served = {(lk.opd, lk.kode_iku_opd) for lk in links if lk.kode_iku_pemda == item.kode_iku}
        members: list[RkpdRow] = []
        seen: set[tuple[str, str]] = set()
        for opd, status in opds.items():
            if status.figures is None:
                continue
            for p in status.figures.programs:
                if (opd, p.kode_iku) in served and (opd, p.kode) not in seen:
                    seen.add((opd, p.kode))
                    members.append(RkpdRow(item.kode_iku, item.pernyataan, opd, status.figures.instansi, p.kode,
                                           p.uraian, p.pagu, p.triwulan, p.realisasi))
        if not members:
            continue
        used |= seen
        rows.append(_total(item.kode_iku, item.pernyataan, members))
        rows += sorted(members, key=lambda r: (r.instansi, sort_key(r.kode)))
    rest: list[RkpdRow] = []
    seen_rest: set[tuple[str, str]] = set()
    for opd, status in opds.items():
        if status.figures is None:
            continue
        for p in status.figures.programs:
            if (opd, p.kode) not in used and (opd, p.kode) not in seen_rest:
                seen_rest.add((opd, p.kode))
                rest.append(RkpdRow("", NO_RPJMD_SASARAN, opd, status.figures.instansi, p.kode, p.uraian, p.pagu,
                                    p.triwulan, p.realisasi))
    if rest:
        rows.append(_total("", NO_RPJMD_SASARAN, rest))
        rows += sorted(rest, key=lambda r: (r.instansi, sort_key(r.kode)))
    return rows


def _total(kode: str, pernyataan: str, members: list[RkpdRow]) -> RkpdRow:
    quarters = tuple(_sum(m.triwulan[i] for m in members) for i in range(4))
    return RkpdRow(kode, pernyataan, "", "", kode, pernyataan, _sum(m.pagu for m in members), quarters,
                   _sum(m.realisasi for m in members), is_total=True)


def budget_figures(sub, program_to_sasaran: Mapping[str, str | Iterable[str]]):
    """(pagu, realisasi anggaran, urusan -> (pagu, realisasi), efficiency saving, efficiency basis) of an
    OPD's sub kegiatan rows: money summed once per sub kegiatan; the efficiency over the sub kegiatan of
    the programs that serve a sasaran (each counted once), CK capped at 100 % (as ``budget.efficiency``)."""
    from pipeline.domain.budget import _normalize, _sub_rows, output_capaian

    served = {_normalize(k) for k in program_to_sasaran}
    pagu = spent = hemat = basis = 0.0
    urusan: dict[str, list[float]] = {}
    for row in _sub_rows(sub) if sub.height else []:
        p, r = row.get("pagu") or 0.0, row.get("realisasi_anggaran") or 0.0
        pagu += p
        spent += r
        key = ".".join(str(row["kode"]).split(".")[:2])
        u = urusan.setdefault(key, [0.0, 0.0])
        u[0] += p
        u[1] += r
        if _normalize(row["program"]) in served:
            weighted = p * output_capaian(row.get("target"), row.get("realisasi")) / 100.0
            hemat += weighted - r
            basis += weighted
    return pagu, spent, {k: (v[0], v[1]) for k, v in urusan.items()}, hemat, basis
