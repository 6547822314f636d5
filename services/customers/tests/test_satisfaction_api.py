"""SatisfactionService over real gRPC on SQLite and PostgreSQL: recording, imports, lists,
and NPS/CSAT figures (hand-computed) with a fiscal year that starts in April."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from google.protobuf.timestamp_pb2 import Timestamp
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from nameko.testing.services import worker_factory
from salesops.customers.v1 import satisfaction_pb2 as pb
from salesops.customers.v1 import satisfaction_pb2_grpc

from services.customers.models.accounts import CustomerRecord
from services.customers.models.health import CustomerHealthRecord
from services.customers.models.satisfaction import SurveyResponseRecord
from services.customers.worker import Worker
from services.kit.db import Database, utcnow
from services.kit.testing import caller

from .satisfaction_support import at, contact_of, events_of, open_account

MANAGER = caller("mgr-1", "manager", "EMEA")
REP_1 = caller("rep-1", "rep", "EMEA")
REP_2 = caller("rep-2", "rep", "EMEA")
APAC = caller("mgr-apac", "manager", "APAC")
DIRECTOR = caller("dir", "director", "EMEA,APAC")
CSAT, NPS = pb.SURVEY_KIND_CSAT, pb.SURVEY_KIND_NPS


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    return migrated("customers", database_url)


@pytest.fixture
def worker(db: Database) -> Any:
    return worker_factory(Worker, db=db)


@pytest.fixture
def stub(
    db: Database,
    serve_api: Callable[[str, Database], grpc.Channel],
    monkeypatch: pytest.MonkeyPatch,
) -> Any:
    monkeypatch.setenv("SALESOPS_FISCAL_YEAR_START_MONTH", "4")
    return satisfaction_pb2_grpc.SatisfactionServiceStub(serve_api("customers", db))


@pytest.fixture
def accounts(worker: Any, db: Database) -> dict[str, str]:
    """rep-1's and rep-2's EMEA accounts and an APAC one."""
    return {
        "one": open_account(worker, db, "One GmbH", owner_id="rep-1"),
        "two": open_account(worker, db, "Two GmbH", owner_id="rep-2"),
        "apac": open_account(worker, db, "Asia Ltd", region="APAC", owner_id="rep-9"),
    }


def stamp(when: datetime) -> Timestamp:
    value = Timestamp()
    value.FromDatetime(when)
    return value


def record(
    stub: Any, customer_id: str, kind: int, score: int, who: Any = MANAGER, **fields: Any
) -> pb.SurveyResponse:
    if isinstance(fields.get("responded_at"), datetime):
        fields["responded_at"] = stamp(fields["responded_at"])
    request = pb.RecordSurveyResponseRequest(
        customer_id=customer_id, kind=kind, score=score, **fields
    )
    return stub.RecordSurveyResponse(request, metadata=who).response


def failure(call: Callable[[], object]) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return caught.value


def fields_of(error: grpc.RpcError) -> set[str]:
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    details = error_details_pb2.BadRequest()
    assert status is not None and status.details[0].Unpack(details)
    return {v.field for v in details.field_violations}


def responses(db: Database) -> int:
    with db.transaction() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(SurveyResponseRecord)))


def test_a_response_is_recorded_with_its_event_and_reassesses_the_account(
    stub: Any, db: Database, accounts: dict[str, str]
) -> None:
    contact = contact_of(db, accounts["one"])
    response = record(
        stub,
        accounts["one"],
        NPS,
        9,
        contact_id=contact,
        channel=pb.SURVEY_CHANNEL_EMAIL,
        comment="Great support",
        external_id="typeform-1",
    )
    assert (response.region, response.score, response.comment) == ("EMEA", 9, "Great support")
    assert response.nps_category == pb.NPS_CATEGORY_PROMOTER
    assert response.source == pb.SURVEY_SOURCE_API and response.created_by == "mgr-1"
    assert response.contact_id == contact and response.external_id == "typeform-1"
    responded = response.responded_at.ToDatetime()
    assert abs((utcnow().replace(tzinfo=None) - responded).total_seconds()) < 60
    (event,) = events_of(db, "customers.satisfaction.recorded")
    assert event["region"] == "EMEA" and event["actor"] == "mgr-1"
    payload = event["payload"]
    assert {k: payload[k] for k in ("customer_id", "owner_id", "kind", "score", "source")} == {
        "customer_id": accounts["one"],
        "owner_id": "rep-1",
        "kind": "nps",
        "score": 9,
        "source": "api",
    }
    assert payload["nps_category"] == "promoter" and payload["channel"] == "email"
    assert payload["responded_at"].endswith("Z")
    with db.transaction() as session:
        health = session.get(CustomerHealthRecord, accounts["one"])
        assert health is not None and health.band != "" and health.score > 0


def test_recording_is_scoped_checked_and_writes_nothing_when_refused(
    stub: Any, db: Database, accounts: dict[str, str]
) -> None:
    one = accounts["one"]
    not_theirs = failure(lambda: record(stub, one, CSAT, 4, REP_2))
    assert not_theirs.code() == grpc.StatusCode.NOT_FOUND
    other_region = failure(lambda: record(stub, one, CSAT, 4, APAC))
    assert other_region.code() == grpc.StatusCode.NOT_FOUND
    executive = failure(lambda: record(stub, one, CSAT, 4, caller("ceo", "executive", "*")))
    assert executive.code() == grpc.StatusCode.PERMISSION_DENIED
    bad = failure(lambda: record(stub, one, CSAT, 6, responded_at=utcnow() + timedelta(days=1)))
    assert bad.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert fields_of(bad) == {"score", "responded_at"}
    no_kind = failure(lambda: record(stub, one, pb.SURVEY_KIND_UNSPECIFIED, 3))
    assert fields_of(no_kind) == {"kind"}
    no_score = failure(
        lambda: stub.RecordSurveyResponse(
            pb.RecordSurveyResponseRequest(customer_id=one, kind=NPS), metadata=MANAGER
        )
    )
    assert fields_of(no_score) == {"score"}
    foreign_contact = contact_of(db, accounts["two"])
    wrong_contact = failure(lambda: record(stub, one, CSAT, 4, contact_id=foreign_contact))
    assert fields_of(wrong_contact) == {"contact_id"}
    assert responses(db) == 0 and events_of(db, "customers.satisfaction.recorded") == []

    with db.transaction() as session:
        session.execute(
            sa.update(CustomerRecord)
            .where(CustomerRecord.customer_id == accounts["two"])
            .values(merged_into=one, status="merged")
        )
    merged = failure(lambda: record(stub, accounts["two"], CSAT, 4))
    assert fields_of(merged) == {"customer_id"}
    assert responses(db) == 0

    assert record(stub, one, NPS, 0, REP_1, external_id="ext-1").score == 0  # 0 is a score
    again = failure(lambda: record(stub, one, NPS, 3, external_id="ext-1"))
    assert again.code() == grpc.StatusCode.ALREADY_EXISTS
    assert responses(db) == 1


def row(number: int, customer_id: str, kind: int, score: int | None, **fields: Any) -> Any:
    values: dict[str, Any] = {"row_number": number, "customer_id": customer_id, "kind": kind}
    if score is not None:
        values["score"] = score
    return pb.SurveyImportRow(**values, **fields)


def test_an_import_records_the_good_rows_and_names_what_is_wrong_with_the_others(
    stub: Any, db: Database, accounts: dict[str, str]
) -> None:
    one, two, apac = accounts["one"], accounts["two"], accounts["apac"]
    record(stub, one, NPS, 10, external_id="seen-before")
    rows = [
        row(2, one, NPS, 10),
        row(3, one, CSAT, 0),
        row(4, "no-such-customer", CSAT, 4),
        row(5, apac, CSAT, 4),
        row(6, two, CSAT, 5, external_id="x-1"),
        row(7, one, CSAT, 3, external_id="x-1"),
        row(8, two, NPS, 7, external_id="seen-before"),
        row(9, one, CSAT, 4, contact_id=contact_of(db, two)),
        row(10, two, NPS, None, comment="forgot the score"),
        row(11, two, NPS, 6, channel=pb.SURVEY_CHANNEL_PHONE),
    ]
    result = stub.ImportSurveyResponses(
        pb.ImportSurveyResponsesRequest(rows=rows), metadata=MANAGER
    )
    outcomes = {r.row_number: r.WhichOneof("outcome") for r in result.results}
    assert outcomes == {
        2: "recorded",
        3: "invalid",
        4: "invalid",
        5: "invalid",
        6: "recorded",
        7: "duplicate",
        8: "duplicate",
        9: "invalid",
        10: "invalid",
        11: "recorded",
    }
    assert (result.recorded_count, result.duplicate_count, result.invalid_count) == (3, 2, 5)
    by_row = {r.row_number: r for r in result.results}
    assert [v.field for v in by_row[3].invalid.violations] == ["score"]
    assert by_row[4].invalid.violations[0].field == "customer_id"
    # Another region's account is as unknown as a missing one.
    assert by_row[5].invalid.violations[0].description == (
        by_row[4].invalid.violations[0].description.replace("no-such-customer", apac)
    )
    assert by_row[7].duplicate.duplicate_of_row_number == 6
    assert by_row[8].duplicate.response_id != ""
    assert [v.field for v in by_row[9].invalid.violations] == ["contact_id"]
    assert [v.field for v in by_row[10].invalid.violations] == ["score"]
    assert responses(db) == 4
    recorded = events_of(db, "customers.satisfaction.recorded")
    assert [e["payload"]["source"] for e in recorded] == ["api", "import", "import", "import"]
    with db.transaction() as session:
        stored = session.get(SurveyResponseRecord, by_row[11].recorded.response_id)
        assert stored is not None and (stored.channel, stored.score) == ("phone", 6)

    rep = stub.ImportSurveyResponses(
        pb.ImportSurveyResponsesRequest(rows=[row(0, one, CSAT, 5), row(0, two, CSAT, 5)]),
        metadata=REP_1,
    )
    assert [r.row_number for r in rep.results] == [1, 2]
    assert [r.WhichOneof("outcome") for r in rep.results] == ["recorded", "invalid"]
    refused = failure(
        lambda: stub.ImportSurveyResponses(
            pb.ImportSurveyResponsesRequest(rows=[row(0, one, CSAT, 5)]),
            metadata=caller("ceo", "executive", "*"),
        )
    )
    assert refused.code() == grpc.StatusCode.PERMISSION_DENIED


def test_lists_are_scoped(stub: Any, accounts: dict[str, str]) -> None:
    record(stub, accounts["one"], NPS, 9)
    record(stub, accounts["two"], CSAT, 2)
    record(stub, accounts["apac"], NPS, 1, APAC)

    def listed(who: Any, **filters: Any) -> list[str]:
        got = stub.ListSurveyResponses(pb.ListSurveyResponsesRequest(**filters), metadata=who)
        return sorted(r.customer_id for r in got.responses)

    assert listed(MANAGER) == sorted([accounts["one"], accounts["two"]])
    assert listed(REP_1) == [accounts["one"]]
    assert listed(MANAGER, kind=CSAT) == [accounts["two"]]
    assert listed(DIRECTOR, region="apac") == [accounts["apac"]]
    assert listed(MANAGER, region="APAC") == []
    assert listed(MANAGER, customer_id=accounts["two"]) == [accounts["two"]]
    hidden = failure(lambda: listed(REP_1, customer_id=accounts["two"]))
    assert hidden.code() == grpc.StatusCode.NOT_FOUND
    page = stub.ListSurveyResponses(
        pb.ListSurveyResponsesRequest(page={"page_size": 1}), metadata=MANAGER
    )
    assert len(page.responses) == 1 and page.page.next_page_token


def nps_of(stub: Any, who: Any = MANAGER, group_by: int = 0, **filters: Any) -> pb.GetNpsResponse:
    request = pb.GetNpsRequest(filter=pb.NpsFilter(**filters), group_by=group_by)
    return stub.GetNps(request, metadata=who)


def figures(message: pb.SatisfactionFigures) -> tuple[Any, ...]:
    return (
        message.nps_responses,
        message.promoters,
        message.passives,
        message.detractors,
        message.nps_bp if message.HasField("nps_bp") else None,
        message.csat_responses,
        message.csat_score_sum,
        message.csat_average_hundredths if message.HasField("csat_average_hundredths") else None,
        message.csat_satisfied_bp if message.HasField("csat_satisfied_bp") else None,
    )


def test_nps_and_csat_of_a_fiscal_quarter_hand_computed(
    stub: Any, db: Database, accounts: dict[str, str]
) -> None:
    one, two, apac = accounts["one"], accounts["two"], accounts["apac"]
    # FY2027-Q1 runs from 2026-04-01 to 2026-07-01 with the fiscal year from April.
    record(stub, one, NPS, 10, responded_at=at("2026-03-31T23:59"))  # FY2026-Q4
    record(stub, one, NPS, 10, responded_at=at("2026-04-01T00:00"))
    record(stub, one, NPS, 9, responded_at=at("2026-05-10"))
    record(stub, two, NPS, 8, responded_at=at("2026-05-11"))
    record(stub, two, NPS, 3, responded_at=at("2026-06-30T23:59"))
    record(stub, two, NPS, 0, responded_at=at("2026-07-01T00:00"))  # FY2027-Q2
    record(stub, one, CSAT, 5, responded_at=at("2026-04-02"))
    record(stub, two, CSAT, 4, responded_at=at("2026-04-03"))
    record(stub, two, CSAT, 4, responded_at=at("2026-04-04"))
    record(stub, apac, NPS, 0, APAC, responded_at=at("2026-05-01"))
    record(stub, apac, CSAT, 1, APAC, responded_at=at("2026-05-01"))

    q1 = nps_of(stub, period="FY2027-Q1")
    assert (q1.period.code, q1.filter.period, q1.own_accounts_only) == ("FY2027-Q1",) * 2 + (False,)
    assert q1.period.starts_at.ToDatetime().isoformat() == "2026-04-01T00:00:00"
    # NPS: 2 promoters, 1 passive, 1 detractor of 4 -> (2 - 1) / 4 = +25.00
    # CSAT: 5 + 4 + 4 = 13 of 3 -> 4.33; all 3 satisfied
    assert figures(q1.total) == (4, 2, 1, 1, 2_500, 3, 13, 433, 10_000)
    assert q1.groups == []

    # The APAC responses never enter an EMEA manager's figures, whatever is asked.
    assert figures(nps_of(stub, period="FY2027-Q1", region="APAC").total)[0] == 0
    rep = nps_of(stub, REP_1, period="FY2027-Q1")
    assert rep.own_accounts_only
    assert figures(rep.total) == (2, 2, 0, 0, 10_000, 1, 5, 500, 10_000)  # all promoters
    rep_2 = nps_of(stub, REP_2, period="FY2027-Q1")
    assert figures(rep_2.total)[:5] == (2, 0, 1, 1, -5_000)

    by_region = nps_of(stub, DIRECTOR, pb.NPS_DIMENSION_REGION, period="FY2027-Q1")
    assert [(g.key, figures(g)[4]) for g in by_region.groups] == [
        ("APAC", -10_000),
        ("EMEA", 2_500),
    ]
    assert figures(by_region.total)[:5] == (5, 2, 1, 2, 0)  # (2 - 2) / 5: balanced, not empty

    year = nps_of(stub, group_by=pb.NPS_DIMENSION_PERIOD, period="FY2027")
    assert [(g.key, g.nps_responses) for g in year.groups] == [
        ("FY2027-Q1", 4),
        ("FY2027-Q2", 1),
        ("FY2027-Q3", 0),
        ("FY2027-Q4", 0),
    ]
    assert not year.groups[2].HasField("nps_bp")  # no response: no NPS
    assert figures(year.groups[1])[4] == -10_000
    months = nps_of(stub, group_by=pb.NPS_DIMENSION_PERIOD, period="FY2027-Q1")
    assert [(g.key, g.nps_responses) for g in months.groups] == [
        ("FY2027-M01", 1),
        ("FY2027-M02", 2),
        ("FY2027-M03", 1),
    ]
    previous = nps_of(stub, period="fy2026-q4")
    assert figures(previous.total)[:5] == (1, 1, 0, 0, 10_000)

    empty = nps_of(stub, period="FY2030")
    assert figures(empty.total) == (0, 0, 0, 0, None, 0, 0, None, None)


def test_nps_by_segment(stub: Any, db: Database, accounts: dict[str, str]) -> None:
    one, two = accounts["one"], accounts["two"]
    with db.transaction() as session:
        session.execute(
            sa.update(CustomerRecord).where(CustomerRecord.customer_id == one).values(tier="A")
        )
    record(stub, one, NPS, 10, responded_at=at("2026-05-01"))
    record(stub, two, NPS, 5, responded_at=at("2026-05-01"))
    record(stub, two, NPS, 9, responded_at=at("2026-05-02"))
    segments = nps_of(stub, group_by=pb.NPS_DIMENSION_SEGMENT, period="FY2027")
    assert [(g.key, g.nps_bp) for g in segments.groups] == [("", 0), ("A", 10_000)]
    only_a = nps_of(stub, period="FY2027", segment="a")
    assert only_a.filter.segment == "A" and figures(only_a.total)[:5] == (1, 1, 0, 0, 10_000)


def test_bad_figure_requests_name_the_field(stub: Any) -> None:
    missing = failure(lambda: nps_of(stub))
    assert missing.code() == grpc.StatusCode.INVALID_ARGUMENT and fields_of(missing) == {"period"}
    assert fields_of(failure(lambda: nps_of(stub, period="2027"))) == {"period"}
    assert fields_of(failure(lambda: nps_of(stub, group_by=9, period="FY2027"))) == {"group_by"}
    platform = failure(lambda: nps_of(stub, caller("ops", "platform", "EMEA"), period="FY2027"))
    assert platform.code() == grpc.StatusCode.PERMISSION_DENIED
