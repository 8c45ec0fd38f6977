"""Reading a year: each file once, every month of the year up to the period, the Renstra's earlier Decembers."""

from collections import Counter

from pipeline.domain.periods import Period
from pipeline.intake import loading
from pipeline.intake.referensi import read_referensi
from pipeline.intake.year import earlier_periods, read_year, year_figures


def test_earlier_periods():
    assert earlier_periods(Period(2025, 3), 2024) == ["2024-12", "2025-01", "2025-02"]
    assert earlier_periods(Period(2024, 1), 2024) == []
    assert earlier_periods(Period(2026, 2), 2024) == ["2024-12", "2025-12", "2026-01"]
    assert earlier_periods(Period(2025, 2), None) == ["2025-01"]


def test_each_file_is_read_once_and_every_month_is_kept(year_runs, monkeypatch):
    inputs = year_runs["inputs"]
    ref, _ = read_referensi(inputs)
    read = Counter()
    original = loading.read_workbooks

    def counting(paths, names, **options):
        read.update(paths)
        return original(paths, names, **options)

    monkeypatch.setattr(loading, "read_workbooks", counting)
    intake = read_year(inputs, ref, "2025-06")
    files = sorted((inputs / "realisasi").rglob("*.xlsx"))
    assert len(files) == 3 + 4 * 12 - 1 and set(read) == set(files) and set(read.values()) == {1}
    assert sorted(intake.earlier) == ["2024-12", "2025-01", "2025-02", "2025-03", "2025-04", "2025-05"]
    figures = year_figures(intake)
    assert figures is intake.year  # made once while reading; the rule and the figures model share it
    sek = "Sekretariat"
    assert figures.sent[sek] == {1, 2, 3, 4, 5}  # no June file
    assert figures.codes["2.17.01.1.01.0001"].realisasi_anggaran == {m: 100_000 * m for m in range(1, 6)}
    assert set(figures.decembers) == {2024}
    # every file is accounted for, whichever month it is
    assert all(s.report.balanced for s in intake.sources)
