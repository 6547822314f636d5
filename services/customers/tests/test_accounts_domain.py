"""Customer archive rules without a database."""

import pytest

from services.customers.domain import accounts as domain
from services.kit.errors import InvalidArgument


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ACME GmbH", "acme"),
        ("Acme, Inc.", "acme"),
        ("  Müller & Söhne  AG ", "muller sohne"),
        ("Société Générale S.A.", "societe generale s a"),
        ("北京销售有限公司", "北京销售有限公司"),
    ],
)
def test_normalized_name_ignores_case_accents_punctuation_and_legal_form(
    name: str, expected: str
) -> None:
    assert domain.normalized_name(name) == expected


def test_account_from_lead_cleans_and_checks() -> None:
    account = domain.account_from_lead(
        lead_id="L1",
        region="emea",
        company_name=" Acme  GmbH ",
        country="de",
        industry="Software",
        owner_id="alice",
        contact_name="Jo  Doe",
        contact_email="Jo@Acme.Example",
        contact_phone="",
        contact_title="CFO",
    )
    assert (account.region, account.name, account.country, account.contact_email) == (
        "EMEA",
        "Acme GmbH",
        "DE",
        "jo@acme.example",
    )
    assert account.normalized_name == "acme"


def test_account_from_lead_names_missing_fields() -> None:
    with pytest.raises(InvalidArgument) as caught:
        domain.account_from_lead(
            lead_id="",
            region="",
            company_name="",
            country="",
            industry="",
            owner_id="",
            contact_name="",
            contact_email="",
            contact_phone="",
            contact_title="",
        )
    assert [v.field for v in caught.value.violations] == [
        "lead_id",
        "region",
        "company_name",
        "owner_id",
    ]
