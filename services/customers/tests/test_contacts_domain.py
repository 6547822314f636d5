"""Contact rules without a database: checks that name every field, normalising, redaction."""

from __future__ import annotations

import pytest

from services.customers.domain import contacts as domain
from services.kit.errors import FailedPrecondition, InvalidArgument, Validator


def check(**fields: object) -> tuple[domain.ContactDetails, dict[str, str]]:
    values: dict[str, object] = {
        "name": "Jo Doe",
        "title": "CFO",
        "email": "",
        "phone": "",
        "buying_role": "",
        "preferred_channel": "",
        "language": "",
        "do_not_contact": False,
        **fields,
    }
    validator = Validator()
    details = domain.check_contact(validator, **values)  # type: ignore[arg-type]
    return details, {v.field: v.description for v in validator.violations}


def test_a_contact_is_cleaned_and_its_email_and_phone_normalised() -> None:
    details, bad = check(
        name="  Jo   Doe ",
        email=" Jo.Doe@Acme.EXAMPLE ",
        phone="+49 (30) 123-4567",
        buying_role="champion",
        preferred_channel="email",
        language="en-GB",
    )
    assert bad == {}
    assert (details.name, details.email, details.phone) == (
        "Jo Doe",
        "jo.doe@acme.example",
        "+49301234567",
    )
    assert (details.buying_role, details.preferred_channel, details.language) == (
        "champion",
        "email",
        "en-GB",
    )


def test_every_bad_field_is_named_at_once() -> None:
    _details, bad = check(
        name=" ",
        title="x" * 201,
        email="not-an-address",
        phone="12",
        buying_role=None,
        preferred_channel=None,
        language="english please",
    )
    assert set(bad) == {
        "name",
        "title",
        "email",
        "phone",
        "buying_role",
        "preferences.preferred_channel",
        "preferences.language",
    }
    assert "decision_maker" in bad["buying_role"]
    assert "BCP 47" in bad["preferences.language"]


def test_a_preferred_channel_needs_its_address() -> None:
    _details, bad = check(preferred_channel="sms")
    assert bad == {"preferences.preferred_channel": "is sms, but the contact has no phone"}
    _details, bad = check(preferred_channel="post")
    assert bad == {}


def test_an_update_checks_only_what_it_changes_and_prefixes_fields() -> None:
    validator = Validator()
    domain.check_contact(
        validator,
        name="Jo Doe",
        title="CFO",
        email="",
        phone="12",  # stored long ago, not changed now
        buying_role="",
        preferred_channel="email",
        language="",
        do_not_contact=False,
        prefix="contact.",
        only=domain.changed_fields(["email"]),
    )
    assert [(v.field, v.description) for v in validator.violations] == [
        ("contact.preferences.preferred_channel", "is email, but the contact has no email")
    ]


def test_the_update_mask_names_editable_fields() -> None:
    assert domain.validate_update_mask(["name", "name", "preferences.language"]) == [
        "name",
        "preferences.language",
    ]
    with pytest.raises(InvalidArgument) as caught:
        domain.validate_update_mask(["customer_id"])
    assert "'customer_id' cannot be changed" in caught.value.violations[0].description
    with pytest.raises(InvalidArgument):
        domain.validate_update_mask([])
    assert domain.changed_fields(["preferences"]) == {
        "preferences.preferred_channel",
        "preferences.language",
        "preferences.do_not_contact",
    }


def test_an_erased_contact_cannot_change() -> None:
    domain.require_not_erased("c-1", False, "be changed")
    with pytest.raises(FailedPrecondition) as caught:
        domain.require_not_erased("c-1", True, "be changed")
    assert caught.value.violations[0].subject == "contact/c-1"


def test_mentions_are_found_and_redacted_whatever_the_case() -> None:
    terms = domain.mention_terms("Jo  Özil", "jo@acme.example", "+49301234567")
    assert terms == ["jo@acme.example", "+49301234567", "Jo Özil"]
    text = "Lunch with JO ÖZIL; wrote to Jo@Acme.Example"
    assert domain.mentions(text, terms)
    assert domain.redact_mentions(text, terms) == "Lunch with [erased]; wrote to [erased]"
    assert not domain.mentions("Call with the CFO", terms)
    # Too short to search for without redacting unrelated words.
    assert domain.mention_terms("Al", "", "") == []


def test_only_managers_directors_and_admins_handle_personal_data_requests() -> None:
    assert domain.may_handle_personal_data_requests({"manager"})
    assert domain.may_handle_personal_data_requests({"rep", "admin"})
    assert not domain.may_handle_personal_data_requests({"rep"})
    assert not domain.may_handle_personal_data_requests({"executive"})
