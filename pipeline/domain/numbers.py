"""Numbers as staff type them: Indonesian style text or numeric cells rendered as text.

``parse_number`` is the reference implementation; ``parse_number_series`` is the
fast vectorised twin for large frames and gives exactly the same results.
"""

from __future__ import annotations

import math
import numbers
import re
from decimal import Decimal

import polars as pl

__all__ = [
    "NumberError",
    "parse_number",
    "parse_percent",
    "parse_number_series",
    "PERCENT_UNITS",
    "is_percent_unit",
]

# units (Satuan) whose values are percentages: their cells follow the percent rule
PERCENT_UNITS = frozenset({"%", "persen", "persentase", "prosentase"})


def is_percent_unit(satuan: object) -> bool:
    """``%``, ``Persen``, ``Persentase`` (any case, spaces ignored)."""
    return " ".join(str(satuan or "").split()).lower() in PERCENT_UNITS

REASON_AMBIGUOUS = "format angka ambigu: gunakan 1.234,56 (titik ribuan, koma desimal)"


class NumberError(ValueError):
    """A cell that is not a number we recognise; ``reason`` is Indonesian."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# values that mean "nothing" (after removing whitespace)
_NULLS = frozenset({"", "-", "\u2013", "\u2014"})
_WS = re.compile(r"\s+")
_PREFIX = re.compile(r"(-?)(rp\.?)?(-?)(.*)", re.IGNORECASE | re.DOTALL)
_DIGITS = re.compile(r"\d+", re.ASCII)
_AMBIGUOUS = re.compile(r"\d{1,3}\.\d{3}", re.ASCII)
_GROUPED = re.compile(r"(\d{1,3}(?:\.\d{3})+)(?:,(\d+))?", re.ASCII)
_COMMA_DECIMAL = re.compile(r"(\d+),(\d+)", re.ASCII)
_DOT_DECIMAL = re.compile(r"\d+\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+", re.ASCII)
_COMMA_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", re.ASCII)
_LETTER = re.compile(r"[^\W\d_]")


def _number_from_value(raw: object) -> float | None:
    if isinstance(raw, bool):
        raise NumberError("nilai benar/salah (TRUE/FALSE) bukan angka")
    value = float(raw)  # type: ignore[arg-type]
    if math.isnan(value):
        return None
    if math.isinf(value):
        raise NumberError("angka tak hingga tidak diterima")
    return value


def parse_number(raw: object, *, text_cell: bool | None = None) -> float | None:
    """Parse one cell to float rupiah/number; None for an empty cell or ``-``.

    ``text_cell``: True if the cell was typed as text, False if it was a numeric
    cell rendered as text, None if unknown.  Only ``1.234`` depends on it.
    Python numbers pass through (NaN gives None); raises :class:`NumberError`.
    """
    if raw is None:
        return None
    if isinstance(raw, (bool, numbers.Real, Decimal)):
        return _number_from_value(raw)
    if not isinstance(raw, str):
        raise NumberError(f"jenis nilai {type(raw).__name__} bukan angka")

    s = _WS.sub("", raw).replace("\u2212", "-")
    if s in _NULLS:
        return None
    if s.endswith("%"):
        raise NumberError("tanda % hanya boleh pada kolom persentase")
    if s.lower() in ("true", "false"):
        raise NumberError("nilai benar/salah (TRUE/FALSE) bukan angka")

    negative = False
    paren = False
    if s.startswith("(") and s.endswith(")"):
        paren = negative = True
        s = s[1:-1]
        if not s:
            raise NumberError("tanda kurung tanpa angka")
    m = _PREFIX.fullmatch(s)
    assert m is not None  # the pattern matches every string
    signs = m.group(1) + m.group(3)
    if len(signs) > 1 or (signs and paren):
        raise NumberError("tanda negatif ganda")
    negative = negative or bool(signs)
    rupiah = bool(m.group(2))
    body = m.group(4)
    suffix = body.endswith((",-", ".-"))
    if suffix:
        body = body[:-2]
    if body == "":
        if paren:
            raise NumberError("tanda kurung tanpa angka")
        return None
    # Rp, ",-" or parentheses only occur in typed text: Indonesian style
    indonesian = rupiah or suffix or paren

    if _DIGITS.fullmatch(body):
        value = float(body)
    elif _AMBIGUOUS.fullmatch(body):
        if text_cell is False and not indonesian:
            value = float(body)  # numeric cell rendered with a decimal point
        else:
            value = float(body.replace(".", ""))
    elif g := _GROUPED.fullmatch(body):
        whole = g.group(1).replace(".", "")
        value = float(f"{whole}.{g.group(2)}" if g.group(2) else whole)
    elif c := _COMMA_DECIMAL.fullmatch(body):
        value = float(f"{c.group(1)}.{c.group(2)}")
    elif _DOT_DECIMAL.fullmatch(body):
        value = float(body)
    else:
        raise NumberError(_reason(body))

    if math.isinf(value):
        raise NumberError("angka terlalu besar")
    return -value if negative else value


def _reason(body: str) -> str:
    if _LETTER.search(body):
        return "mengandung huruf"
    if "," in body and "." in body:
        return REASON_AMBIGUOUS
    if _COMMA_THOUSANDS.fullmatch(body):
        return "koma sebagai pemisah ribuan tidak dikenali: gunakan titik, misalnya 1.234.567"
    if "." in body and re.fullmatch(r"[\d.]+", body):
        return "pengelompokan ribuan salah: setiap kelompok setelah titik harus 3 digit, misalnya 1.234.567"
    if "," in body and re.fullmatch(r"[\d,]+", body):
        return "lebih dari satu koma desimal"
    return "bukan angka"


def _round_significant(value: float, digits: int = 10) -> float:
    if value == 0 or not math.isfinite(value):
        return value
    return float(f"{value:.{digits}g}")


def parse_percent(raw: object, *, text_cell: bool | None = None, percent_format: bool = False) -> float | None:
    """Parse a percent cell to percent points (19.61 means 19,61 %).

    ``19,61%`` and ``19,61`` give 19.61; a numeric 0.1961 with an Excel percent
    format (``percent_format=True``) gives 19.61.
    """
    if isinstance(raw, str):
        s = _WS.sub("", raw)
        if s.endswith("%"):
            body = s[:-1]
            if body in _NULLS:
                raise NumberError("tanda % tanpa angka")
            return parse_number(body, text_cell=text_cell)
    value = parse_number(raw, text_cell=text_cell)
    if value is not None and percent_format and text_cell is not True:
        value = _round_significant(value * 100.0)
    return value


# --- vectorised ------------------------------------------------------------

_FAST_WS = r"[ \t\n\r\u00a0\u202f]"
_FAST_PLAIN = r"^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$"
_FAST_AMBIGUOUS = r"^-?\d{1,3}\.\d{3}$"
_FAST_INDONESIAN = r"^-?(?:[Rr][Pp]\.?)?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?(?:[,.]-)?$"


# Below this many values a column is parsed value by value (:func:`parse_number`, the reference): the
# vectorised path costs ~3.5 ms a call whatever the length (its regular expressions), the reference
# ~4 us a value.  A realisation sheet's columns have tens of rows, an ODK export's thousands.
SMALL_COLUMN = 500


def parse_number_series(values: pl.Series, text_cell: pl.Series | None = None) -> tuple[pl.Series, pl.Series]:
    """:func:`parse_number` over a column: (Float64 values, String reasons, null where OK)."""
    if values.dtype == pl.String and len(values) < SMALL_COLUMN:
        return _parse_each(values, text_cell)
    return parse_number_vectorised(values, text_cell)


def parse_number_vectorised(values: pl.Series, text_cell: pl.Series | None = None) -> tuple[pl.Series, pl.Series]:
    """Vectorised :func:`parse_number` (what :func:`parse_number_series` runs on long columns)."""
    name = values.name
    n = len(values)
    dtype = values.dtype
    if dtype == pl.Boolean:
        reason = "nilai benar/salah (TRUE/FALSE) bukan angka"
        reasons = pl.Series(name, [None if v is None else reason for v in values.to_list()], pl.String)
        return pl.Series(name, [None] * n, pl.Float64), reasons
    if dtype.is_numeric():
        floats = values.cast(pl.Float64).fill_nan(None).alias(name)
        reasons = pl.Series(name, [None] * n, pl.String)
        bad = floats.is_infinite().fill_null(False)
        if bad.any():
            idx = bad.arg_true()
            floats = floats.scatter(idx, None)
            reasons = reasons.scatter(idx, "angka tak hingga tidak diterima")
        return floats, reasons
    if dtype != pl.String:
        return _parse_each(values, text_cell)

    t = values.str.replace_all(_FAST_WS, "")
    nullish = t.is_in(list(_NULLS)).fill_null(True)
    plain = (t.str.contains(_FAST_PLAIN) & ~t.str.contains(_FAST_AMBIGUOUS)).fill_null(False)
    # the plain form is by far the most common (numeric cells): cast in one go
    out = pl.select(pl.when(plain).then(t.cast(pl.Float64, strict=False))).to_series().alias(name)
    reasons = pl.Series(name, [None] * n, pl.String)
    rest = ~nullish & ~plain
    if rest.any():
        idx = rest.arg_true()
        sub = t.gather(idx)
        amb = sub.str.contains(_FAST_AMBIGUOUS)
        indo = sub.str.contains(_FAST_INDONESIAN)
        cleaned = (
            sub.str.strip_suffix(",-")
            .str.strip_suffix(".-")
            .str.replace_many(["Rp", "RP", "rp", "rP", ".", ","], ["", "", "", "", "", "."])
            .cast(pl.Float64, strict=False)
        )
        vals = pl.select(pl.when(amb | indo).then(cleaned)).to_series()
        if text_cell is not None and amb.any():
            # a numeric cell rendered as 1.234 means one point two three four
            decimal = amb & (text_cell.cast(pl.Boolean).gather(idx) == False).fill_null(False)  # noqa: E712
            vals = pl.select(pl.when(decimal).then(sub.cast(pl.Float64, strict=False)).otherwise(vals)).to_series()
        out = out.scatter(idx, vals)
    # everything not settled above goes through the reference implementation
    fallback = ~nullish & (out.is_null() | out.is_infinite()).fill_null(True)
    if fallback.any():
        idx = fallback.arg_true()
        raw = values.gather(idx).to_list()
        flags = text_cell.gather(idx).to_list() if text_cell is not None else [None] * len(raw)
        vals_, errs = _scalar_many(raw, flags)
        out = out.scatter(idx, pl.Series(vals_, dtype=pl.Float64))
        reasons = reasons.scatter(idx, pl.Series(errs, dtype=pl.String))
    return out.alias(name), reasons.alias(name)


def _scalar_many(raw: list, flags: list) -> tuple[list[float | None], list[str | None]]:
    vals: list[float | None] = []
    errs: list[str | None] = []
    for r, f in zip(raw, flags):
        try:
            vals.append(parse_number(r, text_cell=f))
            errs.append(None)
        except NumberError as e:
            vals.append(None)
            errs.append(e.reason)
    return vals, errs


def _parse_each(values: pl.Series, text_cell: pl.Series | None) -> tuple[pl.Series, pl.Series]:
    raw = values.to_list()
    flags = text_cell.to_list() if text_cell is not None else [None] * len(raw)
    vals, errs = _scalar_many(raw, flags)
    return pl.Series(values.name, vals, pl.Float64), pl.Series(values.name, errs, pl.String)
