"""Market segments, market share, competitors and intelligence over real gRPC (both databases)."""

from __future__ import annotations

from datetime import date, timedelta

import grpc
import pytest
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.planning.v1 import market_pb2 as pb
from salesops.planning.v1 import market_pb2_grpc

from services.kit.db import Database, utcnow
from services.planning.models.market import CompetitorRecord, IntelEntryRecord, MarketSegmentRecord
from services.planning.tests.market_support import (
    ADMIN,
    ANZ,
    APAC_DIRECTOR,
    DACH,
    DIRECTOR,
    EXECUTIVE,
    REGION_MANAGER,
    REP_1,
    add_customer,
    add_fact,
    channel,
    count,
    db,
    set_rate,
)
from services.planning.tests.test_plans_api import bad_fields, failure, rule_types

__all__ = ["channel", "db"]


@pytest.fixture
def market(channel: grpc.Channel) -> market_pb2_grpc.MarketServiceStub:
    return market_pb2_grpc.MarketServiceStub(channel)


def money(minor: int, currency: str = "EUR") -> common_pb2.Money:
    return common_pb2.Money(currency=currency, amount_minor=minor)


def segment(
    market: market_pb2_grpc.MarketServiceStub,
    name: str,
    size: common_pb2.Money,
    potential: common_pb2.Money,
    *,
    territory: str = DACH,
    period: str = "FY2026-Q3",
    product_line: str = "",
    industry: str = "",
    metadata: list[tuple[str, str]] = REGION_MANAGER,
) -> pb.MarketSegment:
    return market.CreateMarketSegment(
        pb.CreateMarketSegmentRequest(
            territory_id=territory,
            period_code=period,
            segment=pb.MarketSegmentFields(
                name=name,
                size=size,
                potential=potential,
                product_line=product_line,
                industry=industry,
                source="Analyst report 2026",
            ),
        ),
        metadata=metadata,
    ).segment


# -- segments --------------------------------------------------------------


def test_segments_are_unique_per_territory_name_and_period(
    market: market_pb2_grpc.MarketServiceStub, db: Database
) -> None:
    created = segment(market, "Manufacturing", money(1_000_000), money(400_000))
    assert created.region == "EMEA"
    assert created.version == 1
    assert created.audit.created_by == "mgr-region"

    again = failure(lambda: segment(market, "  manufacturing ", money(5), money(1)))
    assert again.code() == grpc.StatusCode.ALREADY_EXISTS, again.details()
    # Another period or territory is another segment.
    segment(market, "Manufacturing", money(900_000), money(1), period="FY2026-Q4")
    segment(
        market,
        "Manufacturing",
        money(900_000, "AUD"),
        money(1, "AUD"),
        territory=ANZ,
        metadata=APAC_DIRECTOR,
    )
    assert count(db, MarketSegmentRecord) == 3


def test_bad_segment_input_names_every_field_and_writes_nothing(
    market: market_pb2_grpc.MarketServiceStub, db: Database
) -> None:
    error = failure(
        lambda: market.CreateMarketSegment(
            pb.CreateMarketSegmentRequest(
                territory_id=DACH,
                period_code="2026-Q3",
                segment=pb.MarketSegmentFields(
                    name=" ", size=money(100), potential=money(50, "USD")
                ),
            ),
            metadata=REGION_MANAGER,
        )
    )
    assert bad_fields(error) == ["period_code", "segment.name", "segment.potential.currency"]
    too_much = failure(lambda: segment(market, "Retail", money(100), money(101)))
    assert bad_fields(too_much) == ["segment.potential.amount_minor"]
    no_size = failure(
        lambda: market.CreateMarketSegment(
            pb.CreateMarketSegmentRequest(
                territory_id=DACH,
                period_code="FY2026",
                segment=pb.MarketSegmentFields(name="Retail", potential=money(1)),
            ),
            metadata=REGION_MANAGER,
        )
    )
    assert bad_fields(no_size) == ["segment.size"]
    assert count(db, MarketSegmentRecord) == 0


