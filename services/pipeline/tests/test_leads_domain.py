"""Lead rules without a database: validation, normalisation and the state machine."""

import pytest

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
