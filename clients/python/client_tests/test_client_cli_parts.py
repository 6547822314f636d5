"""salesctl's parts that need no gateway: profiles, tables, CSV slicing, completion scripts."""

from __future__ import annotations

import argparse
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from salesops.client.cli.commands import add_operation, inputs
from salesops.client.cli.completion import completion_script
from salesops.client.cli.csv_import import ProgressBar, read_records, run_import, slices
from salesops.client.cli.main import build_parser
from salesops.client.cli.profiles import ProfileError, ProfileStore
from salesops.client.cli.tables import money, render
from salesops.client.operations import Operation, Param


def test_profiles_round_trip_in_a_private_file(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "salesctl.toml"
    store = ProfileStore(path)
    store.add("emea", "https://gw.example/", "EMEA")
    store.add("apac", "http://127.0.0.1:8080", "APAC")
    store.get("emea").token = 'tok"en\\with\nodd characters'
    store.save()

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = ProfileStore(path)
    assert again.current == "emea"  # the first profile added
    assert again.get().gateway == "https://gw.example"
    assert again.get("emea").token == 'tok"en\\with\nodd characters'
    again.use("apac")
    again.save()
    assert ProfileStore(path).get().name == "apac"


def test_profile_mistakes_are_named(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "salesctl.toml")
    with pytest.raises(ProfileError, match="no profile: add one"):
        store.get()
    with pytest.raises(ProfileError, match="not an http"):
        store.add("x", "gw.example")
    with pytest.raises(ProfileError, match="no profile 'nope'"):
        store.use("nope")
    (tmp_path / "broken.toml").write_text("current = \n")
    with pytest.raises(ProfileError, match="cannot read"):
        ProfileStore(tmp_path / "broken.toml")


def test_money_and_tables_for_people() -> None:
    assert money({"currency": "EUR", "amount_minor": 123456789}) == "1,234,567.89 EUR"
    assert money({"currency": "JPY", "amount_minor": "5000"}) == "5,000 JPY"
    assert money({"currency": "KWD", "amount_minor": -1500}) == "-1.500 KWD"
    text = render(
        {
            "leads": [
                {"lead_id": "L-1", "status": "new", "region": "EMEA", "audit": {"x": 1}},
                {"lead_id": "L-22", "status": "qualified", "region": "EMEA", "audit": None},
            ],
            "next_page_token": "",
        },
        items_key="leads",
    )
    assert text.splitlines() == [
        "LEAD_ID  STATUS     REGION",
        "L-1      new        EMEA",
        "L-22     qualified  EMEA",
    ]
    one = render(
        {
            "lead_id": "L-1",
            "contact_phone": "",
            "qualify_time": None,
            "assign_time": "2026-11-27T04:34:29.425743Z",
            "value": {"currency": "EUR", "amount_minor": 5},
            "score_reasons": [{"rule": "has_email", "points": 15}],
        }
    )
    assert one.splitlines() == [
        "lead_id      L-1",  # empty fields are left out
        "assign_time  2026-11-27 04:34:29Z",
        "value        0.05 EUR",
        "",
        "score_reasons:",
        "RULE       POINTS",
        "has_email  15",
    ]


def test_large_imports_go_in_slices_numbered_as_the_file() -> None:
    data = b"company_name,contact_name\n" + b"".join(
        f'"Acme, {i}",Ann {i}\n'.encode() for i in range(5)
    )
    records = read_records(data)
    parts = slices(records, rows_per_request=2)
    assert [(before, count) for before, _, count in parts] == [(0, 2), (2, 2), (4, 1)]
    assert all(payload.startswith(b"company_name,contact_name\r\n") for _, payload, _ in parts)

    sent: list[bytes] = []

    def send(payload: bytes) -> dict[str, object]:
        sent.append(payload)
        rows = len(read_records(payload)) - 1
        return {
            "created": rows,
            "invalid": 0,
            "results": [{"row": n + 2, "outcome": "created"} for n in range(rows)],
        }

    class Quiet:
        def isatty(self) -> bool:
            return False

        def write(self, text: str) -> None:
            lines.append(text)

        def flush(self) -> None:
            pass

    lines: list[str] = []
    merged = run_import(data, send, 2, ProgressBar(5, Quiet()))  # type: ignore[arg-type]
    assert merged["created"] == 5
    assert [row["row"] for row in merged["results"]] == [2, 3, 4, 5, 6]
    assert len(sent) == 3
    assert lines[-1].startswith("[" + "#" * 30 + "] 5/5 rows")


def bash_complete(script: str, line: str, config: Path | None = None) -> list[str]:
    """What bash offers for `line` (the cursor at its end), through the generated function."""
    words = line.split(" ")
    program = (
        f"{script}\nCOMP_WORDS=({' '.join(repr(w) for w in words)})\n"
        f"COMP_CWORD={len(words) - 1}\n_salesctl\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n"
    )
    bash = shutil.which("bash")
    assert bash is not None
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}
    if config:
        env["SALESCTL_CONFIG"] = str(config)
    result = subprocess.run(
        [bash, "--norc", "-c", program], capture_output=True, text=True, check=True, env=env
    )
    return [word for word in result.stdout.splitlines() if word]


