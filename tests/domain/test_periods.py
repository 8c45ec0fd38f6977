import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.domain.periods import (
    MONTH_NAMES_ID,
    DateError,
    Period,
    PeriodError,
    month_number,
    parse_date,
    period_from_path,
    period_from_text,
    period_from_title_block,
)

DES = Period(2024, 12)


def test_period_basics():
    assert str(DES) == "2024-12"
    assert str(Period(2025, 1)) == "2025-01"
    assert Period.parse("2024-12") == DES
    assert Period.parse("2024-1") == Period(2024, 1)
    assert DES.previous() == Period(2024, 11)
    assert Period(2025, 1).previous() == DES
    assert DES.next() == Period(2025, 1)
    assert DES.label_id() == "Desember 2024"
    assert Period(2024, 2).end_date == dt.date(2024, 2, 29)
    assert DES.end_date == dt.date(2024, 12, 31)
    assert DES.start_date == dt.date(2024, 12, 1)
    assert Period(2024, 11) < DES < Period(2025, 1)
    with pytest.raises(PeriodError):
        Period(2024, 13)
    with pytest.raises(PeriodError):
        Period.parse("Desember 2024")
    with pytest.raises(ValueError):
        Period.parse("2024-00")


@settings(deadline=None, max_examples=50)
@given(st.integers(1950, 2099), st.integers(1, 12))
def test_period_round_trips(year, month):
    p = Period(year, month)
    assert Period.parse(str(p)) == p
    assert p.previous().next() == p
    assert period_from_text(p.label_id()) == p
    assert period_from_text(p.label_id().upper()) == p
    assert period_from_text(p.end_date.isoformat() + " 00:00:00") == p


@pytest.mark.parametrize(
    "text, month",
    [("Januari", 1), ("jan", 1), ("FEB", 2), ("Pebruari", 2), ("Mar", 3), ("apr", 4), ("Mei", 5), ("May", 5),
     ("Jun", 6), ("Jul", 7), ("Agu", 8), ("Agt", 8), ("Agus", 8), ("August", 8), ("Sep", 9), ("Sept", 9),
     ("Okt", 10), ("October", 10), ("Nov", 11), ("Nop", 11), ("Des", 12), ("Des.", 12), ("DECEMBER", 12), ("12", 12),
     ("13", None), ("Bulan", None)],
)
def test_month_number(text, month):
    assert month_number(text) == month


@pytest.mark.parametrize(
    "text",
    [
        "Desember 2024",
        "desember 2024",
        "BULAN DESEMBER TAHUN 2024",
        "LAPORAN REALISASI FISIK DAN KEUANGAN BULAN DESEMBER TAHUN 2024",
        "2024-12",
        "2024/12",
        "12/2024",
        "12-2024",
        "31 Desember 2024",
        "31 Des 2024",
        "Des. 2024",
        "Dec-2024",
        "2024-12-31",
        "2024-12-31 00:00:00",
        "2024-12-31T10:20:00",
        "31/12/2024",
        "31-12-2024",
        "Periode 1 Januari 2024 s/d 31 Desember 2024",
        "Januari s/d Desember 2024",
    ],
)
def test_period_from_text(text):
    assert period_from_text(text) == DES


@pytest.mark.parametrize(
    "text",
    [None, "", "LAPORAN REALISASI", "TAHUN ANGGARAN 2024", "RENSTRA 2024-2026", "2.17.02.1.01", "Desember", "13/2024",
     "31/02/2024", "Kode 2024-99", "Jumlah 1234"],
)
def test_period_from_text_none(text):
    assert period_from_text(text) is None


def test_period_from_text_date_object():
    assert period_from_text(dt.date(2024, 12, 31)) == DES
    assert period_from_text(dt.datetime(2024, 12, 31, 10, 0)) == DES


@pytest.mark.parametrize(
    "rows",
    [
        [["Bulan: Desember 2024"]],
        [["Periode : 2024-12"]],
        [["Bulan", "Desember 2024"]],
        [["Bulan", None, "", ":", "Desember 2024"]],
        [["Periode", "2024-12-31 00:00:00"]],
        [["Periode", dt.datetime(2024, 12, 31)]],
        [["LAPORAN REALISASI BULAN DESEMBER TAHUN 2024"], [None], ["Dinas Koperasi, UKM Provinsi Bali"]],
        [["DINAS KOPERASI"], [None, "Bulan :", "Desember"], [None, "Tahun :", "2024"]],
        [["Tahun Anggaran", "2024"], ["Bulan", "12"]],
        [["LAPORAN REALISASI TAHUN 2024"], ["Bulan: Desember 2024"], ["BULAN DESEMBER 2024"]],
    ],
)
def test_title_block(rows):
    assert period_from_title_block(rows) == DES


