"""Seed a scenario through the gateway and play its quarter week by week, with the SDK only.

Every person acts with a token of their own (the gateway's rate limit is per
token subject): an admin configures, each region's director runs the region,
managers approve discounts, reps sell. Work that different people do in the
same week runs in a thread pool; what one person does stays in order.

The platform runs on wall-clock time, so the "weeks" are rounds of the
simulation inside the current fiscal quarter: the deals, contracts and cases
of all thirteen rounds are dated today.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from salesops.client import ApiError, Client, Conflict, NotFound, RuleViolated
from salesops.client.resources import (
    CreateCustomerRequest,
    CreateOpportunityRequest,
    LoseRequest,
    NewCourse,
    NewOrgUnit,
    OutsideGrant,
)
from salesops.demo.platform import TokenIssuer
from salesops.demo.progress import ProgressBar
from salesops.demo.scenario import (
    COMPETITORS,
    CURRENCY,
    INDUSTRIES,
    LOSS_REASONS,
    PRODUCT_LINES,
    WEEKS_IN_QUARTER,
    Region,
    Rep,
    Scenario,
    decision_rng,
)

T = TypeVar("T")
# Rows per lead-import request: well under the gateway's 1 MiB body limit.
LEAD_ROWS_PER_IMPORT = 1_500
# How long to wait for another service to learn of a record by event (a rep, a customer).
EVENT_WAIT_SECONDS = 60.0
# Stages of the default new-business pipeline a deal walks through before it closes.
STAGES = ("prospecting", "discovery", "solution", "negotiation")
# A rep may grant up to 10 % discount; above it a manager approves.
DISCOUNTS_BP = (0, 0, 500, 1000, 1500, 2000)


@dataclass(frozen=True)
class FiscalQuarter:
    """The fiscal year and quarter the demo runs in (the calendar's first month is January
    unless SALESOPS_FISCAL_YEAR_START_MONTH says otherwise)."""

    year_code: str
    quarter_codes: tuple[str, str, str, str]
    index: int  # 0..3: the current quarter
    month_code: str
    starts_on: date
    year_starts_on: date

    @property
    def ends_on(self) -> date:
        """The quarter's last day."""
        month = self.starts_on.month + 3
        year = self.starts_on.year + (month - 1) // 12
        return date(year, (month - 1) % 12 + 1, 1) - timedelta(days=1)

    @property
    def code(self) -> str:
        """The current quarter's code (FY2027-Q1)."""
        return self.quarter_codes[self.index]

    @classmethod
    def containing(cls, today: date, start_month: int = 1) -> FiscalQuarter:
        """The fiscal quarter containing `today`."""
        if not 1 <= start_month <= 12:
            raise ValueError(f"fiscal year start month is {start_month}; expected 1 to 12")
        month_index = (today.month - start_month) % 12  # 0 = the fiscal year's first month
        year_start_year = today.year if today.month >= start_month else today.year - 1
        # A fiscal year is named after the calendar year it ends in.
        fiscal_year = year_start_year if start_month == 1 else year_start_year + 1
        quarter = month_index // 3
        first_month = (start_month - 1 + quarter * 3) % 12 + 1
        first_year = year_start_year + (start_month - 1 + quarter * 3) // 12
        return cls(
            year_code=f"FY{fiscal_year}",
            quarter_codes=(
                f"FY{fiscal_year}-Q1",
                f"FY{fiscal_year}-Q2",
                f"FY{fiscal_year}-Q3",
                f"FY{fiscal_year}-Q4",
            ),
            index=quarter,
            month_code=f"FY{fiscal_year}-M{month_index + 1:02d}",
            starts_on=date(first_year, first_month, 1),
            year_starts_on=date(year_start_year, start_month, 1),
        )


@dataclass
class Deal:
    """An opportunity a rep is working, as the simulation tracks it."""

    opportunity_id: str
    customer_id: str
    amount: int
    stage: int = 0  # index into STAGES
    has_close_date: bool = True
    competitors: tuple[str, ...] = ()
    closed: bool = False


@dataclass
class Tally:
    """What happened, counted (thread-safe): the story the summary tells besides the API's."""

    counts: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, what: str, n: int = 1) -> None:
        """Count `n` more of `what`."""
        with self.lock:
            self.counts[what] += n


@dataclass(frozen=True, order=True)
class Booking:
    """A signed contract; bookings sort in the order the quarter made them (week, rep, nth)."""

    week: int
    rep_id: str
    nth: int
    contract_id: str = field(compare=False)
    value: int = field(compare=False)


@dataclass
class RepResults:
    """A rep's closed deals, as the demo made them."""

    won: int = 0
    lost: int = 0


