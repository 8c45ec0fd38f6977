"""Through-the-year arithmetic: carry forward, triwulan, Renstra to date, absorption, warnings."""

import pytest

from pipeline.domain import triwulan as tw


def test_a_month_without_a_file_takes_the_last_earlier_month():
    assert tw.carry_forward({1: 5, 3: 9}, 5) == {1: 5, 2: 5, 3: 9, 4: 9, 5: 9}
    assert tw.carry_forward({2: 4}, 3) == {1: None, 2: 4, 3: 4}
    assert tw.source_month({1: 5, 3: 9}, 5) == 3
    assert tw.source_month({3: 9}, 2) is None


def test_additive_quarters_are_differences_of_quarter_end_values():
    cum = {3: 10, 6: 25, 9: 40, 12: 70}
    assert tw.triwulan(cum, 12) == [10, 15, 15, 30]
    # June missing: takes May
    assert tw.triwulan({3: 10, 5: 18, 7: 30, 9: 40}, 9) == [10, 8, 22, None]


def test_quarters_after_the_period_are_empty_and_the_running_quarter_ends_at_the_period():
    assert tw.triwulan({1: 2, 2: 4, 3: 10, 4: 12, 5: 16}, 5) == [10, 6, None, None]
    assert tw.triwulan({3: 10}, 3) == [10, None, None, None]


def test_quarters_without_earlier_files_count_from_zero():
    # the sample inputs: only December
    assert tw.triwulan({12: 99}, 12) == [None, None, None, 99]
    assert sum(v for v in tw.triwulan({5: 7, 12: 20}, 12) if v) == 20


def test_percentage_outputs_are_levels():
    assert tw.triwulan({3: 40, 6: 55, 9: 55, 12: 90}, 12, level=True) == [40, 55, 55, 90]
    assert tw.triwulan({3: 40, 5: 50}, 5, level=True) == [40, 50, None, None]


def test_renstra_accumulation():
    assert tw.renstra_before({2024: 10, 2025: 12}, [2024, 2025]) == 22
    assert tw.renstra_before({2024: 10}, [2024, 2025]) is None
    assert tw.renstra_before({}, []) == 0
    assert tw.renstra_before({2024: 60, 2025: 75}, [2024, 2025], level=True) == 75
    assert tw.renstra_before({}, [], level=True) is None
    assert tw.renstra_to_date(22, 8) == 30
    assert tw.renstra_to_date(None, 8) is None
    assert tw.renstra_to_date(75, 80, level=True) == 80
    assert tw.ratio_percent(30, 120) == 25
    assert tw.ratio_percent(30, None) is None and tw.ratio_percent(30, 0) is None


def test_absorption_against_plan_or_elapsed_share():
    assert tw.elapsed_share(6) == 50
    assert tw.expected_absorption(600, 1000, 3) == 60
    assert tw.expected_absorption(None, 1000, 3) == 25
    assert tw.points_behind(35, 60) == 25
    assert tw.points_behind(None, 60) is None
    with pytest.raises(ValueError):
        tw.elapsed_share(13)


def test_behind_since_is_the_start_of_the_unbroken_run():
    gaps = {1: 5, 2: 25, 3: 10, 4: 22, 5: 30, 6: 40}
    assert tw.behind_since(gaps, 6, 20) == 4
    assert tw.behind_since(gaps, 3, 20) is None
    assert tw.behind_since({1: 21}, 1, 20) == 1


def test_drops_of_cumulative_values():
    found = tw.drops({1: 10, 2: 15, 4: 12, 5: 20, 6: 19})
    assert [(d.month, d.previous_month, d.amount) for d in found] == [(4, 2, 3), (6, 5, 1)]
    assert tw.drops({1: 10, 2: None, 3: 10}) == []


def test_average_quarter_and_silence():
    assert tw.average([50, None, 100]) == 75
    assert tw.average([None]) is None
    assert [tw.quarter_of(m) for m in (1, 3, 4, 12)] == [1, 1, 2, 4]
    assert tw.is_quarter_end(6) and not tw.is_quarter_end(5)
    assert tw.months_silent([1, 2, 3], 5) == 4
    assert tw.months_silent([1, 5], 5) is None
    assert tw.months_silent([], 5) is None
    assert tw.is_percent_unit(" Persen ") and not tw.is_percent_unit("Unit")