def test_title_block_without_period():
    assert period_from_title_block([]) is None
    assert period_from_title_block([["LAPORAN REALISASI TAHUN ANGGARAN 2024"], [None, None]]) is None
    assert period_from_title_block([["Bulan", "Desember"]]) is None  # no year anywhere


def test_title_block_conflict():
    rows = [["LAPORAN REALISASI BULAN NOVEMBER 2024"], ["Bulan: Desember 2024"]]
    with pytest.raises(PeriodError) as e:
        period_from_title_block(rows)
    assert "November 2024" in e.value.reason and "Desember 2024" in e.value.reason
    assert e.value.periods == (Period(2024, 11), DES)


@pytest.mark.parametrize(
    "path, expected",
    [
        ("realisasi/2024-12/Realisasi Des 2024 rev2 (final).xlsx", DES),
        ("realisasi/2024_12/file.xlsx", DES),
        ("realisasi/2024/12/file.xlsx", DES),
        ("realisasi\\2024\\12\\file.xlsx", DES),
        ("realisasi/2024-11/koreksi/2024-12/file.xlsx", DES),  # nearest wins
        ("realisasi/2024-12/bidang koperasi/file.xlsx", DES),
        ("realisasi/file.xlsx", None),
        ("realisasi/2024/file.xlsx", None),
        ("realisasi/2024-13/file.xlsx", None),
        ("2024-12.xlsx", None),  # the file name carries no meaning
    ],
)
def test_period_from_path(path, expected):
    assert period_from_path(path) == expected


@pytest.mark.parametrize(
    "raw",
    ["2024-12-31", "2024-12-31 00:00:00", "2024-12-31T10:20:00", "2024-12-31T10:20:00.123Z", "31/12/2024", "31-12-2024",
     "31.12.2024", "31 Desember 2024", "31 Des 2024", "31 des. 2024", "31-Dec-2024", " 31  Desember 2024 ",
     dt.date(2024, 12, 31), dt.datetime(2024, 12, 31, 23, 59)],
)
def test_parse_date(raw):
    assert parse_date(raw) == dt.date(2024, 12, 31)
    assert type(parse_date(raw)) is dt.date


@pytest.mark.parametrize("raw", [None, "", " ", "-"])
def test_parse_date_empty(raw):
    assert parse_date(raw) is None


@pytest.mark.parametrize("raw", ["31/02/2024", "kemarin", "2024-13-01", "12/2024", 45657, "31 Foo 2024"])
def test_parse_date_errors(raw):
    with pytest.raises(DateError) as e:
        parse_date(raw)
    assert e.value.reason


def test_month_names():
    assert MONTH_NAMES_ID[0] == "Januari" and MONTH_NAMES_ID[-1] == "Desember"


# --- stepping, partition keys, the reporting period ------------------------------


def test_stepping_and_quarters():
    from pipeline.domain.periods import Period

    assert Period(2024, 1).previous() == Period(2023, 12)
    assert Period(2024, 12).next() == Period(2025, 1)
    assert Period(2024, 3).shifted(-14) == Period(2023, 1)
    assert [Period(2024, m).quarter_end().month for m in (1, 3, 4, 8, 10, 12)] == [3, 3, 6, 9, 12, 12]
    assert Period(2024, 11).quarter == 4


def test_partition_keys_round_trip():
    from pipeline.domain.periods import Period, PeriodError, partition_key, period_of_partition_key

    assert partition_key(Period(2024, 1)) == partition_key("2024-1") == "2024-01"
    assert period_of_partition_key("2024-12") == Period(2024, 12)
    with pytest.raises(PeriodError):
        period_of_partition_key("2024-12-01x")


def test_canonical_key_only():
    from pipeline.domain.periods import Period

    assert Period.from_key("2024-12") == Period(2024, 12)
    assert [Period.from_key(t) for t in ("2024-1", "2024-13", "../2024-12", "", None)] == [None] * 5


def test_reporting_period_is_the_month_before_in_wita():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from pipeline.domain.periods import Period, date_label_id, reporting_period

    assert reporting_period(datetime(2025, 1, 5, tzinfo=ZoneInfo("Asia/Makassar"))) == Period(2024, 12)
    assert reporting_period(datetime(2025, 2, 28, 17, tzinfo=ZoneInfo("UTC"))) == Period(2025, 2)  # 1 March WITA
    assert reporting_period(datetime(2025, 2, 28, 15)) == Period(2025, 1)  # naive: WITA
    assert date_label_id(datetime(2025, 1, 5).date()) == "5 Januari 2025"
