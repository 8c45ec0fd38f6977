import math

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.domain.numbers import (
    SMALL_COLUMN,
    NumberError,
    parse_number,
    parse_number_series,
    parse_number_vectorised,
    parse_percent,
)

FAST = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(
    "raw, expected",
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("-", None),
        ("\u2013", None),
        (" - ", None),
        (5, 5.0),
        (2.5, 2.5),
        (float("nan"), None),
        ("238410700", 238410700.0),
        ("0.1961", 0.1961),
        ("19.61", 19.61),
        ("1e+20", 1e20),
        ("100000000000000000000", 1e20),
        ("1e-05", 1e-05),
        ("1.5E+20", 1.5e20),
        ("1234.5678", 1234.5678),
        ("1.234.567,89", 1234567.89),
        ("1234567,89", 1234567.89),
        ("26.251.229.311", 26251229311.0),
        ("26.251.229.311,00", 26251229311.0),
        ("19,61", 19.61),
        ("Rp. 1.234.567,00", 1234567.0),
        ("rp1.234.567", 1234567.0),
        ("RP 1.234.567,-", 1234567.0),
        ("Rp 1.234.567.-", 1234567.0),
        ("Rp\u00a01.234.567", 1234567.0),
        ("1\u202f234\u202f567", 1234567.0),
        ("-1.000", -1000.0),
        ("(1.000)", -1000.0),
        ("(Rp 1.000,50)", -1000.5),
        ("-Rp 1.000", -1000.0),
        ("Rp -1.000", -1000.0),
        ("1.234", 1234.0),
    ],
)
def test_parse_number(raw, expected):
    assert parse_number(raw) == expected


def test_ambiguous_form_depends_on_cell_type():
    assert parse_number("1.234", text_cell=True) == 1234.0
    assert parse_number("1.234", text_cell=None) == 1234.0
    assert parse_number("1.234", text_cell=False) == 1.234
    assert parse_number("-12.345", text_cell=False) == -12.345
    # Rp or ",-" only occur in typed text: always thousands
    assert parse_number("Rp 1.234", text_cell=False) == 1234.0
    assert parse_number("1.234,-", text_cell=False) == 1234.0


@pytest.mark.parametrize(
    "raw, fragment",
    [
        ("1,234.56", "ambigu"),
        ("1.234,567.8", "ambigu"),
        ("1,234,567", "koma"),
        ("1.23.456", "pengelompokan"),
        ("12.34.567", "pengelompokan"),
        ("abc", "huruf"),
        ("12 kg", "huruf"),
        ("19,61%", "%"),
        ("true", "benar/salah"),
        (True, "benar/salah"),
        ("--5", "negatif"),
        ("(-5)", "negatif"),
        ("()", "kurung"),
        ("1" * 400, "besar"),
        (float("inf"), "hingga"),
        (object(), "bukan angka"),
    ],
)
def test_parse_number_errors(raw, fragment):
    with pytest.raises(NumberError) as e:
        parse_number(raw)
    assert fragment in e.value.reason
    assert isinstance(e.value, ValueError)


def test_parse_percent():
    assert parse_percent("19,61%") == 19.61
    assert parse_percent("19,61 %") == 19.61
    assert parse_percent("19,61") == 19.61
    assert parse_percent(19.61) == 19.61
    assert parse_percent("19.61", text_cell=False) == 19.61
    assert parse_percent(0.1961, percent_format=True) == 19.61
    assert parse_percent("0.1961", text_cell=False, percent_format=True) == 19.61
    assert parse_percent("0.07", percent_format=True) == 7.0
    assert parse_percent("19,61%", percent_format=True) == 19.61
    assert parse_percent("-") is None
    assert parse_percent(None, percent_format=True) is None
    with pytest.raises(NumberError):
        parse_percent("%")
    with pytest.raises(NumberError):
        parse_percent("banyak%")


# --- properties --------------------------------------------------------------


def indonesian(amount: int, cents: int | None) -> str:
    """Format an amount in Indonesian style: 1.234.567 with optional ,cc."""
    text = f"{abs(amount):,}".replace(",", ".")
    if cents is not None:
        text += f",{cents:02d}"
    return text


@st.composite
def indonesian_amounts(draw):
    amount = draw(st.integers(min_value=-(10**13), max_value=10**13))
    cents = draw(st.one_of(st.none(), st.integers(0, 99)))
    body = indonesian(amount, cents)
    rp = draw(st.sampled_from(["", "Rp", "Rp.", "Rp. ", "rp ", "RP\u00a0"]))
    suffix = draw(st.sampled_from(["", ",-", ".-"])) if cents is None else ""
    if amount < 0:
        style = draw(st.sampled_from(["minus", "paren"]))
        text = f"-{rp}{body}{suffix}" if style == "minus" else f"({rp}{body}{suffix})"
    else:
        text = f"{rp}{body}{suffix}"
    spaces = draw(st.sampled_from(["", " ", "  ", "\u00a0"]))
    expected = float(f"{abs(amount)}.{cents:02d}" if cents is not None else abs(amount))
    return spaces + text + spaces, -expected if amount < 0 else expected


@FAST
@given(indonesian_amounts())
def test_indonesian_round_trip(case):
    text, expected = case
    for text_cell in (None, True):
        assert parse_number(text, text_cell=text_cell) == expected


