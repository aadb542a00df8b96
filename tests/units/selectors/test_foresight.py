"""Foresight's arithmetic on hand-computed series (issue 23, point 3): the
pace over the last N ≤ 5 years, the projection to the target year with the
range of the slowest and fastest of those years, the year met at that pace
(None past 10 years), and what is still needed per remaining year."""

from decimal import Decimal
from fractions import Fraction

from units.selectors.foresight import pace, project


def series(first: int, *values: int) -> dict[int, int]:
    return {first + i: v for i, v in enumerate(values)}


def test_an_s_shaped_series_slow_then_fast_then_slow():
    # 2015..2023; 30 % fewer than 100 by 2025: the goal is 70.
    s = series(2015, 100, 99, 97, 92, 85, 80, 78, 77, 76)
    p = project(s, base_year=2015, target_year=2025, percent=Decimal("30"), until=2023)
    # The last 5 changes (2018 → 2023): −7, −5, −2, −1, −1; mean (76 − 92) / 5.
    assert (p.pace.years, p.pace.first_year, p.pace.last_year) == (5, 2018, 2023)
    assert p.pace.mean == Fraction(-16, 5) and p.pace.per_year == Decimal("-3.20")
    assert (p.pace.slowest, p.pace.fastest) == (-1, -7)
    assert (p.goal, p.value, p.gap, p.remaining_years) == (70, 76, 6, 2)
    # 76 − 2 × 3,2 = 69,6 → 70; fastest 76 − 14 = 62; slowest 76 − 2 = 74.
    assert (p.projected, p.projected_low, p.projected_high) == (70, 62, 74)
    assert p.on_track is True
    # 6 / 3,2 = 1,875 → 2 years after 2023; 6 over 2 remaining years is 3 a year.
    assert p.met_in == 2025
    assert p.needed_per_year == 3


def test_a_flat_series_is_never_met():
    s = series(2015, *[50] * 9)  # 2015..2023; 10 % by 2025: goal 45
    p = project(s, base_year=2015, target_year=2025, percent=Decimal("10"), until=2023)
    assert p.pace.mean == 0 and (p.pace.slowest, p.pace.fastest) == (0, 0)
    assert (p.projected, p.projected_low, p.projected_high) == (50, 50, 50)
    assert p.met_in is None and p.on_track is False
    assert (p.gap, p.needed_per_year) == (5, 3)  # 5 over 2 years, rounded up


def test_a_reversing_series_growing_again_is_not_met_though_it_once_was():
    # Goal 54 (60 − 6): reached 2018–2022, then the count grew back to 55.
    s = series(2015, 60, 58, 55, 52, 50, 49, 50, 52, 55)
    p = project(s, base_year=2015, target_year=2025, percent=Decimal("10"), until=2023)
    # 2018 → 2023: −2, −1, +1, +2, +3; mean +3/5.
    assert p.pace.mean == Fraction(3, 5) and p.pace.per_year == Decimal("0.60")
    assert (p.pace.slowest, p.pace.fastest) == (3, -2)
    # 55 + 1,2 = 56,2 → 56; fastest 55 − 4 = 51; slowest 55 + 6 = 61.
    assert (p.projected, p.projected_low, p.projected_high) == (56, 51, 61)
    assert (p.gap, p.met_in, p.needed_per_year) == (1, None, 1)


def test_an_already_met_target_says_since_when():
    # Ngô Quyền's shape: 42 in 2015, 10 % by 2021 is ⌈4,2⌉ = 5 fewer: goal 37.
    s = series(2015, 42, 40, 38, 37, 36, 36)
    p = project(s, base_year=2015, target_year=2021, percent=Decimal("10"), until=2020)
    assert (p.goal, p.gap, p.met, p.met_in, p.needed_per_year) == (37, 0, True, 2018, 0)
    # −6 over 5 years: 36 − 1,2 = 34,8 → 35; fastest −2 → 34; slowest 0 → 36.
    assert (p.projected, p.projected_low, p.projected_high) == (35, 34, 36)


def test_a_passed_target_year_reads_its_figure_and_the_year_the_pace_meets_it():
    s = series(2015, 100, 98, 96, 95, 94, 93, 92, 91)  # 2015..2022; 10 % by 2021: goal 90
    p = project(s, base_year=2015, target_year=2021, percent=Decimal("10"), until=2022)
    assert (p.remaining_years, p.projected, p.at_target, p.needed_per_year) == (0, None, 92, None)
    assert p.on_track is None
    # 2017 → 2022 lost 5 (pace −1); the gap of 1 takes a year.
    assert (p.gap, p.met_in) == (1, 2023)


def test_the_horizon_is_ten_years_from_the_last_figure():
    s = series(2015, 100, 99, 98)  # pace −1
    ten = project(s, base_year=2015, target_year=2030, percent=Decimal("12"), until=2017)
    assert (ten.gap, ten.met_in) == (10, 2027)
    eleven = project(s, base_year=2015, target_year=2030, percent=Decimal("13"), until=2017)
    assert (eleven.gap, eleven.met_in) == (11, None)


def test_the_pace_reads_the_trailing_run_of_years_up_to_the_year_asked():
    s = {2015: 10, 2017: 8, 2018: 7, 2019: 5, 2020: 1}
    recent = pace(s, until=2019)  # 2016 is missing: 2017 → 2019 only
    assert (recent.years, recent.first_year, recent.mean) == (2, 2017, Fraction(-3, 2))
    assert (recent.slowest, recent.fastest) == (-1, -2)
    assert pace({2015: 3}, until=2020) is None


def test_a_projection_rounds_half_up_and_never_goes_below_zero():
    half = project(
        series(2015, 11, 11, 10),
        base_year=2015,
        target_year=2018,
        percent=Decimal("50"),
        until=2017,
    )
    assert half.projected == 10  # 10 − 1/2 = 9,5 → 10
    fall = project(
        series(2015, 9, 5, 3), base_year=2015, target_year=2025, percent=Decimal("10"), until=2017
    )
    assert (fall.projected, fall.projected_low, fall.projected_high) == (0, 0, 0)


def test_no_base_year_figure_no_projection():
    assert (
        project({2020: 5}, base_year=2015, target_year=2025, percent=Decimal(10), until=2023)
        is None
    )
    one = project({2015: 5}, base_year=2015, target_year=2025, percent=Decimal(20), until=2023)
    assert one.pace is None and one.projected is None and one.needed_per_year == 1
