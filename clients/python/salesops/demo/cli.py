"""`python -m salesops.demo` (what `make demo` runs): seed, play a quarter, print the summary.

    python -m salesops.demo [--gateway URL] [--seed N] [--namespace X] [--scale F] [--workers N]

Uses the platform at --gateway (default http://127.0.0.1:8080, as `make run`
serves it) or starts `salesops run` when none answers, and leaves it running.
A demo already seeded on this platform (same seed) is not seeded again: its
summary is read back and printed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from salesops.client import SalesopsError
from salesops.demo.platform import (
    PlatformUnavailable,
    StartedPlatform,
    command_token_issuer,
    gateway_ready,
    start_platform,
)
from salesops.demo.scenario import DEFAULT_SEED, NAMESPACE, Scale, build_scenario
from salesops.demo.simulation import DemoRun
from salesops.demo.summary import format_summary, read_summary

DEFAULT_GATEWAY = "http://127.0.0.1:8080"


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m salesops.demo",
        description="A quarter of a sales organisation, driven through the salesops gateway.",
    )
    parser.add_argument(
        "--gateway", default=DEFAULT_GATEWAY, help=f"the gateway's URL (default {DEFAULT_GATEWAY})"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"the same seed tells the same story (default {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--namespace",
        help="what follows the region codes instead of the seed (EMEA + B2 = EMEAB2): play a "
        "seed again on the same platform, as the same organisation under other codes",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="a share of the full size (3 regions, 60 reps, 2,000 customers, "
        "10,000 leads), e.g. 0.2; default 1",
    )
    parser.add_argument(
        "--workers", type=int, default=8, help="people acting at the same time (default 8)"
    )
    parser.add_argument(
        "--log",
        type=Path,
        default=Path("var/demo-platform.log"),
        help="where a platform the demo starts logs (default var/demo-platform.log)",
    )
    args = parser.parse_args(argv)
    try:
        args.scale_value = Scale.fraction(args.scale)
    except ValueError as exc:
        parser.error(f"--scale: {exc}")
    if args.namespace is not None and not NAMESPACE.fullmatch(args.namespace):
        parser.error(f"--namespace is {args.namespace!r}; use 1-12 capital letters and digits")
    if args.workers < 1:
        parser.error(f"--workers is {args.workers}; expected 1 or more")
    return args


def fiscal_start_month() -> int:
    """SALESOPS_FISCAL_YEAR_START_MONTH, as the platform reads it (default 1)."""
    raw = os.environ.get("SALESOPS_FISCAL_YEAR_START_MONTH", "1")
    try:
        month = int(raw)
    except ValueError:
        month = 0
    if not 1 <= month <= 12:
        raise SystemExit(
            f"SALESOPS_FISCAL_YEAR_START_MONTH is {raw!r}; expected a month number 1 to 12"
        )
    return month


def main(argv: list[str] | None = None) -> int:
    """Run the demo; 0 on success, 1 when the platform or a call failed (said on stderr)."""
    args = _arguments(argv)
    base_url = args.gateway.rstrip("/")
    started: StartedPlatform | None = None
    clock = time.monotonic()
    try:
        if not gateway_ready(base_url):
            started = start_platform(base_url, args.log, say=lambda s: print(s, file=sys.stderr))
        scenario = build_scenario(args.seed, args.scale_value, args.namespace)
        run = DemoRun(
            scenario,
            base_url,
            command_token_issuer(),
            workers=args.workers,
            fiscal_start_month=fiscal_start_month(),
        )
        try:
            print(describe(run), file=sys.stderr)
            if already_seeded(run):
                print(
                    f"seed {args.seed} was already played on this platform: reading its "
                    "figures back (pass another --seed for a new organisation, or "
                    "--namespace to play this one again under other codes)",
                    file=sys.stderr,
                )
                units = existing_units(run)
            else:
                run.seed()
                run.play_quarter()
                run.progress.finish()
                units = {code: state.unit_id for code, state in run.regions.items()}
            summary = read_summary(run.executive(), units, run.quarter.code, "EUR")
        finally:
            run.close()
    except (PlatformUnavailable, SalesopsError) as exc:
        print(f"\ndemo failed: {exc}", file=sys.stderr)
        if started:
            print(f"the platform it started is still running: {started.stop_hint}", file=sys.stderr)
        return 1
    print()
    print(format_summary(summary, base_url))
    if run.tally.counts:
        print()
        print(
            "What the quarter held: "
            + ", ".join(f"{n:,} {what}" for what, n in sorted(run.tally.counts.items()))
        )
    print(f"\nfinished in {time.monotonic() - clock:.0f} s")
    if started:
        print(
            f"the demo started the platform and left it running: stop it with {started.stop_hint}"
        )
    return 0


def describe(run: DemoRun) -> str:
    """One line on what is about to happen."""
    s = run.scenario
    return (
        f"salesops demo, seed {s.seed}: {len(s.regions)} regions, "
        f"{len(s.regions) * s.scale.teams_per_region} teams, {len(s.reps)} reps, "
        f"{len(s.customers):,} customers, {len(s.leads):,} leads; quarter {run.quarter.code} "
        f"at {run.base_url}"
    )


def already_seeded(run: DemoRun) -> bool:
    """Whether this seed's first region unit exists on the platform."""
    return bool(existing_units(run))


def existing_units(run: DemoRun) -> dict[str, str]:
    """Region code -> the id of this seed's region unit, for the regions that exist."""
    units: dict[str, str] = {}
    reader = run.executive()
    codes = {region.unit_code: region.code for region in run.scenario.regions}
    for region in run.scenario.regions:
        for unit in reader.org_units.list_all(region=region.code):
            if unit.get("code") in codes:
                units[codes[unit["code"]]] = unit["unit_id"]
    return units


if __name__ == "__main__":
    raise SystemExit(main())