def test_segments_are_scoped_by_region_and_written_by_managers(
    market: market_pb2_grpc.MarketServiceStub, db: Database
) -> None:
    created = segment(market, "Retail", money(500_000), money(100_000))
    get = pb.GetMarketSegmentRequest(segment_id=created.segment_id)
    assert market.GetMarketSegment(get, metadata=REP_1).segment.name == "Retail"
    hidden = failure(lambda: market.GetMarketSegment(get, metadata=APAC_DIRECTOR))
    assert hidden.code() == grpc.StatusCode.NOT_FOUND
    listed = market.ListMarketSegments(pb.ListMarketSegmentsRequest(), metadata=APAC_DIRECTOR)
    assert list(listed.segments) == []
    outside = failure(
        lambda: segment(market, "Retail", money(1), money(1), territory=ANZ, period="FY2026")
    )
    assert outside.code() == grpc.StatusCode.NOT_FOUND
    rep = failure(lambda: segment(market, "Wholesale", money(1), money(1), metadata=REP_1))
    assert rep.code() == grpc.StatusCode.PERMISSION_DENIED
    assert count(db, MarketSegmentRecord) == 1


def test_update_segment_checks_the_version_and_uniqueness(
    market: market_pb2_grpc.MarketServiceStub,
) -> None:
    first = segment(market, "Retail", money(500_000), money(100_000))
    segment(market, "Wholesale", money(300_000), money(100_000))

    def update(version: int, name: str) -> pb.MarketSegment:
        return market.UpdateMarketSegment(
            pb.UpdateMarketSegmentRequest(
                segment_id=first.segment_id,
                version=version,
                segment=pb.MarketSegmentFields(
                    name=name, size=money(600_000), potential=money(200_000), notes="revised"
                ),
            ),
            metadata=DIRECTOR,
        ).segment

    updated = update(1, "Retail trade")
    assert (updated.name, updated.size.amount_minor, updated.version) == (
        "Retail trade",
        600_000,
        2,
    )
    assert updated.audit.updated_by == "dir-1"
    stale = failure(lambda: update(1, "Retail again"))
    assert stale.code() == grpc.StatusCode.ABORTED
    clash = failure(lambda: update(2, "WHOLESALE"))
    assert clash.code() == grpc.StatusCode.ALREADY_EXISTS
    missing_version = failure(lambda: update(0, "Retail"))
    assert bad_fields(missing_version) == ["version"]
    got = market.GetMarketSegment(
        pb.GetMarketSegmentRequest(segment_id=first.segment_id), metadata=DIRECTOR
    ).segment
    assert (got.name, got.version) == ("Retail trade", 2)


def test_list_segments_filters_and_pages(market: market_pb2_grpc.MarketServiceStub) -> None:
    for name in ("A", "B", "C"):
        segment(market, name, money(10), money(1))
    segment(market, "D", money(10), money(1), period="FY2026-Q4")
    request = pb.ListMarketSegmentsRequest(
        territory_id=DACH, period_code="FY2026-Q3", page=common_pb2.PageRequest(page_size=2)
    )
    first = market.ListMarketSegments(request, metadata=EXECUTIVE)
    assert len(first.segments) == 2 and first.page.next_page_token
    request.page.page_token = first.page.next_page_token
    second = market.ListMarketSegments(request, metadata=EXECUTIVE)
    names = {s.name for s in [*first.segments, *second.segments]}
    assert names == {"A", "B", "C"} and not second.page.next_page_token


# -- market share ----------------------------------------------------------


def seed_market(db: Database, channel: grpc.Channel) -> None:
    """DACH customers and facts in and around FY2026-Q3 (see the test for what counts)."""
    add_customer(db, "c-de-man", country="DE", industry="Manufacturing")
    add_customer(db, "c-at-ret", country="AT", industry="retail")
    add_customer(db, "c-fr-man", country="FR", industry="manufacturing")
    add_customer(db, "c-de-fin", country="DE", industry="finance")
    add_customer(db, "c-apac-de", region="APAC", country="DE", industry="manufacturing")
    add_fact(db, "c-de-man", 100_000, date(2026, 7, 10), product_line="Analytics")
    add_fact(db, "c-de-man", 50_000, date(2026, 9, 30), product_line="Cloud")
    add_fact(db, "c-de-man", 70_000, date(2026, 10, 1), product_line="Cloud")
    add_fact(db, "c-de-man", 30_000, date(2026, 6, 30), product_line="Cloud")
    add_fact(db, "c-at-ret", 40_000, date(2026, 8, 1), currency="USD", product_line="Analytics")
    add_fact(db, "c-at-ret", -10_000, date(2026, 8, 15), product_line="Analytics", kind="cancelled")
    add_fact(db, "c-fr-man", 999_000, date(2026, 8, 1))
    add_fact(db, "c-de-fin", 888_000, date(2026, 8, 1))
    add_fact(db, "c-apac-de", 777_000, date(2026, 8, 1), region="APAC")
    set_rate(channel, "FY2026-Q3", "USD", "EUR", "0.5")
    set_rate(channel, "FY2026-Q3", "EUR", "USD", "2")


