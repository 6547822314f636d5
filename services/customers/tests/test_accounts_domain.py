"""Customer archive rules without a database."""

import pytest

from services.customers.domain import accounts as domain
from services.kit.errors import FailedPrecondition, InvalidArgument
from services.kit.normalize import normalized_domain, normalized_tax_id


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


# --- account fields ------------------------------------------------------------------


def test_clean_account_normalises_domain_size_and_country() -> None:
    fields = domain.clean_account(
        domain.AccountInput(
            name="  Acme   GmbH ",
            tax_id=" DE 811-234 ",
            domain="HTTPS://www.Acme.de/impressum",
            company_size="120",
            country="de",
            address=domain.Address(street=" Hauptstr.  1 ", postal_code="10115 "),
            potential=domain.Money("eur", 5_000_00),
        )
    )
    assert (fields.name, fields.domain, fields.company_size, fields.country) == (
        "Acme GmbH",
        "acme.de",
        "50-249",
        "DE",
    )
    assert fields.status is domain.CustomerStatus.PROSPECT
    assert fields.address.street == "Hauptstr. 1"
    assert fields.potential == domain.Money("EUR", 5_000_00)
    assert fields.keys == domain.MatchKeys("acme", "acme.de", "DE811234")


def test_clean_account_lists_every_bad_field() -> None:
    with pytest.raises(InvalidArgument) as caught:
        domain.clean_account(
            domain.AccountInput(
                name="GmbH",
                domain="not a domain",
                company_size="huge",
                country="Germany",
                status="merged",
                potential=domain.Money("euro", -1),
            )
        )
    assert [v.field for v in caught.value.violations] == [
        "name",
        "domain",
        "company_size",
        "country",
        "status",
        "potential.currency",
        "potential.amount_minor",
    ]


def test_an_update_checks_only_its_fields_and_needs_a_status_when_asked() -> None:
    fields = domain.clean_account(
        domain.AccountInput(industry="Retail"),
        fields=["industry"],
        prefix="customer.",
        default_status=None,
    )
    assert fields.industry == "Retail"
    with pytest.raises(InvalidArgument) as caught:
        domain.clean_account(
            domain.AccountInput(), fields=["status"], prefix="customer.", default_status=None
        )
    assert [v.field for v in caught.value.violations] == ["customer.status"]
    with pytest.raises(InvalidArgument) as mask:
        domain.validate_update_mask(["owner_id", "name"])
    assert "'owner_id' cannot be changed" in mask.value.violations[0].description


def test_tags_are_lower_case_unique_and_limited() -> None:
    assert domain.apply_tag_changes(["b"], ["Key  Account", "b", "a"], ["b"]) == [
        "a",
        "key account",
    ]
    with pytest.raises(InvalidArgument) as caught:
        domain.apply_tag_changes([], ["ok", "-bad", "x" * 41], [])
    assert [v.field for v in caught.value.violations] == ["add[1]", "add[2]"]
    with pytest.raises(InvalidArgument):
        domain.apply_tag_changes([f"t{i}" for i in range(domain.MAX_TAGS)], ["one-more"], [])


# --- duplicates ----------------------------------------------------------------------


def test_each_key_makes_a_candidate_and_says_why() -> None:
    new = domain.MatchKeys.of("Acme, Inc.", "acme.com", "de 811")
    archive = [
        domain.ArchivedAccount(
            "c-name", "ACME GmbH", "rep-1", domain.MatchKeys.of("ACME GmbH", "", "")
        ),
        domain.ArchivedAccount(
            "c-domain", "Other", "rep-2", domain.MatchKeys.of("Other", "acme.com", "")
        ),
        domain.ArchivedAccount(
            "c-tax", "Third", "rep-3", domain.MatchKeys.of("Third", "", "DE-811")
        ),
        domain.ArchivedAccount(
            "c-all", "Acme", "rep-4", domain.MatchKeys.of("Acme", "acme.com", "DE811")
        ),
        domain.ArchivedAccount("c-none", "Globex", "rep-5", domain.MatchKeys.of("Globex", "", "")),
    ]
    candidates = domain.duplicate_candidates(new, archive)
    assert [c.key for c in candidates] == ["c-all", "c-domain", "c-name", "c-tax"]
    assert candidates[0].description == (
        "Acme: same tax id 'DE811'; same web domain 'acme.com'; same normalised name 'acme'"
    )
    assert candidates[0].owner == "rep-4"


def test_empty_keys_never_match() -> None:
    blank = domain.MatchKeys("", "", "")
    assert domain.duplicate_reasons(blank, blank) == []


# --- groups and authority ------------------------------------------------------------


def test_a_parent_may_not_make_a_cycle() -> None:
    parents = {"child": "mid", "mid": "top", "top": None}
    domain.check_parent("new", "child", parents.get)
    domain.check_parent("top", "", parents.get)
    for parent in ("child", "mid"):
        with pytest.raises(FailedPrecondition) as caught:
            domain.check_parent("top", parent, parents.get)
        assert "cycle" in caught.value.violations[0].description
    with pytest.raises(FailedPrecondition):
        domain.check_parent("top", "top", parents.get)


def test_who_may_change_an_account() -> None:
    rep, manager = frozenset({"rep"}), frozenset({"manager"})
    assert domain.may_manage_account(rep, "rep-1", "rep-1", "mgr-1")
    assert not domain.may_manage_account(rep, "rep-2", "rep-1", "mgr-1")
    assert domain.may_manage_account(manager, "mgr-1", "rep-1", "mgr-1")
    assert not domain.may_manage_account(manager, "mgr-2", "rep-1", "mgr-1")
    assert not domain.may_manage_account(manager, "mgr-2", "rep-1", None)
    assert domain.may_manage_account(frozenset({"director"}), "dir-1", "rep-1", None)


# --- normalisers the archive relies on ------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://www.Acme.COM/about?x=1", "acme.com"),
        ("acme.co.uk:8080/shop", "acme.co.uk"),
        ("http://user@Acme.de", "acme.de"),
        ("sub.acme.com.", "sub.acme.com"),
        ("acme", ""),
        ("-acme.com", ""),
        ("not a domain", ""),
    ],
)
def test_normalized_domain(given: str, expected: str) -> None:
    assert normalized_domain(given) == expected


def test_normalized_tax_id_keeps_letters_and_digits() -> None:
    assert normalized_tax_id(" de 811-234.567 ") == "DE811234567"
