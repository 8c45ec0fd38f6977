"""Budget realisation and efficiency, computed from the sub kegiatan rows.

Program and kegiatan figures are always sums of their sub kegiatan; what a
file states for them is only checked (``subtotal_differences``).  Money is
float rupiah, percentages are percent points.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from pipeline.domain.codes import CodeError, parse_code, sort_key

__all__ = [
    "TREE_SCHEMA",
    "EFFICIENCY_SCHEMA",
    "TOLERANCE_RUPIAH",
    "budget_tree",
    "budget_total",
    "subtotal_differences",
    "output_capaian",
    "efficiency",
]

TOLERANCE_RUPIAH = 0.5
MONEY_COLUMNS = ("pagu", "realisasi_anggaran")

TREE_SCHEMA = {
    "level": pl.String,
    "kode": pl.String,
    "uraian": pl.String,
    "pagu": pl.Float64,
    "realisasi_anggaran": pl.Float64,
    "capaian": pl.Float64,
}

EFFICIENCY_SCHEMA = {
    "sasaran": pl.String,
    "anggaran": pl.Float64,
    "realisasi_anggaran": pl.Float64,
    "capaian_anggaran": pl.Float64,
    "efisiensi": pl.Float64,
}


def _pct(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    return part / whole * 100.0


def _normalize(code: object) -> str:
    try:
        return parse_code(code).text
    except CodeError:
        return str(code).strip() if code is not None else ""


def _sub_rows(sub: pl.DataFrame) -> list[dict]:
    rows = []
    for row in sub.iter_rows(named=True):
        kode = row["kode"]
        program, kegiatan = row.get("program"), row.get("kegiatan")
        if program is None or kegiatan is None:
            code = parse_code(kode)
            program = program or code.program
            kegiatan = kegiatan or code.kegiatan
        rows.append({**row, "program": program, "kegiatan": kegiatan})
    return rows


def budget_tree(sub: pl.DataFrame, names: Mapping[str, str]) -> pl.DataFrame:
    """Program, kegiatan and sub kegiatan rows in natural code order.

    Columns level, kode, uraian, pagu, realisasi_anggaran, capaian (None when
    pagu is 0).  Parents are the sums of their sub kegiatan.
    """
    totals: dict[tuple[str, str], list[float]] = {}
    out: list[dict] = []
    for row in _sub_rows(sub):
        pagu, real = row.get("pagu"), row.get("realisasi_anggaran")
        for level, code in (("program", row["program"]), ("kegiatan", row["kegiatan"])):
            acc = totals.setdefault((level, code), [0.0, 0.0])
            acc[0] += pagu or 0.0
            acc[1] += real or 0.0
        out.append(
            {
                "level": "sub_kegiatan",
                "kode": row["kode"],
                "uraian": row.get("uraian"),
                "pagu": pagu,
                "realisasi_anggaran": real,
                "capaian": _pct(real, pagu),
            }
        )
    for (level, code), (pagu, real) in totals.items():
        out.append(
            {
                "level": level,
                "kode": code,
                "uraian": names.get(code),
                "pagu": pagu,
                "realisasi_anggaran": real,
                "capaian": _pct(real, pagu),
            }
        )
    out.sort(key=lambda r: sort_key(r["kode"]))
    return pl.DataFrame(out, schema=TREE_SCHEMA) if out else pl.DataFrame(schema=TREE_SCHEMA)


def budget_total(sub: pl.DataFrame) -> tuple[float, float, float | None]:
    """(pagu, realisasi_anggaran, capaian) over all sub kegiatan."""
    pagu = float(sub.get_column("pagu").cast(pl.Float64).sum() or 0.0) if sub.height else 0.0
    real = float(sub.get_column("realisasi_anggaran").cast(pl.Float64).sum() or 0.0) if sub.height else 0.0
    return pagu, real, _pct(real, pagu)


def subtotal_differences(stated: pl.DataFrame, tree: pl.DataFrame) -> list[dict]:
    """Program/kegiatan subtotals a file states that differ from the sum of their sub kegiatan.

    Each mismatch (more than 0.5 rupiah) is a dict with level, kode, column,
    stated, computed and every other column of ``stated`` (file, sheet, row ...).
    A stated parent without any sub kegiatan is compared with 0.
    """
    computed = {
        (r["level"], r["kode"]): r for r in tree.iter_rows(named=True) if r["level"] in ("program", "kegiatan")
    }
    columns = [c for c in MONEY_COLUMNS if c in stated.columns]
    differences: list[dict] = []
    for row in stated.iter_rows(named=True):
        kode = _normalize(row.get("kode"))
        level = row.get("level")
        if not level:
            try:
                level = parse_code(kode).level
            except CodeError:
                continue
        if level not in ("program", "kegiatan"):
            continue
        found = computed.get((level, kode), {})
        carried = {k: v for k, v in row.items() if k not in ("level", "kode", *MONEY_COLUMNS)}
        for column in columns:
            value = row[column]
            if value is None:
                continue
            expected = found.get(column) or 0.0
            if abs(float(value) - expected) > TOLERANCE_RUPIAH:
                item = {"level": level, "kode": kode, "column": column, "stated": float(value), "computed": expected}
                for k, v in carried.items():
                    item.setdefault(k, v)
                differences.append(item)
    return differences


def output_capaian(target: float | None, realisasi: float | None) -> float:
    """Output capaian (CK) in percent points, capped at 100; no target counts as 100."""
    if target is None or target == 0:
        return 100.0
    if realisasi is None:
        return 0.0
    return max(0.0, min(100.0, realisasi / target * 100.0))


def efficiency(sub: pl.DataFrame, program_to_sasaran: Mapping[str, str | Iterable[str]]) -> pl.DataFrame:
    """Budget and efficiency per sasaran over the sub kegiatan of its programs.

    efisiensi = sum(pagu x CK - realisasi_anggaran) / sum(pagu x CK) x 100, CK a
    fraction capped at 1.  A program may serve several sasaran (a list): it
    then counts in full for each of them.  Programs absent from the mapping are
    ignored; a sasaran without sub kegiatan gets 0 money and no percentages.
    """
    mapping = {_normalize(k): [v] if isinstance(v, str) else list(v) for k, v in program_to_sasaran.items()}
    acc: dict[str, list[float]] = {}
    for served in mapping.values():
        for sasaran in served:
            acc.setdefault(sasaran, [0.0, 0.0, 0.0])  # pagu, realisasi_anggaran, pagu x CK
    for row in _sub_rows(sub):
        pagu = row.get("pagu") or 0.0
        real = row.get("realisasi_anggaran") or 0.0
        ck = output_capaian(row.get("target"), row.get("realisasi")) / 100.0
        for sasaran in mapping.get(_normalize(row["program"]), ()):
            a = acc[sasaran]
            a[0] += pagu
            a[1] += real
            a[2] += pagu * ck
    rows = [
        {
            "sasaran": sasaran,
            "anggaran": pagu,
            "realisasi_anggaran": real,
            "capaian_anggaran": _pct(real, pagu),
            "efisiensi": _pct(weighted - real, weighted),
        }
        for sasaran, (pagu, real, weighted) in acc.items()
    ]
    return pl.DataFrame(rows, schema=EFFICIENCY_SCHEMA) if rows else pl.DataFrame(schema=EFFICIENCY_SCHEMA)
