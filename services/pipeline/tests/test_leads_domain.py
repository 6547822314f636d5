"""Lead rules without a database: validation, normalisation, duplicates, the state machine,
assignment and the first-contact SLA."""

from datetime import UTC, datetime, timedelta

import pytest

from services.kit.config import ConfigError
from services.kit.errors import FailedPrecondition, InvalidArgument
from services.pipeline.domain import leads as domain
from services.pipeline.domain.leads import LeadStatus


def valid(**overrides: str) -> dict[str, str]:
    fields = {
        "region": "emea",
        "company_name": "  Acme   GmbH ",
        "contact_name": "Jo Doe",
        "contact_email": " Jo@Acme.Example ",
        "source": "Web",
        "owner_id": "alice",
    }
    fields.update(overrides)
    return fields


def test_a_lead_is_normalised() -> None:
    lead = domain.validate_new_lead(**valid(country="de"))
    assert (lead.region, lead.company_name, lead.contact_email, lead.source, lead.country) == (
        "EMEA",
        "Acme GmbH",
        "jo@acme.example",
        "web",
        "DE",
    )


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(InvalidArgument) as caught:
        domain.validate_new_lead(
            **valid(region="x", company_name=" ", contact_email="nope", country="Germany")
        )
    assert [v.field for v in caught.value.violations] == [
        "region",
        "company_name",
        "contact_email",
        "country",
    ]


def test_a_lead_needs_an_email_or_a_phone() -> None:
    with pytest.raises(InvalidArgument) as caught:
        domain.validate_new_lead(**valid(contact_email=""))
    assert caught.value.violations[0].field == "contact_email"
    assert domain.validate_new_lead(**valid(contact_email="", contact_phone="+49 30 1234567"))


def test_unknown_source_is_refused_with_the_accepted_ones() -> None:
    with pytest.raises(InvalidArgument) as caught:
        domain.validate_new_lead(**valid(source="carrier pigeon"))
    assert "referral" in caught.value.violations[0].description


def test_text_is_unicode_normalised() -> None:
    decomposed = "Cafe\u0301 Ltd"  # e + combining acute accent
    assert domain.validate_new_lead(**valid(company_name=decomposed)).company_name == "Café Ltd"


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (LeadStatus.NEW, LeadStatus.QUALIFIED),
        (LeadStatus.NEW, LeadStatus.DISQUALIFIED),
        (LeadStatus.QUALIFIED, LeadStatus.CONVERTED),
        (LeadStatus.QUALIFIED, LeadStatus.DISQUALIFIED),
    ],
)
def test_allowed_moves(current: LeadStatus, target: LeadStatus) -> None:
    domain.require_transition("L1", current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (LeadStatus.NEW, LeadStatus.CONVERTED),
        (LeadStatus.CONVERTED, LeadStatus.QUALIFIED),
        (LeadStatus.DISQUALIFIED, LeadStatus.QUALIFIED),
        (LeadStatus.CONVERTED, LeadStatus.CONVERTED),
    ],
)
def test_refused_moves_name_the_rule(current: LeadStatus, target: LeadStatus) -> None:
    with pytest.raises(FailedPrecondition) as caught:
        domain.require_transition("L1", current, target)
    violation = caught.value.violations[0]
    assert violation.type == "STATE"
    assert violation.subject == "leads/L1"
    assert current.value in violation.description


def test_disqualify_needs_a_reason() -> None:
    with pytest.raises(InvalidArgument) as caught:
        domain.validate_disqualify_reason("   ")
    assert caught.value.violations[0].field == "reason"
    assert domain.validate_disqualify_reason(" budget  gone ") == "budget gone"


# --- size, campaign, owner -------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "band"),
    [
        ("", ""),
        ("50-249", "50-249"),
        (" 250+ ", "250+"),
        ("1", "1-49"),
        ("49", "1-49"),
        ("50", "50-249"),
        ("249", "50-249"),
        ("250", "250+"),
        ("120000", "250+"),
    ],
)
def test_company_size_is_a_band_or_a_head_count(given: str, band: str) -> None:
    assert domain.validate_new_lead(**valid(company_size=given)).company_size == band