def test_market_share_per_segment_and_in_total(
    market: market_pb2_grpc.MarketServiceStub, db: Database, channel: grpc.Channel
) -> None:
    seed_market(db, channel)
    analytics = segment(
        market, "Analytics", money(1_000_000), money(400_000), product_line="Analytics"
    )
    retail = segment(
        market, "Retail", money(60_000, "USD"), money(30_000, "USD"), industry="Retail"
    )
    whole = segment(market, "Whole market", money(2_000_000), money(500_000))
    segment(market, "Other period", money(5), money(1), period="FY2026-Q2")

    share = market.GetMarketShare(
        pb.GetMarketShareRequest(territory_id=DACH, period_code="FY2026-Q3"), metadata=REP_1
    )
    by_id = {s.segment_id: s for s in share.segments}
    assert set(by_id) == {analytics.segment_id, retail.segment_id, whole.segment_id}
    # Counted: c-de-man 100,000 (Analytics) + 50,000 (Cloud, last day of the quarter),
    # c-at-ret 40,000 USD = 20,000 EUR (Analytics) - 10,000 cancelled (Analytics).
    # Not counted: other countries, industries, regions, days outside the quarter.
    line = by_id[analytics.segment_id]
    assert line.our_revenue == money(110_000)
    assert (line.share_bp, line.potential_captured_bp) == (1_100, 2_750)
    # The retail customer only, in USD: 40,000 USD - 10,000 EUR x 2 = 20,000 USD.
    line = by_id[retail.segment_id]
    assert line.our_revenue == money(20_000, "USD")
    assert (line.share_bp, line.potential_captured_bp) == (3_333, 6_667)  # 3333.3, 6666.7
    line = by_id[whole.segment_id]
    assert line.our_revenue == money(160_000)
    assert line.share_bp == 800
    # Total in the territory's EUR: sizes 1,000,000 + 30,000 (60,000 USD) + 2,000,000.
    assert share.total_size == money(3_030_000)
    assert share.total_revenue == money(160_000)
    assert share.total_share_bp == 528  # 528.05 bp


def test_market_share_without_a_rate_or_outside_the_region(
    market: market_pb2_grpc.MarketServiceStub, db: Database, channel: grpc.Channel
) -> None:
    seed_market(db, channel)
    add_fact(db, "c-at-ret", 40_000, date(2026, 5, 1), currency="USD")
    segment(market, "Whole market", money(2_000_000), money(500_000), period="FY2026-Q2")
    request = pb.GetMarketShareRequest(territory_id=DACH, period_code="FY2026-Q2")
    missing = failure(lambda: market.GetMarketShare(request, metadata=DIRECTOR))
    assert rule_types(missing) == ["FX_RATE"]
    hidden = failure(lambda: market.GetMarketShare(request, metadata=APAC_DIRECTOR))
    assert hidden.code() == grpc.StatusCode.NOT_FOUND
    bad = failure(
        lambda: market.GetMarketShare(pb.GetMarketShareRequest(period_code="Q2"), metadata=DIRECTOR)
    )
    assert bad_fields(bad) == ["period_code", "territory_id"]
    empty = market.GetMarketShare(
        pb.GetMarketShareRequest(territory_id=DACH, period_code="FY2025"), metadata=DIRECTOR
    )
    assert list(empty.segments) == [] and empty.total_share_bp == 0


# -- competitors -----------------------------------------------------------


