"""The demo's organisation and market, generated from a seed: plain data, no I/O.

`build_scenario(seed, scale)` returns the same `Scenario` for the same
arguments, down to every name, amount and decision, so two runs of
`make demo` tell the same story. The quarter's decisions that depend on what
the platform answers (which lead was routed to whom) are drawn later from
`decision_rng`, seeded per actor and week, so the order in which threads run
never changes them.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

DEFAULT_SEED = 2027
CURRENCY = "EUR"
WEEKS_IN_QUARTER = 13

# Region code, name, the countries its territories cover.
REGION_CATALOG: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("EMEA", "Europe, Middle East & Africa", ("DE", "FR", "GB", "NL", "SE", "AE")),
    ("AMER", "Americas", ("US", "CA", "BR", "MX")),
    ("APAC", "Asia-Pacific", ("JP", "AU", "SG", "IN")),
)
INDUSTRIES = ("manufacturing", "retail", "finance", "healthcare", "logistics", "software")
COMPANY_SIZES = ("1-49", "50-249", "250+")
LEAD_SOURCES = ("web", "event", "referral", "partner", "outbound", "inbound_call")
PRODUCT_LINES = ("analytics", "automation", "connect")
COMPETITORS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Rival Systems", "https://rival.example", ("price",), ("support",)),
    ("Northwind Analytics", "https://northwind.example", ("brand",), ("integration",)),
    ("Contoso Cloud", "https://contoso.example", ("bundling",), ("flexibility",)),
)
LOSS_REASONS = ("price", "features", "timing", "no_decision", "relationship")
FIRST_NAMES = (
    "Ada",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Femi",
    "Greta",
    "Hiro",
    "Ines",
    "Jonas",
    "Kavya",
    "Liam",
    "Maya",
    "Noah",
    "Olga",
    "Pedro",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Uma",
    "Viktor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
)
LAST_NAMES = (
    "Adler",
    "Bianchi",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Patel",
    "Quiroga",
    "Rossi",
    "Singh",
    "Tanaka",
    "Novak",
    "Vargas",
    "Weber",
    "Yilmaz",
    "Zhang",
)
COMPANY_WORDS = (
    "Alpine",
    "Beacon",
    "Cobalt",
    "Delta",
    "Ember",
    "Fjord",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Keystone",
    "Lumen",
    "Meridian",
    "Nimbus",
    "Orchid",
    "Pioneer",
    "Quartz",
    "Redwood",
    "Summit",
    "Tidal",
    "Umbra",
    "Vertex",
    "Willow",
    "Zephyr",
    "Aurora",
    "Boreal",
    "Cascade",
    "Dune",
    "Evergreen",
    "Falcon",
    "Glacier",
    "Horizon",
)
COMPANY_TRADES = (
    "Logistics",
    "Foods",
    "Motors",
    "Health",
    "Textiles",
    "Energy",
    "Robotics",
    "Pharma",
    "Retail",
    "Finance",
    "Software",
    "Metals",
    "Media",
    "Optics",
    "Labs",
    "Works",
)
LEGAL_FORMS = {"DE": "GmbH", "FR": "SA", "GB": "Ltd", "NL": "BV", "SE": "AB", "US": "Inc"}


@dataclass(frozen=True)
class Scale:
    """How big the organisation and the quarter are; `Scale()` is the issue's full size."""

    regions: int = 3
    teams_per_region: int = 4
    reps_per_team: int = 5
    customers: int = 2_000
    leads: int = 10_000
    # Per rep and week: leads worked, deals opened.
    leads_worked_per_week: int = 3
    deals_opened_per_week: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.regions <= len(REGION_CATALOG):
            raise ValueError(f"regions is {self.regions}; expected 1 to {len(REGION_CATALOG)}")
        for name in ("teams_per_region", "reps_per_team", "customers", "leads"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} is {getattr(self, name)}; expected 1 or more")

    @classmethod
    def fraction(cls, share: float) -> Scale:
        """The full size times `share` (0 < share <= 1), never below one region of 2 teams of 2."""
        if not 0 < share <= 1:
            raise ValueError(f"scale is {share}; expected a number above 0 and at most 1")
        full = cls()
        return cls(
            regions=max(1, round(full.regions * share)),
            teams_per_region=max(2, round(full.teams_per_region * share**0.5)),
            reps_per_team=max(2, round(full.reps_per_team * share**0.5)),
            customers=max(10, round(full.customers * share)),
            leads=max(20, round(full.leads * share)),
        )

    @property
    def reps(self) -> int:
        """How many reps the organisation has."""
        return self.regions * self.teams_per_region * self.reps_per_team


