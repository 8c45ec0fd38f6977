import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.domain.budget import (
    EFFICIENCY_SCHEMA,
    TREE_SCHEMA,
    budget_total,
    budget_tree,
    efficiency,
    output_capaian,
    subtotal_differences,
)

# report ref of each program -> its code (urusan 2.17)
PROGRAM = {"1": "2.17.02", "2": "2.17.03", "3": "2.17.06", "4": "2.17.07", "5": "2.17.08", "6": "2.17.05", "7": "2.17.01"}

# LKjIP 2024 Tabel 3.8, sub kegiatan rows: ref, pagu, realisasi anggaran
SUB_2024 = [
    ("1a1", 218410700, 142787420), ("1b1", 20000000, 5292000),
    ("2a1", 49999500, 38267910), ("2b1", 100909120, 89718225),
    ("3a1", 148408980, 131343780), ("3a2", 49999900, 43807150),
    ("4a1", 939685130, 875991259), ("4a2", 49999500, 49688500),
    ("5a1", 219328560, 218261060), ("5a2", 263603800, 176101750),
    ("6a1", 8009040280, 7688724592),
    ("7a1", 870582120, 842574820), ("7a2", 51990000, 42770000), ("7a3", 492522640, 487470709),
    ("7b1", 122914420, 121098720), ("7b2", 5999600, 5615750),
    ("7c1", 12285642851, 10801409908),
    ("7d1", 20000000, 0),
    ("7e1", 57893000, 33706668), ("7e2", 11278800, 10334000), ("7e3", 87306400, 68871200),
    ("7e4", 87500000, 86700000), ("7e5", 12576900, 10384700), ("7e6", 5500000, 5445000),
    ("7f1", 721538450, 615903542),
    ("7g1", 2992000, 2490000), ("7g2", 307500000, 203214024), ("7g3", 1038106660, 993286175),
]


def codes(ref: str) -> tuple[str, str, str]:
    program = PROGRAM[ref[0]]
    kegiatan = f"{program}.1.{ord(ref[1]) - ord('a') + 1:02d}"
    return program, kegiatan, f"{kegiatan}.{int(ref[2:]):04d}"


def sub_frame(rows=SUB_2024, target=None, realisasi=None) -> pl.DataFrame:
    records = []
    for ref, pagu, real in rows:
        program, kegiatan, kode = codes(ref)
        records.append(
            {
                "kode": kode, "program": program, "kegiatan": kegiatan, "uraian": f"Sub kegiatan {ref}",
                "indikator": f"Indikator {ref}", "satuan": "Unit", "target": target, "realisasi": realisasi,
                "pagu": float(pagu), "realisasi_anggaran": float(real),
            }
        )
    schema = {"kode": pl.String, "program": pl.String, "kegiatan": pl.String, "uraian": pl.String,
              "indikator": pl.String, "satuan": pl.String, "target": pl.Float64, "realisasi": pl.Float64,
              "pagu": pl.Float64, "realisasi_anggaran": pl.Float64}
    return pl.DataFrame(records, schema=schema)


NAMES = {"2.17.02": "PROGRAM PELAYANAN IZIN USAHA SIMPAN PINJAM", "2.17.02.1.01": "Penerbitan Izin Usaha Simpan Pinjam"}
SASARAN = {PROGRAM[r]: "S1" for r in "123"} | {PROGRAM[r]: "S2" for r in "456"}


def test_tree_report_figures():
    tree = budget_tree(sub_frame(), NAMES)
    assert tree.schema == pl.Schema(TREE_SCHEMA)
    assert tree.filter(pl.col("level") == "program").height == 7
    assert tree.filter(pl.col("level") == "kegiatan").height == 15
    assert tree.filter(pl.col("level") == "sub_kegiatan").height == 28
    row = tree.filter(pl.col("kode") == "2.17.02").row(0, named=True)
    assert row["uraian"] == "PROGRAM PELAYANAN IZIN USAHA SIMPAN PINJAM"
    assert (row["pagu"], row["realisasi_anggaran"]) == (238410700, 148079420)
    assert row["capaian"] == pytest.approx(62.11, abs=0.005)
    keg = tree.filter(pl.col("kode") == "2.17.02.1.02").row(0, named=True)
    assert (keg["pagu"], keg["capaian"]) == (20000000, pytest.approx(26.46, abs=0.005))
    penunjang = tree.filter(pl.col("kode") == "2.17.01").row(0, named=True)
    assert (penunjang["pagu"], penunjang["realisasi_anggaran"]) == (16181843841, 14331275216)
    assert penunjang["uraian"] is None  # no name given
    zero = tree.filter(pl.col("kode") == "2.17.01.1.04.0001").row(0, named=True)
    assert zero["capaian"] == 0.0