@FAST
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_calamine_rendering_round_trip(x):
    text = repr(x)
    assert parse_number(text, text_cell=False) == x
    value = parse_number(text)
    if pl.Series([text]).str.contains(r"^-?\d{1,3}\.\d{3}$")[0]:
        assert value == float(text.replace(".", ""))
    else:
        assert value == x


@FAST
@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_calamine_integers(n):
    assert parse_number(str(n), text_cell=False) == float(n)
    assert parse_number(str(n)) == float(n)


@st.composite
def english_amounts(draw):
    """1,234,567 or 1,234.56: thousands commas, never accepted."""
    amount = draw(st.integers(min_value=1000, max_value=10**12))
    text = f"{amount:,}"
    if draw(st.booleans()):
        text += f".{draw(st.integers(0, 99)):02d}"
    elif text.count(",") < 2:
        text += f".{draw(st.integers(0, 9))}"  # a single group alone is an Indonesian decimal
    return draw(st.sampled_from(["", "-", "Rp "])) + text


@FAST
@given(english_amounts())
def test_ambiguous_always_raise(text):
    with pytest.raises(NumberError):
        parse_number(text)
    with pytest.raises(NumberError):
        parse_number(text, text_cell=False)


# --- the vectorised twin gives exactly the same answers -----------------------


def scalar(values, flags):
    out, errs = [], []
    for v, f in zip(values, flags):
        try:
            out.append(parse_number(v, text_cell=f))
            errs.append(None)
        except NumberError as e:
            out.append(None)
            errs.append(e.reason)
    return out, errs


def same(a, b):
    return all((x is None and y is None) or (x is not None and y is not None and (x == y or (math.isnan(x) and math.isnan(y)))) for x, y in zip(a, b))


def check_series(values, flags=None):
    """Both paths of a column, the one taken for short columns and the vectorised one for long, give
    what :func:`parse_number` gives for each value."""
    series = pl.Series("v", values, dtype=pl.String)
    tc = None if flags is None else pl.Series("tc", flags, dtype=pl.Boolean)
    expected, errs = scalar(values, flags or [None] * len(values))
    for parse in (parse_number_series, parse_number_vectorised):
        got, reasons = parse(series, tc)
        assert got.dtype == pl.Float64 and reasons.dtype == pl.String
        assert len(got) == len(values) and got.name == "v"
        assert same(got.to_list(), expected), (parse.__name__, list(zip(values, got.to_list(), expected)))
        assert reasons.to_list() == errs


NUMBERISH = st.text(alphabet="0123456789.,-()RrpP%eE+ \u00a0\u202f\u2013x\t", max_size=16)


@FAST
@given(st.lists(st.one_of(st.none(), NUMBERISH, st.text(max_size=8)), max_size=30), st.data())
def test_series_matches_scalar_on_any_text(values, data):
    flags = data.draw(st.lists(st.sampled_from([None, True, False]), min_size=len(values), max_size=len(values)))
    check_series(values)
    check_series(values, flags)


@FAST
@given(
    st.lists(
        st.one_of(
            indonesian_amounts().map(lambda c: c[0]),
            st.floats(allow_nan=False, allow_infinity=False).map(repr),
            st.integers(-(10**12), 10**12).map(str),
            english_amounts(),
        ),
        max_size=30,
    ),
    st.data(),
)
def test_series_matches_scalar_on_formatted_numbers(values, data):
    flags = data.draw(st.lists(st.sampled_from([None, True, False]), min_size=len(values), max_size=len(values)))
    check_series(values)
    check_series(values, flags)


@pytest.mark.parametrize("repeat", [1, SMALL_COLUMN])  # a short column (value by value) and a long one
def test_series_examples_and_dtypes(repeat):
    values = ["238410700", "Rp. 1.234.567,00", "1.234", "abc", None, "-", "(1.000)", "1,234.56"] * repeat
    flags = [False, True, False, True, None, True, True, True] * repeat
    got, reasons = parse_number_series(pl.Series("pagu", values), pl.Series(flags))
    assert got.name == "pagu"
    assert got.to_list() == [238410700.0, 1234567.0, 1.234, None, None, None, -1000.0, None] * repeat
    assert [r is None for r in reasons.to_list()] == [True, True, True, False, True, True, True, False] * repeat

    got, reasons = parse_number_series(pl.Series([1, None, 3]))
    assert got.to_list() == [1.0, None, 3.0] and reasons.null_count() == 3
    got, reasons = parse_number_series(pl.Series([1.5, float("nan"), float("inf")]))
    assert got.to_list() == [1.5, None, None] and reasons.to_list()[:2] == [None, None] and reasons[2]
    got, reasons = parse_number_series(pl.Series([True, None]))
    assert got.to_list() == [None, None] and reasons[0] and reasons[1] is None
    got, reasons = parse_number_series(pl.Series([], dtype=pl.String))
    assert len(got) == 0 and len(reasons) == 0


def test_series_is_fast_enough():
    import time

    n = 200_000
    values = pl.Series(["238410700", "Rp. 1.234.567,00", "19.61", "26.251.229.311,00"] * (n // 4))
    start = time.perf_counter()
    got, reasons = parse_number_series(values)
    elapsed = time.perf_counter() - start
    assert reasons.null_count() == n
    assert got[1] == 1234567.0
    assert elapsed < 5  # generous: about 0.1 s on a laptop; guards against a per-row Python path