def test_bash_completion_offers_commands_verbs_options_and_choices() -> None:
    script = completion_script(build_parser(), "bash")
    assert "leads" in bash_complete(script, "salesctl le")
    assert bash_complete(script, "salesctl --profile emea opportunities w") == ["win"]
    assert "--status" in bash_complete(script, "salesctl leads list --st")
    assert bash_complete(script, "salesctl leads list --status q") == ["qualified"]
    assert bash_complete(script, "salesctl --output j") == ["json"]


def test_bash_completion_offers_the_profiles_of_the_file(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "salesctl.toml")
    store.add("emea", "http://gw.example", "EMEA")
    store.add("emea-test", "http://gw.example", "EMEA")
    store.add("apac", "http://gw.example", "APAC")
    store.save()
    script = completion_script(build_parser(), "bash")
    config = store.path
    assert bash_complete(script, "salesctl profile use em", config) == ["emea", "emea-test"]
    assert bash_complete(script, "salesctl --profile a", config) == ["apac"]
    assert bash_complete(script, "salesctl profile remove ", config) == [
        "emea",
        "emea-test",
        "apac",
    ]
    assert bash_complete(script, "salesctl profile use ") == []  # no file: nothing to offer


def test_zsh_completion_loads_the_same_function() -> None:
    script = completion_script(build_parser(), "zsh")
    assert script.startswith("#compdef salesctl\n")
    assert "bashcompinit" in script and "complete -F _salesctl salesctl" in script
    zsh = shutil.which("zsh")
    if zsh:  # a syntax check where zsh is installed; bash runs the function above
        subprocess.run([zsh, "-n", "-c", script], check=True)


def test_a_parameter_named_like_a_salesctl_option_gets_a_prefixed_flag() -> None:
    operation = Operation(
        resource="widgets",
        name="create",
        http_method="POST",
        path="/v1/widgets",
        summary="Create a widget",
        query_params=(Param("output", "string"), Param("region", "string")),
        body_fields=(
            Param("region", "string", required=True),
            Param("tags", "array", item_kind="string"),
            Param("spec", "object"),
            Param("urgent", "boolean"),
        ),
        accepts_json=True,
    )
    parser = argparse.ArgumentParser()
    add_operation(parser.add_subparsers(), operation, argparse.ArgumentParser(add_help=False))
    args = parser.parse_args(
        [
            "create",
            "--query-output",
            "wide",
            "--body-region",
            "APAC",
            "--tags",
            "a",
            "--tags",
            "b",
            "--spec",
            '{"size": 3}',
            "--no-urgent",
        ]
    )
    path, query, body, headers = inputs(args.command, args, default_region="EMEA")
    assert query == {"output": "wide", "region": "EMEA"}  # the profile's region as a filter
    assert body == {"region": "APAC", "tags": ["a", "b"], "spec": {"size": 3}, "urgent": False}
    assert (path, headers) == ({}, {})
