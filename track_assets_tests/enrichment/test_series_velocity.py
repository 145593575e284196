"""Velocity of a daily series: change per day over the last week, robust to gaps."""

from datetime import date, timedelta

from track_assets.enrichment.chartmetric_analytics import series_velocity

DAY = date(2026, 11, 1)


def days(*values):
    return [(DAY + timedelta(days=n), v) for n, v in enumerate(values)]


def test_steady_growth_is_the_daily_increase():
    assert series_velocity(days(100, 110, 120, 130, 140, 150, 160, 170, 180)) == 10.0


def test_missing_days_do_not_change_the_rate():
    points = [p for i, p in enumerate(days(*range(0, 900, 100))) if i not in (3, 4, 7)]
    assert series_velocity(points) == 100.0


def test_a_shrinking_figure_has_a_negative_velocity_and_order_does_not_matter():
    assert series_velocity(list(reversed(days(50, 40, 30)))) == -10.0


def test_only_the_last_week_counts():
    early_spike = days(0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1070)
    assert series_velocity(early_spike) == 10.0


def test_too_few_points_give_no_velocity():
    assert series_velocity([]) is None
    assert series_velocity(days(5)) is None
    assert series_velocity([(DAY, 1), (DAY, 2)]) is None