def competitor(
    market: market_pb2_grpc.MarketServiceStub,
    name: str,
    metadata: list[tuple[str, str]] = REGION_MANAGER,
    **fields: object,
) -> pb.Competitor:
    return market.CreateCompetitor(
        pb.CreateCompetitorRequest(competitor=pb.CompetitorFields(name=name, **fields)),  # type: ignore[arg-type]
        metadata=metadata,
    ).competitor


def test_competitors_are_shared_unique_by_normalised_name_and_written_by_managers(
    market: market_pb2_grpc.MarketServiceStub, db: Database
) -> None:
    acme = competitor(
        market,
        "Acme Inc.",
        website="https://www.Acme.com/about",
        products=["Acme BI", " acme bi ", "Acme Cloud"],
        strengths=["Price"],
        weaknesses=["Support"],
    )
    assert acme.website == "acme.com"
    assert list(acme.products) == ["Acme BI", "Acme Cloud"]
    duplicate = failure(lambda: competitor(market, "ACME GmbH"))
    assert duplicate.code() == grpc.StatusCode.ALREADY_EXISTS
    rep = failure(lambda: competitor(market, "Globex", metadata=REP_1))
    assert rep.code() == grpc.StatusCode.PERMISSION_DENIED
    bad = failure(lambda: competitor(market, "", website="not a site", strengths=["x" * 201]))
    assert bad_fields(bad) == ["competitor.name", "competitor.strengths[0]", "competitor.website"]
    assert count(db, CompetitorRecord) == 1
    # Every region reads them.
    got = market.GetCompetitor(
        pb.GetCompetitorRequest(competitor_id=acme.competitor_id), metadata=APAC_DIRECTOR
    )
    assert got.competitor.name == "Acme Inc."


def test_update_and_archive_competitor(market: market_pb2_grpc.MarketServiceStub) -> None:
    acme = competitor(market, "Acme")
    globex = competitor(market, "Globex")

    def update(version: int, name: str) -> pb.Competitor:
        return market.UpdateCompetitor(
            pb.UpdateCompetitorRequest(
                competitor_id=acme.competitor_id,
                version=version,
                competitor=pb.CompetitorFields(name=name, strengths=["Brand"]),
            ),
            metadata=DIRECTOR,
        ).competitor

    updated = update(1, "Acme Corp")
    assert (updated.name, list(updated.strengths), updated.version) == ("Acme Corp", ["Brand"], 2)
    assert failure(lambda: update(1, "Acme")).code() == grpc.StatusCode.ABORTED
    assert failure(lambda: update(2, "Globex Ltd")).code() == grpc.StatusCode.ALREADY_EXISTS

    archived = market.ArchiveCompetitor(
        pb.ArchiveCompetitorRequest(competitor_id=acme.competitor_id), metadata=ADMIN
    ).competitor
    assert archived.archived
    assert rule_types(failure(lambda: update(archived.version, "Acme"))) == ["ARCHIVED"]
    active = market.ListCompetitors(pb.ListCompetitorsRequest(), metadata=REP_1).competitors
    assert [c.competitor_id for c in active] == [globex.competitor_id]
    every = market.ListCompetitors(
        pb.ListCompetitorsRequest(include_archived=True), metadata=REP_1
    ).competitors
    assert {c.competitor_id for c in every} == {acme.competitor_id, globex.competitor_id}


# -- intelligence ----------------------------------------------------------


def record(
    market: market_pb2_grpc.MarketServiceStub,
    competitor_id: str,
    title: str,
    *,
    kind: int = pb.INTEL_KIND_PRICE_CHANGE,
    observed_on: str = "2026-08-01",
    territory_id: str = "",
    region: str = "EMEA",
    details: str = "",
    metadata: list[tuple[str, str]] = REP_1,
) -> pb.IntelEntry:
    return market.RecordIntel(
        pb.RecordIntelRequest(
            competitor_id=competitor_id,
            territory_id=territory_id,
            region=region,
            kind=kind,  # type: ignore[arg-type]
            title=title,
            details=details,
            source="trade fair",
            observed_on=observed_on,
        ),
        metadata=metadata,
    ).entry


