"""Indonesian renderings of numbers as text, for messages (the workbook itself uses number formats).

Below both intake (its messages) and report (its texts): neither imports the other for this.
"""

from __future__ import annotations


def number_id(value: float | None, decimals: int = 0) -> str:
    """12345.5 -> '12.345,50' with ``decimals=2``: dots for thousands, comma for decimals."""
    if value is None:
        return "N/A"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def rupiah(value: float | None) -> str:
    """250000000 -> 'Rp 250.000.000'."""
    if value is None:
        return "N/A"
    return f"Rp {number_id(round(value))}"


def percent_id(value: float | None, decimals: int = 2) -> str:
    """19.6123 (percent points) -> '19,61 %'."""
    if value is None:
        return "N/A"
    return f"{number_id(value, decimals)} %"


def excel_round(value: float, decimals: int = 2):
    """``value`` rounded as Excel shows it (15 significant digits, then half away from zero), so a
    text prints what the workbook's ``0.00%`` cell shows: 245,125 becomes 245,13 (a Decimal)."""
    from decimal import ROUND_HALF_UP, Decimal

    return Decimal(f"{value:.15g}").quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def percent_excel(value: float) -> str:
    """Percent points as the document writes them, rounded as Excel shows them: ``19,61%``."""
    return f"{number_id(excel_round(float(value)), 2)}%"
