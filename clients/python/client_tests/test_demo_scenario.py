"""The demo's pure parts: the seeded generator, the fiscal quarter, the progress bar, the summary.

The fiscal quarter is checked against the platform's own calendar
(services.kit.fiscal), which the demo cannot import (it ships with the client).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from salesops.demo.progress import ProgressBar
from salesops.demo.scenario import DEFAULT_SEED, Scale, build_scenario, decision_rng
from salesops.demo.simulation import FiscalQuarter
from salesops.demo.summary import RegionFigures, Summary, TopRep, format_summary, money

from services.kit.fiscal import FiscalCalendar

SMALL = Scale(regions=2, teams_per_region=2, reps_per_team=3, customers=40, leads=120)


def test_the_same_seed_gives_the_same_scenario_and_another_seed_another() -> None:
    first, again = build_scenario(7, SMALL), build_scenario(7, SMALL)
    assert first == again
    other = build_scenario(8, SMALL)
    assert [r.name for r in other.reps] != [r.name for r in first.reps]
    assert [c.name for c in other.customers] != [c.name for c in first.customers]
    assert [rng.random() for rng in (decision_rng(7, "rep-a", 3),) * 3] == [
        rng.random() for rng in (decision_rng(7, "rep-a", 3),) * 3
    ]
    assert decision_rng(7, "rep-a", 3).random() != decision_rng(7, "rep-a", 4).random()


def test_a_namespace_gives_the_same_organisation_other_codes() -> None:
    plain, spaced = build_scenario(7, SMALL), build_scenario(7, SMALL, "B7")
    assert [r.code for r in plain.regions] == ["EMEA7", "AMER7"]
    assert [r.code for r in spaced.regions] == ["EMEAB7", "AMERB7"]
    assert (plain.suffix, spaced.suffix) == ("7", "B7")
    assert spaced.tag != plain.tag
    assert spaced.reps[0].rep_id == "rep-emeab7-1-1"
    # Who they are and how they decide does not depend on the codes.
    assert [(r.actor, r.name, r.talent, r.capacity) for r in spaced.reps] == [
        (r.actor, r.name, r.talent, r.capacity) for r in plain.reps
    ]
    assert (
        [r.actor for r in spaced.regions]
        == [r.actor for r in plain.regions]
        == [
            "dir-emea",
            "dir-amer",
        ]
    )
    assert [c.name for c in spaced.customers] == [c.name for c in plain.customers]
    assert [
        c.domain.replace("emeab7", "emea7").replace("amerb7", "amer7") for c in spaced.customers
    ] == [c.domain for c in plain.customers]
    assert [lead.company_name for lead in spaced.leads] == [
        lead.company_name for lead in plain.leads
    ]
    for bad in ("", "b7", "B-7", "ABCDEFGHIJKLM"):
        with pytest.raises(ValueError, match="namespace"):
            build_scenario(7, SMALL, bad)


def test_the_full_scenario_has_the_issue_s_counts() -> None:
    scenario = build_scenario()
    assert [r.code for r in scenario.regions] == ["EMEA", "AMER", "APAC"]
    assert sum(len(r.teams) for r in scenario.regions) == 12
    assert len(scenario.reps) == 60
    assert len(scenario.customers) == 2_000
    assert len(scenario.leads) == 10_000
    # Identities are unique: ids, emails, company names across customers and leads.
    assert len({r.rep_id for r in scenario.reps}) == 60
    assert len({r.email for r in scenario.reps}) == 60
    # A customer's name is a company name and its legal form.
    companies = [c.name.rsplit(" ", 1)[0] for c in scenario.customers]
    companies += [lead.company_name for lead in scenario.leads]
    assert len(set(companies)) == len(companies) == 12_000
    assert len({lead.contact_email for lead in scenario.leads}) == 10_000
    assert len({c.domain for c in scenario.customers}) == 2_000
    # Every rep owns customers in their own region, in a country of their team's territory.
    teams = {team.code: team for region in scenario.regions for team in region.teams}
    for rep in scenario.reps:
        owned = scenario.customers_of(rep.rep_id)
        assert owned, rep
        assert {c.region for c in owned} == {rep.region}
        assert {c.country for c in owned} <= set(teams[rep.team_code].countries)
    # Leads are spread evenly over the regions and carry only their region's countries.
    for region in scenario.regions:
        leads = [lead for lead in scenario.leads if lead.region == region.code]
        assert len(leads) in (3_333, 3_334)
        assert {lead.country for lead in leads} <= set(region.countries)
        assert len(region.team_weights) == len(region.teams) == 4
        assert all(target > 0 for target in region.quarter_targets)


def test_other_seeds_get_region_codes_of_their_own() -> None:
    scenario = build_scenario(42, SMALL)
    assert [r.code for r in scenario.regions] == ["EMEA42", "AMER42"]
    assert all(rep.rep_id.startswith(("rep-emea42-", "rep-amer42-")) for rep in scenario.reps)
    assert build_scenario(DEFAULT_SEED, SMALL).regions[0].code == "EMEA"


def test_the_leads_csv_is_what_the_import_reads() -> None:
    scenario = build_scenario(3, SMALL)
    rows = list(csv.DictReader(io.StringIO(scenario.leads_csv(scenario.leads))))
    assert len(rows) == 120
    assert rows[0] == {
        "region": scenario.leads[0].region,
        "company_name": scenario.leads[0].company_name,
        "contact_name": scenario.leads[0].contact_name,
        "contact_email": scenario.leads[0].contact_email,
        "country": scenario.leads[0].country,
        "industry": scenario.leads[0].industry,
        "source": scenario.leads[0].source,
        "company_size": scenario.leads[0].company_size,
    }


def test_scale_fraction_shrinks_but_keeps_a_working_organisation() -> None:
    assert Scale.fraction(1.0) == Scale()
    tiny = Scale.fraction(0.01)
    assert (tiny.regions, tiny.teams_per_region, tiny.reps_per_team) == (1, 2, 2)
    assert (tiny.customers, tiny.leads) == (20, 100)
    assert Scale.fraction(0.2).reps < Scale().reps
    for bad in (0.0, -1.0, 1.5):
        with pytest.raises(ValueError, match="scale is"):
            Scale.fraction(bad)
    with pytest.raises(ValueError, match="regions is 4"):
        Scale(regions=4)
    with pytest.raises(ValueError, match="leads is 0"):
        Scale(leads=0)


@pytest.mark.parametrize("start_month", [1, 2, 4, 7, 10, 12])
def test_the_fiscal_quarter_matches_the_platform_calendar(start_month: int) -> None:
    calendar = FiscalCalendar(start_month=start_month)
    day = date(2026, 1, 1)
    while day < date(2028, 1, 1):
        year, quarter, month = calendar.periods_containing(
            datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        )
        ours = FiscalQuarter.containing(day, start_month)
        assert (ours.year_code, ours.code, ours.month_code) == (year.code, quarter.code, month.code)
        assert ours.starts_on == quarter.starts_at.date()
        assert ours.ends_on == quarter.ends_at.date() - timedelta(days=1)
        assert ours.year_starts_on == year.starts_at.date()
        assert ours.quarter_codes[ours.index] == quarter.code
        day += timedelta(days=9)


def test_the_progress_bar_writes_a_line_per_stage_when_not_on_a_terminal() -> None:
    stream = io.StringIO()
    bar = ProgressBar(4, stream=stream)
    bar.set_stage("seeding")
    bar.advance(2)
    bar.set_stage("week 1 of 13")
    bar.finish()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("[" + "." * 30 + "]   0%") and lines[0].endswith("seeding")
    assert lines[1].startswith("[" + "#" * 15 + "." * 15 + "]  50%")
    assert lines[2].startswith("[" + "#" * 30 + "] 100%")


def test_the_summary_prints_money_percentages_and_where_to_look() -> None:
    assert money(123_456_789, "EUR") == "1,234,567.89 EUR"
    assert money(-5, "EUR") == "-0.05 EUR"
    summary = Summary(
        "FY2026-Q4",
        "EUR",
        (
            RegionFigures(
                "EMEA", 100_000_00, 102_500_00, 10_250, 5_125_00, 3_300, 40, 6_100, 5_000, 2, ()
            ),
        ),
        (TopRep("rep-emea-1-1", "EMEA", 15_000, 30_000_00),),
    )
    text = format_summary(summary, "http://127.0.0.1:8080")
    assert "102.5 %" in text and "5,125.00 EUR" in text and "+33" in text
    assert "rep-emea-1-1" in text and "150.0 %" in text
    assert "http://127.0.0.1:8080/v1/regions/EMEA/dashboard?period=FY2026-Q4" in text
    assert "http://127.0.0.1:8080/docs" in text and "http://127.0.0.1:8080/metrics" in text