def test_tree_order_is_program_kegiatan_sub():
    tree = budget_tree(sub_frame(), NAMES)
    kode = tree.get_column("kode").to_list()
    assert kode[:6] == ["2.17.01", "2.17.01.1.01", "2.17.01.1.01.0001", "2.17.01.1.01.0002", "2.17.01.1.01.0003", "2.17.01.1.02"]
    levels = tree.get_column("level").to_list()
    for i, (k, level) in enumerate(zip(kode, levels)):
        if level != "program":
            parent = k.rsplit(".", 1 if level == "sub_kegiatan" else 2)[0]
            assert parent in kode[:i]


def test_tree_parents_are_sums_of_children():
    tree = budget_tree(sub_frame(), {})
    subs = tree.filter(pl.col("level") == "sub_kegiatan")
    for row in tree.filter(pl.col("level") != "sub_kegiatan").iter_rows(named=True):
        children = subs.filter(pl.col("kode").str.starts_with(row["kode"] + "."))
        assert row["pagu"] == children.get_column("pagu").sum()
        assert row["realisasi_anggaran"] == children.get_column("realisasi_anggaran").sum()


def test_tree_capaian_none_when_pagu_zero_and_empty_input():
    sub = sub_frame([("1a1", 0, 0)])
    tree = budget_tree(sub, {})
    assert tree.get_column("capaian").to_list() == [None, None, None]
    empty = budget_tree(sub.clear(), {})
    assert empty.height == 0 and empty.schema == pl.Schema(TREE_SCHEMA)


def test_total():
    pagu, real, capaian = budget_total(sub_frame())
    assert (pagu, real) == (26251229311, 23791258862)
    assert capaian == pytest.approx(90.63, abs=0.01)
    assert budget_total(sub_frame().clear()) == (0.0, 0.0, None)


def test_subtotal_differences():
    tree = budget_tree(sub_frame(), {})
    stated = pl.DataFrame(
        {
            "level": ["program", "kegiatan", "program", "kegiatan", "program"],
            "kode": ["2.17.02", "2.17.02.1.01", "2.17.03", "2.17.03.1.01", "2.17.09"],
            "pagu": [238410700.0, 218410700.4, 150908000.0, None, 10.0],
            "realisasi_anggaran": [148079420.0, 142787420.0, 127986135.0, 1.0, None],
            "file": ["a.xlsx"] * 5,
            "sheet": ["Realisasi"] * 5,
            "row": [5, 6, 8, 9, 30],
        }
    )
    diffs = subtotal_differences(stated, tree)
    assert diffs == [
        {"level": "program", "kode": "2.17.03", "column": "pagu", "stated": 150908000.0, "computed": 150908620.0,
         "file": "a.xlsx", "sheet": "Realisasi", "row": 8},
        {"level": "kegiatan", "kode": "2.17.03.1.01", "column": "realisasi_anggaran", "stated": 1.0,
         "computed": 38267910.0, "file": "a.xlsx", "sheet": "Realisasi", "row": 9},
        {"level": "program", "kode": "2.17.09", "column": "pagu", "stated": 10.0, "computed": 0.0,
         "file": "a.xlsx", "sheet": "Realisasi", "row": 30},
    ]


def test_subtotal_differences_level_from_code():
    tree = budget_tree(sub_frame(), {})
    stated = pl.DataFrame({"kode": ["2.17.02", "2.17.02.1.01.0001", "2.17.02.1.1"], "pagu": [1.0, 1.0, 1.0]})
    diffs = subtotal_differences(stated, tree)
    assert [(d["level"], d["kode"], d["column"]) for d in diffs] == [("program", "2.17.02", "pagu")]


@pytest.mark.parametrize(
    "target, realisasi, expected",
    [(10, 10, 100.0), (10, 5, 50.0), (10, 25, 100.0), (None, 5, 100.0), (0, 5, 100.0), (None, None, 100.0), (4, None, 0.0)],
)
def test_output_capaian(target, realisasi, expected):
    assert output_capaian(target, realisasi) == pytest.approx(expected)