@dataclass(frozen=True)
class Rep:
    rep_id: str
    name: str
    email: str
    region: str
    team_code: str
    manager_id: str
    capacity: int
    # 0..1: how likely this rep wins a deal and completes training; it makes a ranking.
    talent: float
    # Who the rep is in any namespace ("rep-emea-1-1"): what their decisions are drawn by.
    actor: str


@dataclass(frozen=True)
class Team:
    code: str
    name: str
    region: str
    manager_id: str
    countries: tuple[str, ...]
    reps: tuple[Rep, ...]


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    director_id: str
    countries: tuple[str, ...]
    company_code: str
    unit_code: str
    teams: tuple[Team, ...]
    # Revenue target of the region per quarter of the fiscal year, in minor units.
    quarter_targets: tuple[int, int, int, int]
    # Weights of the teams in the allocation (their share of the region's target).
    team_weights: tuple[int, ...]
    # The director in any namespace ("dir-emea"): what their decisions are drawn by.
    actor: str

    @property
    def reps(self) -> tuple[Rep, ...]:
        """Every rep of every team, in team order."""
        return tuple(rep for team in self.teams for rep in team.reps)


@dataclass(frozen=True)
class Customer:
    key: str
    region: str
    name: str
    domain: str
    country: str
    industry: str
    company_size: str
    owner_id: str


@dataclass(frozen=True)
class Lead:
    region: str
    company_name: str
    contact_name: str
    contact_email: str
    country: str
    industry: str
    source: str
    company_size: str


@dataclass(frozen=True)
class Course:
    code: str
    title: str
    category: str
    format: str
    duration_minutes: int
    skills: tuple[str, ...] = ()
    certifies_product_line: str = ""


@dataclass(frozen=True)
class Scenario:
    """Everything the demo creates before the quarter starts."""

    seed: int
    scale: Scale
    tag: str
    regions: tuple[Region, ...]
    customers: tuple[Customer, ...]
    leads: tuple[Lead, ...]
    courses: tuple[Course, ...]
    # What follows every region code: "" (the default seed), the seed, or a namespace.
    suffix: str = ""
    competitors: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = field(
        default=COMPETITORS
    )

    @property
    def reps(self) -> tuple[Rep, ...]:
        """Every rep of the organisation, region by region."""
        return tuple(rep for region in self.regions for rep in region.reps)

    def customers_of(self, rep_id: str) -> tuple[Customer, ...]:
        """The customers a rep owns, in the scenario's order."""
        return tuple(c for c in self.customers if c.owner_id == rep_id)

    def leads_csv(self, leads: tuple[Lead, ...]) -> str:
        """Leads as the CSV `POST /v1/leads:import` takes (header first)."""
        columns = (
            "region",
            "company_name",
            "contact_name",
            "contact_email",
            "country",
            "industry",
            "source",
            "company_size",
        )
        lines = [",".join(columns)]
        for lead in leads:
            lines.append(",".join(str(getattr(lead, column)) for column in columns))
        return "\n".join(lines) + "\n"


# A namespace for a scenario's codes: what follows the region code (EMEA7, EMEAB2).
NAMESPACE = re.compile(r"[A-Z0-9]{1,12}")


def decision_rng(seed: int, actor: str, week: int) -> random.Random:
    """The random choices of one actor in one week: independent of thread scheduling."""
    return random.Random(f"{seed}/{actor}/{week}")


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _company_names(rng: random.Random, count: int) -> list[str]:
    """`count` distinct company names (word, trade and a number when the pairs run out)."""
    pairs = [f"{word} {trade}" for word in COMPANY_WORDS for trade in COMPANY_TRADES]
    names: list[str] = []
    round_number = 0
    while len(names) < count:
        batch = pairs[:]
        rng.shuffle(batch)
        suffix = "" if round_number == 0 else f" {round_number + 1}"
        names.extend(f"{name}{suffix}" for name in batch)
        round_number += 1
    return names[:count]