@dataclass
class RegionState:
    """Identifiers the platform gave a region's records."""

    company_id: str = ""
    unit_id: str = ""
    team_ids: dict[str, str] = field(default_factory=dict)
    territory_ids: list[str] = field(default_factory=list)
    plan_ids: list[str] = field(default_factory=list)
    customer_ids: list[str] = field(default_factory=list)
    contracts: list[Booking] = field(default_factory=list)  # signed and not cancelled
    open_cases: list[tuple[int, str]] = field(default_factory=list)  # (week opened, case id)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def booked(self) -> int:
        """The value of the signed contracts not cancelled, in minor units."""
        return sum(booking.value for booking in self.contracts)

    def credited(self, rep_id: str) -> int:
        """What of `booked` is a rep's."""
        return sum(booking.value for booking in self.contracts if booking.rep_id == rep_id)


def retry_until_known(call: Callable[[], T], timeout: float = EVENT_WAIT_SECONDS) -> T:
    """Run `call`, retrying while another service has not yet learned (by event) of a record
    it names: a 404 or 422 then, a success once the event arrived."""
    deadline = time.monotonic() + timeout
    delay = 0.2
    while True:
        try:
            return call()
        except (NotFound, RuleViolated):
            if time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(2.0, delay * 1.5)


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll `condition` until it holds; after EVENT_WAIT_SECONDS, fail naming `what`."""
    deadline = time.monotonic() + EVENT_WAIT_SECONDS
    while True:
        with suppress(NotFound):  # a record the service has not learned of yet
            if condition():
                return
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {EVENT_WAIT_SECONDS:.0f} s for {what}")
        time.sleep(0.3)


def _minor(money: Any) -> int:
    """The amount of a Money answer in minor units (0 when absent)."""
    return int(money["amount_minor"]) if money else 0


def _a_year_before(day: date) -> date:
    """The same day a year earlier (28 February for a 29th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


class DemoRun:
    """One demo against one gateway: `seed()` then `play_quarter()`."""

    def __init__(
        self,
        scenario: Scenario,
        base_url: str,
        issue_token: TokenIssuer,
        progress: ProgressBar | None = None,
        workers: int = 8,
        today: date | None = None,
        fiscal_start_month: int = 1,
    ) -> None:
        self.scenario = scenario
        self.base_url = base_url
        self.issue_token = issue_token
        self.workers = workers
        self.today = today or datetime.now(UTC).date()
        self.quarter = FiscalQuarter.containing(self.today, fiscal_start_month)
        self.tally = Tally()
        self.regions = {region.code: RegionState() for region in scenario.regions}
        self.customers_by_rep: dict[str, list[str]] = {rep.rep_id: [] for rep in scenario.reps}
        self.deals: dict[str, list[Deal]] = {rep.rep_id: [] for rep in scenario.reps}
        self.leads: dict[str, list[str]] = {rep.rep_id: [] for rep in scenario.reps}
        self.results = {rep.rep_id: RepResults() for rep in scenario.reps}
        self.week = 0  # the round being played; 0 while seeding
        self.course_ids: dict[str, str] = {}
        self.course_formats = {course.code: course.format for course in scenario.courses}
        self._clients: dict[str, Client] = {}
        self._clients_lock = threading.Lock()
        self.progress = progress or ProgressBar(self.total_steps())
        self.region_codes = [region.code for region in scenario.regions]

    # --- people and their tokens ---------------------------------------------------------

    def as_person(self, subject: str, roles: list[str], regions: list[str]) -> Client:
        """The SDK client of one person (one token per subject, made once)."""
        with self._clients_lock:
            client = self._clients.get(subject)
            if client is None:
                token = self.issue_token(subject, roles, regions)
                client = Client(self.base_url, token, timeout=60, max_retries=6)
                self._clients[subject] = client
            return client

    def admin(self) -> Client:
        """The configuration admin of the demo's regions."""
        return self.as_person(f"admin-{self.scenario.tag}", ["admin"], self.region_codes)

    def platform_admin(self) -> Client:
        """An admin of every region: what runs region-wide jobs such as certification expiry."""
        return self.as_person(f"ops-{self.scenario.tag}", ["admin"], ["*"])

    def executive(self) -> Client:
        """A reader of every demo region: what the summary is read with."""
        return self.as_person(f"exec-{self.scenario.tag}", ["executive"], self.region_codes)

    def director(self, region: Region) -> Client:
        return self.as_person(region.director_id, ["director"], [region.code])

    def manager(self, rep: Rep) -> Client:
        return self.as_person(rep.manager_id, ["manager"], [rep.region])

    def rep(self, rep: Rep) -> Client:
        return self.as_person(rep.rep_id, ["rep"], [rep.region])

    def close(self) -> None:
        """Close every connection pool."""
        for client in self._clients.values():
            client.close()

    # --- running work in parallel --------------------------------------------------------

    def total_steps(self) -> int:
        """Progress steps: one per seeding task and one per rep and region per week."""
        s = self.scenario
        seeding = 6 + 2 * len(s.regions) + len(s.reps) + len(s.regions)
        gaps = 2 * len(s.regions)  # week 9: scorecards settled, then gaps detected
        weeks = WEEKS_IN_QUARTER * (len(s.reps) + len(s.regions))
        return seeding + weeks + gaps + len(s.regions)

    def in_parallel(self, tasks: Iterable[Callable[[], object]]) -> None:
        """Run `tasks` on the pool, each counting one progress step; the first failure raises."""
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            futures = [pool.submit(self._step, task) for task in tasks]
            for future in futures:
                future.result()

    def _step(self, task: Callable[[], object]) -> None:
        task()
        self.progress.advance()

    # --- seeding -------------------------------------------------------------------------

    def seed(self) -> None:
        """Create the whole organisation, its plans, rules, catalog, customers and leads."""
        s = self.scenario
        self.progress.set_stage("catalog: courses, learning paths, assignment rules")
        self._step(self.seed_catalog)
        self.progress.set_stage("competitors")
        self._step(self.seed_competitors)
        self.progress.set_stage(f"organisation: {len(s.regions)} regions, {len(s.reps)} reps")
        self.in_parallel(partial(self.seed_organisation, r) for r in s.regions)
        self.progress.set_stage("territories, plans and targets allocated down to reps")
        self.in_parallel(partial(self.seed_plans, r) for r in s.regions)
        self.progress.set_stage("commission plans and KPIs")
        self._step(partial(self.each_region, self.seed_incentives))
        self.progress.set_stage("certifications")
        self._step(self.seed_certifications)
        self.progress.set_stage(f"customers: {len(s.customers):,}")
        self.in_parallel(partial(self.seed_customers, rep) for rep in s.reps)
        for region in s.regions:
            # In the scenario's order, not the order the parallel seeding finished in.
            self.regions[region.code].customer_ids = [
                customer_id
                for rep in region.reps
                for customer_id in self.customers_by_rep[rep.rep_id]
            ]
        self.progress.set_stage(f"leads: {len(s.leads):,} by CSV import")
        self.in_parallel(partial(self.seed_leads, r) for r in s.regions)
        self._step(lambda: None)
        self._step(lambda: None)

    def each_region(self, seed: Callable[[Region], None]) -> None:
        """Run `seed` for every region, one after the other."""
        for region in self.scenario.regions:
            seed(region)

    def seed_catalog(self) -> None:
        # The catalog serves every region, so an all-regions admin keeps it.
        admin = self.platform_admin()
        tag = self.scenario.tag
        for course in self.scenario.courses:
            body: NewCourse = {
                "code": course.code,
                "title": course.title,
                "category": course.category,
                "format": course.format,
                "duration_minutes": course.duration_minutes,
                "skills": list(course.skills),
            }
            if course.certifies_product_line:
                body["certifies_product_line"] = course.certifies_product_line
                body["certification_valid_months"] = 12
                body["product_lines"] = [course.certifies_product_line]
            self.course_ids[course.code] = admin.courses.create(body)["course_id"]
        self.tally.add("courses", len(self.scenario.courses))
        for region in self.region_codes:
            path = admin.learning_paths.create(
                {
                    "code": f"{tag}-onboarding-{region.lower()}",
                    "name": "Onboarding for new reps",
                    "role": "rep",
                    "region": region,
                    "purpose": "onboarding",
                    "items": [
                        {"course_id": self.course_ids[f"{tag}-ONB"], "required": True},
                        {"course_id": self.course_ids[f"{tag}-CONDUCT"], "required": True},
                    ],
                }
            )
            self.tally.add("learning paths")
            # What a rep should know: readiness measures completed courses against it.
            for skill, level in (("prospecting", 1), ("discovery", 2), ("negotiation", 2)):
                admin.skill_profiles.set(
                    {"role": "rep", "region": region, "skill": skill, "level": level}
                )
            admin.assignment_rules.create(
                {
                    "name": f"onboarding {region}",
                    "region": region,
                    "trigger": "rep_hired",
                    "match": "rep",
                    "learning_path_id": path["path_id"],
                }
            )
            admin.assignment_rules.create(
                {
                    "name": f"negotiation gaps {region}",
                    "region": region,
                    "trigger": "gap_detected",
                    "match": "negotiation",
                    "course_id": self.course_ids[f"{tag}-NEG"],
                    "due_in_days": 14,
                }
            )

    def seed_competitors(self) -> None:
        admin = self.admin()
        for name, website, strengths, weaknesses in COMPETITORS:
            with suppress(Conflict):  # known from an earlier demo on this platform
                admin.competitors.create(
                    {
                        "name": name,
                        "website": website,
                        "strengths": list(strengths),
                        "weaknesses": list(weaknesses),
                    }
                )
            self.tally.add("competitors")

    def seed_organisation(self, region: Region) -> None:
        boss = self.director(region)
        state = self.regions[region.code]

        def unit(code: str, name: str, kind: str, parent: str, manager: str) -> str:
            body: NewOrgUnit = {"code": code, "name": name, "kind": kind, "region": region.code}
            body |= {"parent_id": parent, "manager_id": manager}
            unit_id: str = boss.org_units.create(body)["unit_id"]
            self.tally.add("org units")
            return unit_id

        state.company_id = unit(region.company_code, "Salesops Demo Corp", "company", "", "")
        state.unit_id = unit(
            region.unit_code, region.name, "region", state.company_id, region.director_id
        )
        for team in region.teams:
            state.team_ids[team.code] = unit(
                team.code, team.name, "team", state.unit_id, team.manager_id
            )
            for rep in team.reps:
                boss.reps.create(
                    {
                        "rep_id": rep.rep_id,
                        "name": rep.name,
                        "email": rep.email,
                        "team_unit_id": state.team_ids[team.code],
                        "capacity": rep.capacity,
                        "hire_date": self.quarter.year_starts_on.isoformat(),
                    }
                )
                self.tally.add("reps")

    def seed_plans(self, region: Region) -> None:
        boss = self.director(region)
        state = self.regions[region.code]
        for n, team in enumerate(region.teams):
            territory = boss.territories.create(
                {
                    "name": f"{team.name} ({'/'.join(team.countries)})",
                    "region": region.code,
                    "countries": list(team.countries),
                    "industries": list(INDUSTRIES),
                    "market_potential": {
                        "currency": CURRENCY,
                        "amount_minor": region.quarter_targets[1] * 4 * (n + 2),
                    },
                    "rep_ids": [rep.rep_id for rep in team.reps],
                }
            )
            state.territory_ids.append(territory["territory_id"])
            self.tally.add("territories")
        weights = {
            state.team_ids[t.code]: w
            for t, w in zip(region.teams, region.team_weights, strict=True)
        }
        for quarter_code, amount in zip(
            self.quarter.quarter_codes, region.quarter_targets, strict=True
        ):
            plan = boss.plans.create(
                {
                    "org_unit_id": state.unit_id,
                    "period_code": quarter_code,
                    "owner_id": region.director_id,
                    "currency": CURRENCY,
                    "strategy": "grow the installed base; land new logos in every territory",
                }
            )
            target = boss.plans.add_target(
                plan["plan_id"],
                {"metric": "revenue", "amount": {"currency": CURRENCY, "amount_minor": amount}},
            )
            boss.targets.allocate(target["target_id"], {"method": "weights", "weights": weights})
            boss.plans.submit(plan["plan_id"])
            boss.plans.approve(plan["plan_id"])
            state.plan_ids.append(plan["plan_id"])
            self.tally.add("plans approved")

    def seed_incentives(self, region: Region) -> None:
        admin, boss = self.admin(), self.director(region)
        plan = admin.commission_plans.create(
            {
                "name": f"Reps {region.code} {self.quarter.year_code}",
                "role": "rep",
                "region": region.code,
                "currency": CURRENCY,
                "effective_from": self.quarter.year_starts_on.isoformat(),
                "rules": {"base_rate_bp": 500},
            }
        )
        boss.commission_plans.approve(plan["plan_id"])
        self.tally.add("commission plans")
        admin.kpis.create(
            {
                "role": "rep",
                "region": region.code,
                "effective_from": self.quarter.code,
                "kpis": [
                    {
                        "code": "revenue",
                        "name": "Revenue attainment",
                        "source": "revenue_attainment",
                        "target_kind": "quota",
                        "floor_bp": 5000,
                        "stretch_bp": 15000,
                        "weight_bp": 5000,
                    },
                    {
                        "code": "win_rate",
                        "name": "Win rate",
                        "source": "win_rate",
                        "target_value": 3000,
                        "floor_bp": 4000,
                        "stretch_bp": 16000,
                        "weight_bp": 2500,
                        "skill_area": "negotiation",
                    },
                    {
                        "code": "training",
                        "name": "Training compliance",
                        "source": "training_compliance",
                        "target_value": 8000,
                        "floor_bp": 5000,
                        "stretch_bp": 12500,
                        "weight_bp": 2500,
                        "required_training": [f"{self.scenario.tag}-NEG"],
                    },
                ],
            }
        )
        self.tally.add("KPI sets")

    def seed_certifications(self) -> None:
        """Product certifications: most current, some about to run out, a few already stale."""
        admin = self.admin()
        for rep in self.scenario.reps:
            rng = decision_rng(self.scenario.seed, rep.actor, 0)
            line = rng.choice(PRODUCT_LINES)
            roll = rng.random()
            # A year's validity: a quarter of them end before the quarter does (they expire at
            # the quarter-end check, and are announced as expiring before that).
            ends_in_days = (self.quarter.ends_on - self.today).days
            if roll < 0.25 and ends_in_days > 2:
                ends = self.today + timedelta(days=rng.randint(1, ends_in_days - 1))
            else:
                ends = self.today + timedelta(days=rng.randint(60, 330))
            valid_from = _a_year_before(ends) + timedelta(days=1)
            grant: OutsideGrant = {
                "rep_id": rep.rep_id,
                "product_line": line,
                "valid_months": 12,
                "valid_from": valid_from.isoformat(),
                "evidence": "Vendor certificate",
            }
            try:
                retry_until_known(partial(admin.certifications.grant, grant))
                self.tally.add("certifications granted")
            except ApiError as refused:
                self.tally.add(f"certifications refused ({refused.status})")

    def seed_customers(self, rep: Rep) -> None:
        client = self.rep(rep)
        for customer in self.scenario.customers_of(rep.rep_id):
            body: CreateCustomerRequest = {
                "region": customer.region,
                "name": customer.name,
                "domain": customer.domain,
                "country": customer.country,
                "industry": customer.industry,
                "company_size": customer.company_size,
                "owner_id": rep.rep_id,
            }
            created = retry_until_known(partial(client.customers.create, body))
            self.customers_by_rep[rep.rep_id].append(created["customer_id"])
            self.tally.add("customers")

    def seed_leads(self, region: Region) -> None:
        boss = self.director(region)
        # Routing needs the territories, which the pipeline learns by event: the director
        # sets how each routes (by spare capacity) as soon as the pipeline knows it, so no
        # lead arrives before its territory does.
        for territory_id in self.regions[region.code].territory_ids:
            retry_until_known(
                partial(boss.lead_routing.update, territory_id, {"strategy": "most_spare_capacity"})
            )
        leads = tuple(lead for lead in self.scenario.leads if lead.region == region.code)
        for start in range(0, len(leads), LEAD_ROWS_PER_IMPORT):
            part = leads[start : start + LEAD_ROWS_PER_IMPORT]
            result = boss.leads.import_(self.scenario.leads_csv(part))
            self.tally.add("leads imported", result["created"])
            self.tally.add("lead rows refused", result["invalid"] + result["duplicates"])

    # --- the quarter ---------------------------------------------------------------------

    def play_quarter(self) -> None:
        """Thirteen rounds: reps sell and learn; directors serve, survey, cancel and inspect."""
        for rep in self.scenario.reps:
            # Worked in the order of the scenario's contacts (unique e-mail addresses).
            new = sorted(
                self.rep(rep).leads.list_all(status="new"),
                key=lambda lead: (lead["contact_email"], lead["lead_id"]),
            )
            self.leads[rep.rep_id] = [lead["lead_id"] for lead in new]
        self.progress.set_stage("waiting for training to assign onboarding to every new hire")
        self.await_onboarding()
        for week in range(1, WEEKS_IN_QUARTER + 1):
            self.week = week
            self.progress.set_stage(f"quarter {self.quarter.code}: week {week} of 13")
            tasks: list[Callable[[], None]] = [
                partial(self.rep_week, rep, week) for rep in self.scenario.reps
            ]
            tasks += [partial(self.region_week, r, week) for r in self.scenario.regions]
            self.in_parallel(tasks)
            if week == 9:
                self.progress.set_stage("scorecards: waiting for every win and loss to count")
                self.in_parallel(partial(self.await_scorecards, r) for r in self.scenario.regions)
                self.progress.set_stage("scorecards: detecting gaps (training follows)")
                self.in_parallel(partial(self.detect_gaps, r) for r in self.scenario.regions)
        self.progress.set_stage("certification expiry, commission statements")
        # The expiry check is one job for the whole platform: what it expired of this demo's
        # regions is read back from them (another demo's certifications may be in its answer).
        self.platform_admin().certifications.run_expiry(
            {"as_of": (self.quarter.ends_on + timedelta(days=1)).isoformat()}
        )
        admin = self.admin()
        for region in self.region_codes:
            expired = admin.certifications.list_all(region=region, state="expired")
            self.tally.add("certifications expired", sum(1 for _ in expired))
        self.in_parallel(partial(self.close_quarter, r) for r in self.scenario.regions)

    # --- waiting for events, so a seed plays the same quarter every time -----------------

    def await_onboarding(self) -> None:
        """Until training has assigned every rep their onboarding path (the rep.hired rule)."""
        for rep in self.scenario.reps:
            _wait_for(
                partial(self._has_enrollments, self.manager(rep), rep.rep_id, "", 2),
                f"the onboarding of {rep.rep_id}",
            )

    @staticmethod
    def _has_enrollments(reader: Client, rep_id: str, course_id: str, count: int) -> bool:
        """Whether a rep has at least `count` enrollments (in `course_id`, or any course)."""
        found = reader.enrollments.list_all(rep_id=rep_id, course_id=course_id or None)
        return sum(1 for _ in found) >= count

    def await_scorecards(self, region: Region) -> None:
        """Until performance counts every win, loss and credit of the region's reps so far.

        Gaps are detected from the scorecards, so this makes who gets the negotiation
        course depend on the seed alone, not on how fast the events travelled.
        """
        boss = self.director(region)
        for rep in region.reps:
            results = self.results[rep.rep_id]
            closed = results.won + results.lost
            win_note = f"{results.won} won of {closed} closed" if closed else ""
            credited = self.regions[region.code].credited(rep.rep_id)
            counted = partial(self._scorecard_shows, boss, rep.rep_id, win_note, credited)
            _wait_for(counted, f"the scorecard of {rep.rep_id}")

    def _scorecard_shows(self, boss: Client, rep_id: str, win_note: str, credited: int) -> bool:
        """Whether a rep's scorecard has their wins and losses ("" = none) and credits."""
        card = boss.scorecards.get_scorecard(rep_id, self.quarter.code)
        lines = {line["kpi_code"]: line for line in card["lines"]}
        revenue, win_rate = lines["revenue"], lines["win_rate"]
        wins_counted = win_rate["note"] == win_note if win_note else not win_rate["scored"]
        return wins_counted and (revenue["value"] if revenue["scored"] else 0) == credited

    def detect_gaps(self, region: Region) -> None:
        """Scorecard gaps of the region; then until training has assigned their courses."""
        boss = self.director(region)
        found = boss.scorecards.detect_gaps(
            {"period_code": self.quarter.code, "region": region.code}
        )
        negotiation = self.course_ids[f"{self.scenario.tag}-NEG"]
        for gap in found["gaps"]:
            if gap["skill_area"] != "negotiation":
                continue
            _wait_for(
                partial(self._has_enrollments, boss, gap["rep_id"], negotiation, 1),
                f"the negotiation course for {gap['rep_id']}",
            )
        self.tally.add("scorecard gaps", len(found["gaps"]))

    def rep_week(self, rep: Rep, week: int) -> None:
        """One rep's week: leads, activities, deals, training."""
        rng = decision_rng(self.scenario.seed, rep.actor, week)
        client = self.rep(rep)
        self.work_leads(rep, client, rng, week)
        customers = self.customers_by_rep[rep.rep_id]
        if customers:
            client.activities.create(
                {
                    "type": rng.choice(("call", "meeting", "email", "visit")),
                    "subject": "Account review",
                    "outcome": rng.choice(("follow-up agreed", "no answer", "new need found")),
                    "customer_id": rng.choice(customers),
                }
            )
            self.tally.add("activities")
        if customers and week <= WEEKS_IN_QUARTER - 1:
            for _ in range(self.scenario.scale.deals_opened_per_week):
                self.open_deal(rep, client, rng, rng.choice(customers))
        for deal in [d for d in self.deals[rep.rep_id] if not d.closed]:
            self.work_deal(rep, client, rng, deal, week)
        self.train(rep, client, rng, week)

    def work_leads(self, rep: Rep, client: Client, rng: Any, week: int) -> None:
        queue = self.leads[rep.rep_id]
        for _ in range(min(self.scenario.scale.leads_worked_per_week, len(queue))):
            lead_id = queue.pop(0)
            roll = rng.random()
            try:
                client.leads.mark_contacted(lead_id, {})
                if roll < 0.35:
                    reason = rng.choice(("no budget", "no fit"))
                    client.leads.disqualify(lead_id, {"reason": reason})
                    self.tally.add("leads disqualified")
                    continue
                client.leads.qualify(lead_id)
                self.tally.add("leads qualified")
                if roll < 0.35 + 0.4 * rep.talent:
                    client.leads.convert(lead_id)
                    self.tally.add("leads converted")
            except RuleViolated:
                # A step the gateway answered 503 to (its deadline passed) may still have
                # been done; retried, it is refused. The rep moves on to the next lead.
                self.tally.add("lead steps found already done")

    def open_deal(self, rep: Rep, client: Client, rng: Any, customer_id: str) -> None:
        quantity = rng.randint(1, 5)
        unit_price = rng.randint(40, 300) * 100_00
        competitors = tuple(name for name, *_ in COMPETITORS if rng.random() < 0.3)
        has_close_date = rng.random() > 0.3  # the rest meet the prospecting gate first
        body: CreateOpportunityRequest = {
            "customer_id": customer_id,
            "name": f"{rng.choice(PRODUCT_LINES).title()} rollout",
            "next_step": "discovery call",
            "line_items": [
                {
                    "product_line": rng.choice(PRODUCT_LINES),
                    "quantity": quantity,
                    "unit_price": {"currency": CURRENCY, "amount_minor": unit_price},
                }
            ],
            "competitors": list(competitors),
        }
        if has_close_date:
            body["expected_close_date"] = self._close_date()
        created = retry_until_known(partial(client.opportunities.create, body))
        self.deals[rep.rep_id].append(
            Deal(
                created["opportunity_id"],
                customer_id,
                quantity * unit_price,
                0,
                has_close_date,
                competitors,
            )
        )
        self.tally.add("opportunities opened")

    def _close_date(self) -> str:
        end = self.quarter.starts_on.replace(day=28) + timedelta(days=62)
        return end.isoformat()

    def work_deal(self, rep: Rep, client: Client, rng: Any, deal: Deal, week: int) -> None:
        """Move a deal on a stage (or meet a gate), or close it from negotiation."""
        if rng.random() > 0.75:
            return  # nothing happened on this deal this week
        opp = deal.opportunity_id
        if deal.stage < len(STAGES) - 1:
            if deal.stage == 1:
                client.activities.create(
                    {
                        "type": "meeting",
                        "subject": "Discovery",
                        "outcome": "needs confirmed",
                        "opportunity_id": opp,
                    }
                )
                self.tally.add("activities")
            try:
                client.opportunities.advance(opp, {})
                deal.stage += 1
                self.tally.add("stage moves")
            except RuleViolated:
                # The gate names what is missing; the rep fixes it and tries again next week.
                self.tally.add("stage moves blocked by gates")
                client.opportunities.update(
                    opp, {"expected_close_date": self._close_date(), "next_step": "send quote"}
                )
                deal.has_close_date = True
            return
        if week < 4 and rng.random() < 0.5:
            return
        self.close_deal(rep, client, rng, deal)

    def close_deal(self, rep: Rep, client: Client, rng: Any, deal: Deal) -> None:
        """Win the deal from an accepted quote or lose it; a refused step re-reads the deal."""
        try:
            self._close(rep, client, rng, deal)
        except RuleViolated:
            # As with leads: a step answered 503 but done is refused when retried.
            self._resync(rep, client, deal)

    def _resync(self, rep: Rep, client: Client, deal: Deal) -> None:
        """Take the deal's state from the pipeline: won (with its contract), lost, or open."""
        status = client.opportunities.get(deal.opportunity_id)["status"]
        if status == "lost":
            deal.closed = True
            self.results[rep.rep_id].lost += 1
            self.tally.add("deals lost")
        elif status == "won":
            deal.closed = True
            for contract in client.contracts.list_all(opportunity_id=deal.opportunity_id):
                self._book(rep, contract["contract_id"], _minor(contract.get("value")))

    def _book(self, rep: Rep, contract_id: str, value: int) -> None:
        state = self.regions[rep.region]
        with state.lock:
            results = self.results[rep.rep_id]
            results.won += 1
            state.contracts.append(Booking(self.week, rep.rep_id, results.won, contract_id, value))
        self.tally.add("deals won")

    def _close(self, rep: Rep, client: Client, rng: Any, deal: Deal) -> None:
        opp = deal.opportunity_id
        if rng.random() > 0.3 + 0.6 * rep.talent:
            competitor = rng.choice(deal.competitors) if deal.competitors else ""
            body: LoseRequest = {"reason": rng.choice(LOSS_REASONS)}
            if competitor:
                body["competitor"] = competitor
                self.tally.add("deals lost to a named competitor")
            client.opportunities.lose(opp, body)
            deal.closed = True
            self.results[rep.rep_id].lost += 1
            self.tally.add("deals lost")
            return
        discount = rng.choice(DISCOUNTS_BP)
        opportunity = client.opportunities.get(opp)
        quote = client.quotes.create(
            {
                "opportunity_id": opp,
                "lines": [
                    {
                        "product_line": item["product_line"],
                        "quantity": item["quantity"],
                        "unit_price": {
                            "currency": CURRENCY,
                            "amount_minor": _minor(item.get("unit_price")),
                        },
                    }
                    for item in opportunity["line_items"]
                ],
                "discount_bp": discount,
            }
        )
        submitted = client.quotes.submit(quote["quote_id"], {})
        if submitted["status"] == "pending_approval":
            self.manager(rep).quotes.approve(quote["quote_id"], {"comment": "strategic account"})
            self.tally.add("discounts approved by a manager")
        client.quotes.accept(quote["quote_id"], {})
        won = client.opportunities.win(opp, {"quote_id": quote["quote_id"]})
        deal.closed = True
        self._book(rep, won["contract"]["contract_id"], _minor(won["contract"].get("value")))

    def train(self, rep: Rep, client: Client, rng: Any, week: int) -> None:
        """Reps start and finish what they were assigned; the less diligent miss some."""
        if week % 3 != 2:
            return
        enrollments = sorted(
            client.enrollments.list_all(rep_id=rep.rep_id),
            key=lambda enrollment: (enrollment["course_code"], enrollment["enrollment_id"]),
        )
        for enrollment in enrollments:
            if enrollment["status"] in ("completed", "waived", "cancelled", "expired"):
                continue
            if rng.random() > rep.talent:
                self.tally.add("training postponed")
                continue
            # A rep finishes self-paced e-learning; attendance of a classroom
            # course is recorded by their manager.
            self_paced = self.course_formats.get(enrollment["course_code"]) == "e_learning"
            try:
                if enrollment["status"] == "assigned":
                    client.enrollments.start(enrollment["enrollment_id"])
                if self_paced:
                    client.enrollments.complete(enrollment["enrollment_id"])
                else:
                    self.manager(rep).enrollments.complete(enrollment["enrollment_id"])
                    self.tally.add("classroom attendance recorded by a manager")
                self.tally.add("courses completed")
            except RuleViolated:
                self.tally.add("courses not completed (refused)")

    def region_week(self, region: Region, week: int) -> None:
        """A director's week: cases opened and resolved, surveys, a cancellation, inspections."""
        rng = decision_rng(self.scenario.seed, region.actor, week)
        boss = self.director(region)
        state = self.regions[region.code]
        if not state.customer_ids:
            return
        for _ in range(rng.randint(1, 3)):
            case = retry_until_known(
                lambda: boss.cases.create(
                    {
                        "region": region.code,
                        "customer_id": rng.choice(state.customer_ids),
                        "type": rng.choice(("incident", "question", "request")),
                        "priority": rng.choice(("low", "normal", "normal", "high", "urgent")),
                        "subject": rng.choice(
                            (
                                "Reports are slow",
                                "Invoice question",
                                "Login fails",
                                "Need more seats",
                            )
                        ),
                    }
                )
            )
            state.open_cases.append((week, case["case_id"]))
            self.tally.add("cases opened")
        still_open: list[tuple[int, str]] = []
        for opened, case_id in state.open_cases:
            if week - opened >= 1 and rng.random() < 0.7:
                score = rng.choices((1, 2, 3, 4, 5), weights=(1, 1, 2, 4, 4))[0]
                try:
                    boss.cases.start(case_id, {})
                    boss.cases.resolve(
                        case_id,
                        {"resolution_note": "fixed and explained", "satisfaction_score": score},
                    )
                    self.tally.add("cases resolved")
                except RuleViolated:
                    self.tally.add("case steps found already done")
            else:
                still_open.append((opened, case_id))
        state.open_cases = still_open
        for _ in range(rng.randint(2, 5)):
            score = rng.choices(range(11), weights=(1, 1, 1, 1, 1, 2, 2, 4, 6, 8, 8))[0]
            boss.surveys.create(
                {
                    "customer_id": rng.choice(state.customer_ids),
                    "kind": "nps",
                    "score": score,
                    "channel": "email",
                }
            )
            self.tally.add("survey answers")
        if week in (6, 11):
            # The region's first contract of an earlier week: those of this week are being
            # signed while the director works, in whatever order the threads run.
            with state.lock:
                earlier = [booking for booking in state.contracts if booking.week < week]
                booking = min(earlier) if earlier else None
                if booking is not None:
                    state.contracts.remove(booking)
            if booking is not None:
                with suppress(RuleViolated):  # cancelled already by an attempt answered 503
                    boss.contracts.cancel(
                        booking.contract_id, {"reason": "customer withdrew in cooling-off"}
                    )
                self.tally.add("contracts cancelled")
        if week in (7, 13):
            run = boss.inspections.run(
                {"region": region.code, "period_code": self.quarter.month_code}
            )
            self.tally.add("inspections run")
            self.tally.add("violations recorded", len(run["recorded"]))

    def close_quarter(self, region: Region) -> None:
        """Commission statements for everyone in the region once the credits are in."""
        boss = self.director(region)
        state = self.regions[region.code]
        booked = state.booked
        deadline = time.monotonic() + EVENT_WAIT_SECONDS
        # Planning books contracts by event: wait until the region's attainment has them all.
        while time.monotonic() < deadline:
            lines = boss.attainment.get(org_unit=state.unit_id, period=self.quarter.code)["lines"]
            actual = [
                _minor(line.get("actual"))
                for line in lines
                if line["metric"] == "revenue" and not line["product_line"]
            ]
            if actual == [booked]:
                break
            time.sleep(0.5)
        while True:
            boss.commission_statements.calculate(
                {"period_code": self.quarter.code, "region": region.code}
            )
            credited = sum(
                _minor(statement.get("revenue"))
                for statement in boss.commission_statements.list_all(
                    region=region.code, period=self.quarter.code
                )
            )
            # Credits travel by event: recalculate until every contract is in (or give up).
            if credited == booked or time.monotonic() > deadline:
                break
            time.sleep(1.0)
        self.tally.add("commission statements calculated")
