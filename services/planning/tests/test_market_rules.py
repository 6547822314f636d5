"""Market research rules: segments, share rounding, competitors, intelligence, search patterns."""

from __future__ import annotations

from datetime import date

import pytest

from services.kit.errors import InvalidArgument, PermissionDenied
from services.planning.domain import market as domain
from services.planning.domain.market import IntelKind


def segment(**overrides: object) -> domain.SegmentFields:
    fields: dict[str, object] = {
        "name": " Retail  trade ",
        "size_currency": "eur",
        "size_minor": 1_000,
        "has_size": True,
        "potential_currency": "EUR",
        "potential_minor": 400,
        "has_potential": True,
        "product_line": "",
        "industry": " Retail ",
        "source": "",
        "notes": "",
    }
    fields.update(overrides)
    return domain.check_segment(**fields)  # type: ignore[arg-type]


def fields_of(error: pytest.ExceptionInfo[InvalidArgument]) -> list[str]:
    return sorted(v.field for v in error.value.violations)


def test_segment_is_cleaned() -> None:
    fields = segment()
    assert (fields.name, fields.currency, fields.industry) == ("Retail trade", "EUR", "retail")
    assert domain.name_key(" RETAIL   Trade") == domain.name_key("retail trade")


def test_segment_reports_every_bad_field() -> None:
    with pytest.raises(InvalidArgument) as error:
        segment(name="", size_minor=0, potential_minor=-1, notes="x" * 10_001)
    assert fields_of(error) == [
        "segment.name",
        "segment.notes",
        "segment.potential.amount_minor",
        "segment.size.amount_minor",
    ]
    with pytest.raises(InvalidArgument) as error:
        segment(potential_minor=1_001)
    assert fields_of(error) == ["segment.potential.amount_minor"]
    assert segment(potential_minor=1_000).potential_minor == 1_000  # the whole market may be ours


def test_share_is_basis_points_rounded_half_up() -> None:
    assert domain.share_bp(1, 3) == 3_333
    assert domain.share_bp(2, 3) == 6_667
    assert domain.share_bp(1, 20_000) == 1  # 0.5 bp rounds up
    assert domain.share_bp(-10, 1_000) == -100  # cancellations beyond the period's sales
    assert domain.share_bp(5, 0) == 0


def test_only_managers_directors_and_admins_edit_market_research() -> None:
    for role in ("manager", "director", "admin"):
        domain.require_market_editor(frozenset({role}), "competitors")
    for role in ("rep", "executive"):
        with pytest.raises(PermissionDenied):
            domain.require_market_editor(frozenset({role}), "competitors")


def test_competitor_profile() -> None:
    fields = domain.check_competitor(
        name=" Acme,  Inc. ",
        website="HTTPS://www.acme.com/x",
        products=["BI", "bi", " ", "Cloud"],
        strengths=[],
        weaknesses=["Support"],
        notes="",
    )
    assert (fields.name, fields.name_key, fields.website) == ("Acme, Inc.", "acme", "acme.com")
    assert fields.products == ["BI", "Cloud"]
    with pytest.raises(InvalidArgument) as error:
        domain.check_competitor(
            name="Inc.",
            website="nope",
            products=[f"p{i}" for i in range(51)],
            strengths=["s" * 201],
            weaknesses=[],
            notes="",
        )
    assert fields_of(error) == [
        "competitor.name",
        "competitor.products",
        "competitor.strengths[0]",
        "competitor.website",
    ]


def test_intel_observed_date_is_not_in_the_future() -> None:
    today = date(2026, 8, 10)
    entry = domain.check_intel(
        competitor_id="c1",
        territory_id="",
        region="emea",
        kind=IntelKind.PRICE_CHANGE,
        title=" Price  cut ",
        details="",
        source="",
        observed_on="2026-08-10",
        today=today,
    )
    assert (entry.region, entry.title, entry.observed_on) == ("EMEA", "Price cut", today)
    with pytest.raises(InvalidArgument) as error:
        domain.check_intel(
            competitor_id="",
            territory_id="t1",
            region="",
            kind=None,
            title="",
            details="",
            source="",
            observed_on="2026-08-11",
            today=today,
        )
    assert fields_of(error) == ["competitor_id", "kind", "observed_on", "title"]


def test_search_text_and_like_pattern() -> None:
    assert domain.search_text("ÄRGER", "über  Preise") == "ärger über preise"
    assert domain.like_pattern(" 100_000 ") == "%100\\_000%"
    assert domain.like_pattern("20%") == "%20\\%%"
    assert domain.like_pattern("a\\b") == "%a\\\\b%"
