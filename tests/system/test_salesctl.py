"""`salesctl` end to end: the real command, as a subprocess, against the running platform.

Profiles and login write a private config file; leads are created and
listed as tables and as JSON; a deal is won from its accepted quote; a CSV
import with a bad row reports that row and exits 8; a missing record exits
2; completion scripts come out for bash and zsh.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.system import harness
from tests.system.harness import Platform

pytestmark = pytest.mark.system

SALESCTL = Path(sys.executable).parent / "salesctl"
REGION = "EMEA"


class Salesctl:
    """Runs `salesctl` with a config file of its own and no token from the environment."""

    def __init__(self, config: Path) -> None:
        self.config = config
        self.env = {k: v for k, v in os.environ.items() if k != "SALESOPS_TOKEN"}
        self.env["SALESCTL_CONFIG"] = str(config)

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run it; whatever the exit code."""
        return subprocess.run(
            [str(SALESCTL), *args],
            capture_output=True,
            text=True,
            env=self.env,
            input=stdin,
            timeout=60,
            check=False,
        )

    def __call__(
        self, *args: str, expect: int = 0, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run it and check the exit code."""
        result = self.run(*args, stdin=stdin)
        assert result.returncode == expect, (
            f"salesctl {' '.join(args)} exited {result.returncode}, expected {expect}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}"
        )
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--output", "json").stdout)

    def until_ok(self, *args: str, timeout: float = 20.0) -> Any:
        """Retry a command until it succeeds: events take a moment to reach the pipeline."""
        deadline = time.monotonic() + timeout
        while True:
            result = self.run(*args, "--output", "json")
            if result.returncode == 0:
                return json.loads(result.stdout)
            if time.monotonic() > deadline:
                raise AssertionError(f"salesctl {' '.join(args)} kept failing: {result.stderr}")
            time.sleep(0.3)


@pytest.fixture(scope="module")
def tag() -> str:
    return secrets.token_hex(3)


@pytest.fixture(scope="module")
def salesctl(platform: Platform, tmp_path_factory: pytest.TempPathFactory, tag: str) -> Salesctl:
    """A profile for the platform's gateway in EMEA, logged in as a manager."""
    run = Salesctl(tmp_path_factory.mktemp("salesctl") / "config" / "salesctl.toml")
    run("profile", "add", "emea", "--gateway", platform.base_url, "--region", REGION)
    token = harness.issue(platform, f"mgr-{tag}", ["manager"], [REGION])
    login = run("login", "--token", token)
    assert f"as mgr-{tag} (manager) in EMEA" in login.stdout
    return run


def test_profiles_and_login_keep_the_token_private(salesctl: Salesctl, platform: Platform) -> None:
    assert stat.S_IMODE(salesctl.config.stat().st_mode) == 0o600
    assert 'token = "' in salesctl.config.read_text()
    salesctl("profile", "add", "apac", "--gateway", "http://127.0.0.1:9", "--region", "APAC")
    profiles = salesctl.json("profile", "list")
    assert [(p["name"], p["current"], p["logged_in"]) for p in profiles] == [
        ("emea", "*", True),
        ("apac", "", False),
    ]
    # The other profile has no token, and an unreachable gateway: named failures.
    no_token = salesctl("--profile", "apac", "leads", "list", expect=1)
    assert "no token" in no_token.stderr
    salesctl("profile", "use", "apac")
    salesctl("login", "--token", "-", stdin="not.a.token\n")
    salesctl("leads", "list", expect=7)  # nothing listens on port 9
    salesctl("profile", "use", "emea")
    salesctl("profile", "remove", "apac")


def test_leads_created_listed_as_tables_and_json(salesctl: Salesctl, tag: str) -> None:
    lead = salesctl.json(
        "leads",
        "create",
        "--company-name",
        f"Tabular {tag} GmbH",
        "--contact-name",
        "Ada",
        "--contact-email",
        f"ada.{tag}@tabular.example",
        "--source",
        "web",
        "--owner-id",
        f"mgr-{tag}",
    )
    assert lead["region"] == REGION  # from the profile
    assert lead["status"] == "new"

    table = salesctl("leads", "list", "--status", "new").stdout
    header, *rows = table.splitlines()
    assert header.split()[:2] == ["LEAD_ID", "COMPANY_NAME"]
    assert any(row.startswith(lead["lead_id"]) and f"Tabular {tag}" in row for row in rows)

    qualified = salesctl.json("leads", "qualify", lead["lead_id"])
    assert qualified["status"] == "qualified"
    listed = salesctl.json("leads", "list", "--status", "qualified", "--all")
    assert lead["lead_id"] in [item["lead_id"] for item in listed["leads"]]
    shown = salesctl("leads", "show", lead["lead_id"]).stdout
    assert "status" in shown and "qualified" in shown


def test_an_opportunity_is_won_from_its_accepted_quote(
    salesctl: Salesctl, platform: Platform, tag: str
) -> None:
    rep = f"rep-{tag}"
    # A director sets up the team and hires the rep, then opens the customer account.
    director = Salesctl(salesctl.config.parent / "director.toml")
    director("profile", "add", "emea", "--gateway", platform.base_url, "--region", REGION)
    director("login", "--token", harness.issue(platform, f"dir-{tag}", ["director"], [REGION]))

    def unit(code: str, kind: str, parent: str = "") -> str:
        created = director.json(
            "org-units",
            "create",
            "--code",
            f"{code}-{tag}",
            "--name",
            code,
            "--kind",
            kind,
            *(["--parent-id", parent] if parent else []),
        )
        return str(created["unit_id"])

    team = unit("team", "team", unit("region", "region", unit("co", "company")))
    director(
        "reps",
        "create",
        "--rep-id",
        rep,
        "--name",
        rep,
        "--email",
        f"{rep}@example.com",
        "--team-unit-id",
        team,
        "--capacity",
        "10",
        "--hire-date",
        "2027-01-04",
    )
    # The customers service learns of the rep from planning's event: retry until it has.
    customer = director.until_ok(
        "customers", "create", "--name", f"Kunde {tag} AG", "--country", "DE", "--owner-id", rep
    )
    as_rep = Salesctl(salesctl.config.parent / "rep.toml")
    as_rep("profile", "add", "emea", "--gateway", platform.base_url, "--region", REGION)
    as_rep("login", "--token", harness.issue(platform, rep, ["rep"], [REGION]))
    line = [
        {
            "product_line": "analytics",
            "quantity": 2,
            "unit_price": {"currency": "EUR", "amount_minor": 50_000},
        }
    ]
    # The pipeline learns of the customer from an event: retry until it has.
    opportunity = as_rep.until_ok(
        "opportunities",
        "create",
        "--customer-id",
        customer["customer_id"],
        "--name",
        f"Deal {tag}",
        "--line-items",
        json.dumps(line),
        "--expected-close-date",
        "2099-06-30",
        "--next-step",
        "sign",
    )
    # Discovery's gate wants a meeting with an outcome.
    as_rep(
        "activities",
        "create",
        "--type",
        "meeting",
        "--subject",
        "Discovery",
        "--outcome",
        "fit",
        "--opportunity-id",
        opportunity["opportunity_id"],
    )
    quote = as_rep.json(
        "quotes",
        "create",
        "--opportunity-id",
        opportunity["opportunity_id"],
        "--lines",
        json.dumps(line),
    )
    as_rep("quotes", "submit", quote["quote_id"])
    as_rep("quotes", "accept", quote["quote_id"])
    won = as_rep.json("opportunities", "win", opportunity["opportunity_id"])
    assert won["opportunity"]["status"] == "won"
    assert won["contract"]["value"] == {"currency": "EUR", "amount_minor": 100_000}
    # Winning twice breaks a rule: 422 is exit code 4, and the message names it.
    again = as_rep("opportunities", "win", opportunity["opportunity_id"], expect=4)
    assert "422" in again.stderr


def test_a_csv_import_reports_its_bad_row(salesctl: Salesctl, tmp_path: Path, tag: str) -> None:
    rows = [
        "company_name,contact_name,contact_email,owner_id",
        f"Import {tag} One,Ann,ann.{tag}@one.example,mgr-{tag}",
        f"Import {tag} Two,Bob,not-an-email,mgr-{tag}",
        f"Import {tag} Three,Cy,cy.{tag}@three.example,mgr-{tag}",
    ]
    path = tmp_path / "leads.csv"
    path.write_text("\n".join(rows) + "\n")
    result = salesctl(
        "leads", "import", str(path), "--rows-per-request", "2", "--output", "json", expect=8
    )
    answer = json.loads(result.stdout)
    assert (answer["created"], answer["invalid"]) == (2, 1)
    assert [(row["row"], row["outcome"]) for row in answer["results"]] == [
        (2, "created"),
        (3, "invalid"),
        (4, "created"),
    ]
    assert "row 3: invalid: contact_email:" in result.stderr
    assert "] 2/3 rows" in result.stderr and "] 3/3 rows" in result.stderr  # the progress bar


def test_exit_codes_for_missing_records_and_usage_errors(salesctl: Salesctl) -> None:
    missing = salesctl("leads", "show", "no-such-lead", expect=2)
    assert "404" in missing.stderr and "request_id" in missing.stderr
    salesctl("leads", "list", "--status", "bogus", expect=1)
    salesctl("no-such-resource", expect=1)
    invalid = salesctl(
        "leads", "create", "--company-name", "x", "--contact-email", "nope", expect=3
    )
    assert "contact_email" in invalid.stderr or "contact_name" in invalid.stderr


def test_completion_scripts(salesctl: Salesctl) -> None:
    bash = salesctl("completion", "bash").stdout
    assert "complete -F _salesctl salesctl" in bash and " leads " in f" {bash} "
    subprocess.run(["bash", "-n"], input=bash, text=True, check=True)
    zsh = salesctl("completion", "zsh").stdout
    assert zsh.startswith("#compdef salesctl")