def build_scenario(
    seed: int = DEFAULT_SEED, scale: Scale | None = None, namespace: str | None = None
) -> Scenario:
    """The organisation, customers, leads and catalog of the demo for `seed` at `scale`.

    With the default seed the regions are EMEA, AMER and APAC; another seed
    appends itself to every region code (EMEA7), so several demos can share a
    platform without mixing their figures. A `namespace` (capital letters and
    digits) is appended instead of the seed: the same seed in two namespaces
    is the same organisation under other codes, and plays the same quarter.
    """
    scale = scale or Scale()
    rng = random.Random(seed)
    if namespace is not None and not NAMESPACE.fullmatch(namespace):
        raise ValueError(f"namespace {namespace!r}: use 1-12 capital letters and digits")
    suffix = namespace if namespace is not None else "" if seed == DEFAULT_SEED else str(seed)
    tag = f"d{seed}" if namespace is None else f"d{seed}{namespace.lower()}"
    regions: list[Region] = []
    for code, name, countries in REGION_CATALOG[: scale.regions]:
        region_code = f"{code}{suffix}"
        low = region_code.lower()
        director = f"dir-{low}"
        teams: list[Team] = []
        for t in range(scale.teams_per_region):
            team_code = f"{low}-team-{t + 1}"
            manager = f"mgr-{low}-{t + 1}"
            team_countries = countries[t % len(countries) :: scale.teams_per_region] or (
                countries[t % len(countries)],
            )
            reps = tuple(
                Rep(
                    rep_id=f"rep-{low}-{t + 1}-{r + 1}",
                    name=(person := _person(rng)),
                    email=f"{person.lower().replace(' ', '.')}.{low}{t + 1}{r + 1}@demo.example",
                    region=region_code,
                    team_code=team_code,
                    manager_id=manager,
                    capacity=rng.randint(15, 40),
                    talent=round(rng.uniform(0.25, 0.9), 2),
                    actor=f"rep-{code.lower()}-{t + 1}-{r + 1}",
                )
                for r in range(scale.reps_per_team)
            )
            teams.append(
                Team(
                    team_code,
                    f"{name.split(',')[0]} team {t + 1}",
                    region_code,
                    manager,
                    tuple(team_countries),
                    reps,
                )
            )
        team_weights = tuple(rng.randint(2, 5) for _ in teams)
        reps_in_region = scale.teams_per_region * scale.reps_per_team
        # Roughly what a rep closes in a quarter, so attainment lands between 50 % and 120 %.
        per_rep = rng.randint(220, 320) * 1_000_00
        quarter_targets = tuple(
            reps_in_region * per_rep * factor // 100 for factor in (90, 100, 100, 110)
        )
        regions.append(
            Region(
                code=region_code,
                name=name,
                director_id=director,
                countries=countries,
                company_code=f"{low}-company",
                unit_code=f"{low}-region",
                teams=tuple(teams),
                quarter_targets=quarter_targets,  # type: ignore[arg-type]
                team_weights=team_weights,
                actor=f"dir-{code.lower()}",
            )
        )

    all_reps = [rep for region in regions for rep in region.reps]
    names = _company_names(rng, scale.customers + scale.leads)
    customers: list[Customer] = []
    for n in range(scale.customers):
        region = regions[n % len(regions)]
        team = region.teams[(n // len(regions)) % len(region.teams)]
        owner = team.reps[(n // (len(regions) * len(region.teams))) % len(team.reps)]
        country = rng.choice(team.countries)
        company = names[n]
        customers.append(
            Customer(
                key=f"{tag}-c{n + 1}",
                region=region.code,
                name=f"{company} {LEGAL_FORMS.get(country, 'Ltd')}",
                domain=f"{company.lower().replace(' ', '-')}-{region.code.lower()}.example",
                country=country,
                industry=rng.choice(INDUSTRIES),
                company_size=rng.choice(COMPANY_SIZES),
                owner_id=owner.rep_id,
            )
        )
    assert len({r.rep_id for r in all_reps}) == len(all_reps)

    leads: list[Lead] = []
    for n in range(scale.leads):
        region = regions[n % len(regions)]
        company = names[scale.customers + n]
        contact = _person(rng)
        slug = company.lower().replace(" ", "")
        leads.append(
            Lead(
                region=region.code,
                company_name=company,
                contact_name=contact,
                contact_email=f"{contact.split()[0].lower()}.{n + 1}@{slug}.example",
                country=rng.choice(region.countries),
                industry=rng.choice(INDUSTRIES),
                source=rng.choice(LEAD_SOURCES),
                company_size=rng.choice(COMPANY_SIZES),
            )
        )

    courses = (
        Course(
            f"{tag}-ONB",
            "Onboarding: how we sell",
            "sales_process",
            "e_learning",
            90,
            ("prospecting:1",),
        ),
        Course(
            f"{tag}-NEG",
            "Negotiating value, not price",
            "selling_skills",
            "classroom",
            240,
            ("negotiation:2",),
        ),
        Course(
            f"{tag}-DISC",
            "Discovery calls that qualify",
            "selling_skills",
            "e_learning",
            60,
            ("discovery:2",),
        ),
        Course(f"{tag}-CONDUCT", "Conduct and compliance", "compliance_ethics", "e_learning", 45),
        *(
            Course(
                f"{tag}-CERT-{line.upper()}",
                f"{line.title()} certification",
                "product_knowledge",
                "e_learning",
                120,
                (),
                line,
            )
            for line in PRODUCT_LINES
        ),
    )
    return Scenario(
        seed, scale, tag, tuple(regions), tuple(customers), tuple(leads), courses, suffix=suffix
    )