@pytest.mark.parametrize("given", ["0", "huge", "10-20", "-5"])
def test_an_unknown_company_size_names_the_bands(given: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        domain.validate_new_lead(**valid(company_size=given))
    violation = caught.value.violations[0]
    assert violation.field == "company_size" and "50-249" in violation.description


def test_owner_and_campaign_are_optional_and_cleaned() -> None:
    lead = domain.validate_new_lead(**valid(owner_id="", campaign="  Spring   Webinar "))
    assert (lead.owner_id, lead.campaign) == ("", "Spring Webinar")
    with pytest.raises(InvalidArgument) as caught:
        domain.validate_new_lead(**valid(campaign="x" * 101))
    assert caught.value.violations[0].field == "campaign"


# --- duplicates ------------------------------------------------------------------------


def keys(email: str = "", phone: str = "", company: str = "") -> domain.LeadKeys:
    return domain.lead_keys(contact_email=email, contact_phone=phone, company_name=company)


def test_matching_keys_are_normalised() -> None:
    assert keys(" Jo.Doe@Acme.EXAMPLE ", "+49 (30) 123-456", "ACME GmbH") == domain.LeadKeys(
        "jo.doe@acme.example", "+4930123456", "acme"
    )
    assert keys(phone="030 / 123.456").phone == "030123456"
    assert keys(company="Acme, Inc.").name == keys(company="acme").name
    assert keys(company="Société  Générale").name == keys(company="SOCIETE-GENERALE").name


def test_a_duplicate_is_found_by_email_then_phone_then_company() -> None:
    index = domain.DuplicateIndex()
    index.add("EMEA", keys("a@x.example", "+4930111", "Acme"), "L1")
    index.add("EMEA", keys("b@x.example", "+4930222", "Other"), "L2")
    # Email wins over a company name that matches another lead.
    found = index.match("EMEA", keys("B@X.example", "", "Acme AG"))
    assert found == domain.DuplicateMatch("L2", "contact_email")
    assert index.match("EMEA", keys("c@x.example", "+49 30 111", "")) == domain.DuplicateMatch(
        "L1", "contact_phone"
    )
    assert index.match("EMEA", keys("c@x.example", "", "ACME Ltd.")) == domain.DuplicateMatch(
        "L1", "company_name"
    )
    assert index.match("EMEA", keys("c@x.example", "+1 555", "New Co")) is None


def test_empty_keys_never_match_and_regions_do_not_mix() -> None:
    index = domain.DuplicateIndex()
    index.add("EMEA", keys("a@x.example", "", "GmbH"), "L1")  # the name reduces to ""
    assert index.match("EMEA", keys("z@x.example", "", "AG")) is None
    assert index.match("APAC", keys("a@x.example")) is None


def test_the_first_lead_seen_stays_the_match() -> None:
    index = domain.DuplicateIndex()
    index.add("EMEA", keys("a@x.example"), "first")
    index.add("EMEA", keys("a@x.example"), "second", row_number=7)
    assert index.match("EMEA", keys("a@x.example")) == domain.DuplicateMatch(
        "first", "contact_email"
    )
    assert "row 7 of this import" in domain.DuplicateMatch("L9", "contact_email", 7).describe()


# --- assignment, conversion, contact ---------------------------------------------------


def test_an_unassigned_lead_cannot_be_converted() -> None:
    domain.require_owner_to_convert("L1", "rep-1")
    with pytest.raises(FailedPrecondition) as caught:
        domain.require_owner_to_convert("L1", "")
    assert caught.value.violations[0].subject == "leads/L1"
    assert "assign it to a rep first" in caught.value.violations[0].description


def test_only_open_leads_are_worked() -> None:
    domain.require_open("L1", LeadStatus.QUALIFIED, "assigned")
    with pytest.raises(FailedPrecondition) as caught:
        domain.require_open("L1", LeadStatus.CONVERTED, "assigned")
    assert "a converted lead cannot be assigned" in caught.value.violations[0].description


def test_an_assignment_needs_an_owner() -> None:
    with pytest.raises(InvalidArgument) as caught:
        domain.validate_assignment("  ", "x" * 301)
    assert [v.field for v in caught.value.violations] == ["owner_id", "note"]
    assert domain.validate_assignment(" rep-1 ", " hot  lead ") == ("rep-1", "hot lead")
    assert domain.assignment_reason("mgr-1", "hot lead") == "assigned by mgr-1: hot lead"
    assert domain.assignment_reason("mgr-1") == "assigned by mgr-1"


# --- first-contact SLA -----------------------------------------------------------------

T0 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def test_the_sla_default_comes_from_the_environment() -> None:
    assert domain.default_sla_hours({}) == 24
    assert domain.default_sla_hours({"SALESOPS_LEAD_SLA_HOURS": "8"}) == 8
    for bad in ("0", "721", "eight", "-1"):
        with pytest.raises(ConfigError) as caught:
            domain.default_sla_hours({"SALESOPS_LEAD_SLA_HOURS": bad})
        assert caught.value.variable == "SALESOPS_LEAD_SLA_HOURS"


def test_sla_hours_are_bounded() -> None:
    assert domain.validate_sla_hours(1) == 1 and domain.validate_sla_hours(720) == 720
    for bad in (0, 721, -3):
        with pytest.raises(InvalidArgument) as caught:
            domain.validate_sla_hours(bad)
        assert caught.value.violations[0].field == "hours"


def test_a_lead_is_breached_only_when_open_uncontacted_and_past_due() -> None:
    due = domain.sla_due_at(T0, 24)
    assert due == T0 + timedelta(hours=24)
    later = due + timedelta(seconds=1)
    assert domain.is_sla_breached(status=LeadStatus.NEW, due_at=due, contacted_at=None, now=later)
    assert not domain.is_sla_breached(status=LeadStatus.NEW, due_at=due, contacted_at=None, now=due)
    assert not domain.is_sla_breached(status=LeadStatus.NEW, due_at=due, contacted_at=T0, now=later)
    assert not domain.is_sla_breached(
        status=LeadStatus.DISQUALIFIED, due_at=due, contacted_at=None, now=later
    )
    assert not domain.is_sla_breached(
        status=LeadStatus.NEW, due_at=None, contacted_at=None, now=later
    )


def test_a_contact_time_is_between_capture_and_now() -> None:
    now = T0 + timedelta(hours=5)
    assert domain.validate_contact_time(None, captured_at=T0, now=now) == now
    assert domain.validate_contact_time(T0, captured_at=T0, now=now) == T0
    for bad in (now + timedelta(seconds=1), T0 - timedelta(seconds=1)):
        with pytest.raises(InvalidArgument) as caught:
            domain.validate_contact_time(bad, captured_at=T0, now=now)
        assert caught.value.violations[0].field == "contact_time"