def test_record_intel_rules(market: market_pb2_grpc.MarketServiceStub, db: Database) -> None:
    acme = competitor(market, "Acme")
    entry = record(market, acme.competitor_id, "Acme cut prices", territory_id=DACH, region="")
    assert (entry.region, entry.territory_id, entry.recorded_by) == ("EMEA", DACH, "rep-1")
    assert entry.competitor_name == "Acme"
    tomorrow = (utcnow().date() + timedelta(days=1)).isoformat()
    bad = failure(
        lambda: market.RecordIntel(
            pb.RecordIntelRequest(competitor_id=acme.competitor_id, observed_on=tomorrow),
            metadata=REP_1,
        )
    )
    assert bad_fields(bad) == ["kind", "observed_on", "region", "title"]
    unknown = failure(lambda: record(market, "nope", "x"))
    assert unknown.code() == grpc.StatusCode.NOT_FOUND
    elsewhere = failure(lambda: record(market, acme.competitor_id, "x", region="APAC"))
    assert elsewhere.code() == grpc.StatusCode.PERMISSION_DENIED
    mismatch = failure(
        lambda: record(market, acme.competitor_id, "x", territory_id=DACH, region="APAC")
    )
    assert bad_fields(mismatch) == ["region"]
    market.ArchiveCompetitor(
        pb.ArchiveCompetitorRequest(competitor_id=acme.competitor_id), metadata=DIRECTOR
    )
    assert rule_types(failure(lambda: record(market, acme.competitor_id, "x"))) == ["ARCHIVED"]
    assert count(db, IntelEntryRecord) == 1


def test_search_intel(market: market_pb2_grpc.MarketServiceStub, db: Database) -> None:
    acme = competitor(market, "Acme")
    globex = competitor(market, "Globex")
    price = record(
        market,
        acme.competitor_id,
        "ÄRGER über Preise",
        details="Acme cut list prices by 20% for 100_000+ deals",
        observed_on="2026-08-01",
    )
    product = record(
        market,
        acme.competitor_id,
        "New BI suite",
        kind=pb.INTEL_KIND_NEW_PRODUCT,
        observed_on="2026-09-15",
        territory_id=DACH,
        region="",
    )
    lost = record(
        market,
        globex.competitor_id,
        "Lost Initech",
        kind=pb.INTEL_KIND_DEAL_LOST,
        details="They undercut our PRICE",
        observed_on="2026-07-01",
    )
    record(market, globex.competitor_id, "APAC news", region="APAC", metadata=APAC_DIRECTOR)

    def search(**filters: object) -> list[str]:
        reply = market.ListIntel(pb.ListIntelRequest(**filters), metadata=REP_1)  # type: ignore[arg-type]
        return [e.intel_id for e in reply.entries]

    # Newest observation first; another region's entry is absent.
    assert search() == [product.intel_id, price.intel_id, lost.intel_id]
    assert search(q="price") == [price.intel_id, lost.intel_id]
    assert search(q="ärger") == [price.intel_id]  # case-insensitive beyond ASCII
    assert search(q="100_000") == [price.intel_id]  # "_" is not a wildcard
    assert search(q="20%") == [price.intel_id]
    assert search(q="nowhere") == []
    assert search(competitor_id=globex.competitor_id) == [lost.intel_id]
    assert search(kind=pb.INTEL_KIND_DEAL_LOST) == [lost.intel_id]
    assert search(territory_id=DACH) == [product.intel_id]
    assert search(observed_from="2026-07-02", observed_to="2026-08-01") == [price.intel_id]
    assert search(region="APAC") == []
    bad = failure(lambda: search(observed_from="2026-09-01", observed_to="2026-08-01"))
    assert bad_fields(bad) == ["observed_to"]
    first = market.ListIntel(
        pb.ListIntelRequest(page=common_pb2.PageRequest(page_size=2)), metadata=REP_1
    )
    rest = market.ListIntel(
        pb.ListIntelRequest(
            page=common_pb2.PageRequest(page_size=2, page_token=first.page.next_page_token)
        ),
        metadata=REP_1,
    )
    assert [e.intel_id for e in [*first.entries, *rest.entries]] == search()
    hidden = failure(
        lambda: market.GetIntel(pb.GetIntelRequest(intel_id=price.intel_id), metadata=APAC_DIRECTOR)
    )
    assert hidden.code() == grpc.StatusCode.NOT_FOUND
    with db.transaction() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(IntelEntryRecord)) == 4
