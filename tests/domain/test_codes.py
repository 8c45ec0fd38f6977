import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.domain.codes import Code, CodeError, parse_code, sort_key


def test_levels():
    p = parse_code("2.17.02")
    assert p == Code("2.17.02", "program", "2.17.02", None, None)
    k = parse_code("2.17.02.1.01")
    assert (k.level, k.program, k.kegiatan, k.sub_kegiatan) == ("kegiatan", "2.17.02", "2.17.02.1.01", None)
    s = parse_code("2.17.02.1.01.0001")
    assert (s.level, s.program, s.kegiatan, s.sub_kegiatan) == ("sub_kegiatan", "2.17.02", "2.17.02.1.01", "2.17.02.1.01.0001")
    assert str(s) == "2.17.02.1.01.0001"


def test_parent_chain():
    s = parse_code("2.17.02.1.01.0001")
    assert s.parent == parse_code("2.17.02.1.01")
    assert s.parent.parent == parse_code("2.17.02")
    assert s.parent.parent.parent is None


@pytest.mark.parametrize(
    "raw, text",
    [
        ("2.17.02.1.01.01", "2.17.02.1.01.0001"),
        ("  2.17.02.1.01.0001  ", "2.17.02.1.01.0001"),
        ("2.17.02.1.01.0001.", "2.17.02.1.01.0001"),
        ("2 . 17 . 02", "2.17.02"),
        ("2.17.02.1.01 ", "2.17.02.1.01"),
        ("\u00a02.17.07\u00a0", "2.17.07"),
    ],
)
def test_tolerated_forms(raw, text):
    assert parse_code(raw).text == text


@pytest.mark.parametrize(
    "raw, fragment",
    [
        (None, "kosong"),
        ("", "kosong"),
        ("  ", "kosong"),
        ("2.17.02.1", "4 bagian"),
        ("2.17", "2 bagian"),
        ("2.17.07.1.01.0002.5.1.02.04.01.0008", "kode rekening"),
        ("2.17.07.1.01.0002.5", "kode rekening"),
        ("2.17.07.1.1.0002.5.1", "8 bagian"),
        ("X.XX.02", "bukan angka"),
        ("2.17.0a", "bukan angka"),
        ("2.17..02", "kosong"),
        ("2.17.2", "2 digit"),
        ("2.17.002", "2 digit"),
        ("22.17.02", "1 digit"),
        ("2.17.02.1.01.001", "4 digit"),
        ("2.17.02.1.01.1", "4 digit"),
        ("2.17.02.11.01", "1 digit"),
        ("2.17 02", "bukan angka"),
    ],
)
def test_errors(raw, fragment):
    with pytest.raises(CodeError) as e:
        parse_code(raw)
    assert fragment in e.value.reason


def test_account_code_reason_names_both_parts():
    with pytest.raises(CodeError) as e:
        parse_code("2.17.07.1.01.0002.5.1.02.04.01.0008")
    assert "sub kegiatan 2.17.07.1.01.0002" in e.value.reason
    assert "5.1.02.04.01.0008" in e.value.reason


def test_sort_key_natural_order():
    codes = ["2.17.10", "2.17.02.1.01.0002", "2.17.02", "2.17.02.1.02", "2.17.02.1.01", "2.17.02.1.01.0001", "2.17.03", "2.17.02.1.01.10"]
    assert sorted(codes, key=sort_key) == [
        "2.17.02",
        "2.17.02.1.01",
        "2.17.02.1.01.0001",
        "2.17.02.1.01.0002",
        "2.17.02.1.01.10",
        "2.17.02.1.02",
        "2.17.03",
        "2.17.10",
    ]
    # tolerates anything
    assert sorted(["b", "2.17.02", None, "a.1"], key=sort_key)[0] == "2.17.02"


digits = lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n)  # noqa: E731


@settings(deadline=None, max_examples=100)
@given(digits(1), digits(2), digits(2), digits(1), digits(2), digits(4))
def test_round_trip(u, bb, pp, lv, kk, ssss):
    text = ".".join([u, bb, pp, lv, kk, ssss])
    code = parse_code(text)
    assert code.text == text
    assert parse_code(code.kegiatan).text == code.kegiatan
    assert parse_code(code.program).level == "program"
    assert sort_key(code.program) < sort_key(code.kegiatan) < sort_key(code.text)


@pytest.mark.parametrize("raw,level,program,kegiatan", [
    ("1.02.02.2.02.0011", "sub_kegiatan", "1.02.02", "1.02.02.2.02"),  # Kesehatan, kabupaten/kota
    ("1.01.02.2.01", "kegiatan", "1.01.02", "1.01.02.2.01"),  # Pendidikan
    ("2.14.03", "program", "2.14.03", None),  # a second bidang urusan of the same OPD
    ("5.01.01.1.02.01", "sub_kegiatan", "5.01.01", "5.01.01.1.02"),  # Perencanaan, provinsi, 2-digit last part
])
def test_any_urusan_and_either_level_of_government(raw, level, program, kegiatan):
    code = parse_code(raw)
    assert (code.level, code.program, code.kegiatan) == (level, program, kegiatan)


def test_codes_of_two_bidang_urusan_sort_by_urusan_first():
    codes = ["2.14.03", "1.02.02.2.02.0011", "1.02.01", "1.02.02", "1.02.02.2.02"]
    assert sorted(codes, key=sort_key) == ["1.02.01", "1.02.02", "1.02.02.2.02", "1.02.02.2.02.0011", "2.14.03"]