def test_efficiency_report_figures():
    eff = efficiency(sub_frame(), SASARAN)  # no output targets: CK = 100 %
    assert eff.schema == pl.Schema(EFFICIENCY_SCHEMA)
    s1, s2 = eff.rows(named=True)
    assert s1["sasaran"] == "S1" and s2["sasaran"] == "S2"
    assert (s1["anggaran"], s1["realisasi_anggaran"]) == (587728200, 451216485)
    assert s1["efisiensi"] == pytest.approx(23.227, abs=0.001)
    assert s1["capaian_anggaran"] == pytest.approx(77, abs=0.5)
    assert (s2["anggaran"], s2["realisasi_anggaran"]) == (9481657270, 9008767161)
    assert s2["efisiensi"] == pytest.approx(4.987, abs=0.001)
    assert s2["capaian_anggaran"] == pytest.approx(95, abs=0.5)


def test_efficiency_with_output_below_target():
    # CK 50 %: pagu x CK = 50, spent 40 -> (50 - 40) / 50 = 20 %
    sub = sub_frame([("1a1", 100, 40)], target=10.0, realisasi=5.0)
    (row,) = efficiency(sub, {"2.17.02": "S1"}).rows(named=True)
    assert row["efisiensi"] == pytest.approx(20.0)
    assert row["capaian_anggaran"] == pytest.approx(40.0)


def test_efficiency_caps_output_above_target():
    sub = sub_frame([("1a1", 100, 40)], target=10.0, realisasi=30.0)
    (row,) = efficiency(sub, {"2.17.02": "S1"}).rows(named=True)
    assert row["efisiensi"] == pytest.approx(60.0)  # CK 300 % counts as 100 %


def test_efficiency_mixed_ck_and_ignored_programs():
    sub = pl.concat(
        [
            sub_frame([("1a1", 100, 40)], target=10.0, realisasi=5.0),  # CK 0.5
            sub_frame([("1b1", 200, 100)]),  # no target: CK 1
            sub_frame([("7a1", 999, 999)]),  # penunjang: not in the mapping
        ]
    )
    eff = efficiency(sub, {"2.17.02": "S1", "2.17.03": "S2"})
    s1, s2 = eff.rows(named=True)
    assert (s1["anggaran"], s1["realisasi_anggaran"]) == (300, 140)
    assert s1["efisiensi"] == pytest.approx((250 - 140) / 250 * 100)
    # a sasaran without sub kegiatan is listed with no percentages
    assert (s2["sasaran"], s2["anggaran"], s2["capaian_anggaran"], s2["efisiensi"]) == ("S2", 0.0, None, None)


@settings(deadline=None, max_examples=50)
@given(st.lists(st.tuples(st.integers(0, 10**12), st.integers(0, 10**12)), min_size=1, max_size=12))
def test_tree_totals_property(amounts):
    rows = [(f"{'1234567'[i % 7]}{'abc'[i % 3]}{i + 1}", p, r) for i, (p, r) in enumerate(amounts)]
    sub = sub_frame(rows)
    tree = budget_tree(sub, {})
    programs = tree.filter(pl.col("level") == "program")
    pagu, real, _ = budget_total(sub)
    assert programs.get_column("pagu").sum() == pagu == sum(p for p, _ in amounts)
    assert programs.get_column("realisasi_anggaran").sum() == real
    assert subtotal_differences(tree.filter(pl.col("level") != "sub_kegiatan"), tree) == []


def test_a_program_serving_two_sasaran_counts_for_each():
    from pipeline.domain.budget import efficiency

    sub = pl.DataFrame({
        "kode": ["2.17.03.1.01.0001", "2.17.02.1.01.0001"],
        "pagu": [100.0, 50.0], "realisasi_anggaran": [80.0, 50.0], "target": [10.0, None], "realisasi": [10.0, None],
    })
    out = {r["sasaran"]: r for r in efficiency(sub, {"2.17.03": ["S1", "S2"], "2.17.02": "S1"}).iter_rows(named=True)}
    assert out["S2"]["anggaran"] == 100.0 and out["S2"]["efisiensi"] == pytest.approx(20.0)
    assert out["S1"]["anggaran"] == 150.0 and out["S1"]["realisasi_anggaran"] == 130.0
