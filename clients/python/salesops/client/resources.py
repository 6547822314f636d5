"""The gateway's resources, typed: GENERATED from its OpenAPI document (version 1.0.0); do not edit.

Regenerate after a gateway route changes:

    .venv/bin/python clients/python/generate_sdk.py (or: make sdk)

A test fails while this module is stale.
"""

# ruff: noqa: E501
from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal, NotRequired, TypedDict, cast

from salesops.client.operations import Operation, Param, ResourceBase
from salesops.client.transport import Transport


class ActionAdded(TypedDict):
    """The session after the action was added, and the action."""

    session: CoachingSession
    action: CoachingAction


class ActionChange(TypedDict):
    """What changes; fields left out stay as they are."""

    status: NotRequired[Literal["open", "in_progress", "done", "dropped"] | None]
    drop_reason: NotRequired[str]
    title: NotRequired[str | None]
    owner_id: NotRequired[str | None]
    due_date: NotRequired[str | None]
    version: NotRequired[int]


class Activity(TypedDict):
    """A call, meeting, visit, email or task."""

    activity_id: str
    region: str
    type: Literal["unspecified", "call", "meeting", "visit", "email", "task"]
    subject: str
    outcome: str
    owner_id: str
    lead_id: str
    opportunity_id: str
    customer_id: str
    due_date: str
    status: Literal["unspecified", "open", "completed"]
    occur_time: str | None
    complete_time: str | None
    audit: Audit | None


class ActivityList(TypedDict):
    """One page of activities, newest first."""

    activities: list[Activity]
    next_page_token: str


class AddContactRequest(TypedDict):
    """A new contact of the customer. The customers service checks the values."""

    name: str
    title: NotRequired[str]
    email: NotRequired[str]
    phone: NotRequired[str]
    buying_role: NotRequired[
        Literal[
            "decision_maker", "influencer", "user", "champion", "blocker", "economic_buyer", "other"
        ]
        | None
    ]
    preferences: NotRequired[PreferencesInput | None]


class AddTargetRequest(TypedDict):
    """A target: revenue with an amount, any other metric with a quantity."""

    metric: Literal["revenue", "units", "new_customers", "market_share_bp", "activity_count"]
    amount: NotRequired[MoneyInput | None]
    quantity: NotRequired[int]
    product_line: NotRequired[str]


class AddressInput(TypedDict):
    """Where an account is."""

    street: NotRequired[str]
    city: NotRequired[str]
    postal_code: NotRequired[str]
    state_province: NotRequired[str]


class AdjustAllocationRequest(TypedDict):
    """Whose share (exactly one of unit_id and rep_id), the new value, and why."""

    unit_id: NotRequired[str]
    rep_id: NotRequired[str]
    amount: NotRequired[MoneyInput | None]
    quantity: NotRequired[int]
    reason: str


class AdjustForecastRequest(TypedDict):
    """Adjusted figures in the forecast's currency, and why."""

    commit: MoneyInput
    best_case: MoneyInput
    pipeline: MoneyInput
    reason: str


class AdjustedAllocation(TypedDict):
    """The share after the edit, its value before, and the roll-up after."""

    allocation: TargetAllocation | None
    previous_value: int
    lines: list[TargetRollUpLine]
    adds_up: bool


class Adjustment(TypedDict):
    """Adjustment"""

    evaluation_id: str
    rating: int
    reason: str


class AdvanceRequest(TypedDict):
    """Where to: a later open stage of the pipeline, or the next one when empty."""

    target_stage_id: NotRequired[str]


class AllocateTargetRequest(TypedDict):
    """How to split the target down the tree."""

    method: Literal["equal", "weights", "last_period_actuals", "market_potential"]
    weights: NotRequired[dict[str, int]]
    over_allocation_bp: NotRequired[int]
    depth: NotRequired[int]


class AllocationResult(TypedDict):
    """The target and every unit's and rep's share."""

    target: Target | None
    allocations: list[TargetAllocation]
    allocated_total: int


class AmendCommissionPlanRequest(TypedDict):
    """The next version: what is left out is kept from the amended version."""

    name: NotRequired[str]
    effective_from: NotRequired[str]
    effective_to: NotRequired[str]
    rules: NotRequired[CommissionRules | None]


class AmendPlanRequest(TypedDict):
    """The new version's strategy; left out, the old one is kept."""

    strategy: NotRequired[str]


class AnalyticsFilter(TypedDict):
    """The filters as applied (a rep's owner_id is their own)."""

    period: str
    region: str
    team_id: str
    owner_id: str
    pipeline_id: str


class AnswerInput(TypedDict):
    """AnswerInput"""

    question_id: str
    chosen_options: list[int]


class Appeal(TypedDict):
    """Appeal"""

    reason: str


class Approved(TypedDict):
    """The approved request and the account under its new owner."""

    transfer: OwnershipTransfer
    customer: Customer


class ApprovedQuote(TypedDict):
    """A quote of the deal that is approved (or accepted by the customer)."""

    accepted_only: bool


class ApprovedQuoteInput(TypedDict):
    """ApprovedQuoteInput"""

    accepted_only: NotRequired[bool]


class Assessment(TypedDict):
    """An assessment of a course."""

    assessment_id: str
    course_id: str
    course_code: str
    title: str
    pass_mark_bp: int
    max_attempts: int
    total_points: int
    questions: list[Question]
    includes_answer_key: bool
    create_time: str | None
    created_by: str
    update_time: str | None
    updated_by: str
    version: int


class AssessmentList(TypedDict):
    """One page of assessments, newest first."""

    assessments: list[Assessment]
    next_page_token: str


class AssignCaseRequest(TypedDict):
    """Who works the case from now on."""

    assignee_id: str


class AssignLeadRequest(TypedDict):
    """Who gets the lead, and why."""

    owner_id: str
    note: NotRequired[str]


class AssignmentInput(TypedDict):
    """What changes from `effective_date`; empty fields (zero capacity) stay."""

    team_unit_id: NotRequired[str]
    manager_id: NotRequired[str]
    capacity: NotRequired[int]
    status: NotRequired[str]
    effective_date: str


class AssignmentOutput(TypedDict):
    """The enrollments an assignment made (or found open), one per course."""

    enrollments: list[Enrollment]
    created: list[bool]


class AssignmentRule(TypedDict):
    """A rule and what it assigns."""

    rule_id: str
    name: str
    trigger: Literal[
        "unspecified", "rep_hired", "gap_detected", "violation_recorded", "certification_expiring"
    ]
    match: str
    learning_path_id: str
    course_id: str
    due_in_days: int
    region: str
    enabled: bool
    audit: Audit | None
    version: int


class AssignmentRuleBody(TypedDict):
    """A rule's settings."""

    name: str
    trigger: Literal["rep_hired", "gap_detected", "violation_recorded", "certification_expiring"]
    match: NotRequired[str]
    learning_path_id: NotRequired[str]
    course_id: NotRequired[str]
    due_in_days: NotRequired[int]
    region: NotRequired[str]
    enabled: NotRequired[bool]


class AssignmentRuleList(TypedDict):
    """One page of rules, newest first."""

    rules: list[AssignmentRule]
    next_page_token: str


class AssignmentRuleUpdate(TypedDict):
    """New settings (the trigger cannot change) and the version read (0 skips the check)."""

    name: str
    trigger: NotRequired[
        Literal["rep_hired", "gap_detected", "violation_recorded", "certification_expiring"] | None
    ]
    match: NotRequired[str]
    learning_path_id: NotRequired[str]
    course_id: NotRequired[str]
    due_in_days: NotRequired[int]
    region: NotRequired[str]
    enabled: NotRequired[bool]
    version: NotRequired[int]


class Attainment(TypedDict):
    """A unit's or rep's attainment for a period at an instant."""

    org_unit_id: str
    rep_id: str
    period: PlanPeriod | None
    as_of: str | None
    lines: list[AttainmentLine]
    children: list[SubjectAttainment]


class AttainmentLine(TypedDict):
    """One target's attainment: Money figures for revenue, the *_quantity ones for counts."""

    target_id: str
    plan_id: str
    metric: str
    product_line: str
    target: Money | None
    actual: Money | None
    expected: Money | None
    gap_to_target: Money | None
    gap_to_pace: Money | None
    target_quantity: int
    actual_quantity: int
    expected_quantity: int
    gap_to_target_quantity: int
    gap_to_pace_quantity: int
    percent_bp: int
    pace_bp: int
    status: Literal["unspecified", "ahead", "on_pace", "behind", "attained"]


class Attempt(TypedDict):
    """A scored attempt (per-question results only for managers and above)."""

    attempt_id: str
    assessment_id: str
    course_id: str
    rep_id: str
    region: str
    enrollment_id: str
    attempt_number: int
    score_points: int
    total_points: int
    score_bp: int
    pass_mark_bp: int
    passed: bool
    results: list[QuestionResult]
    completed_course: bool
    submit_time: str | None


class AttemptList(TypedDict):
    """One page of attempts, newest first."""

    attempts: list[Attempt]
    next_page_token: str


class Audit(TypedDict):
    """Who created and last changed a record, and when."""

    create_time: str | None
    created_by: str
    update_time: str | None
    updated_by: str


class BehindPaceReport(TypedDict):
    """A unit or rep newly reported behind pace."""

    unit_id: str
    rep_id: str
    period_code: str
    line: AttainmentLine | None


class CalculateStatementsRequest(TypedDict):
    """The period, and either a region or one rep."""

    period_code: str
    region: NotRequired[str]
    rep_id: NotRequired[str]


class CalculatedStatement(TypedDict):
    """CalculatedStatement"""

    rep_id: str
    statement_id: str
    version: int
    total: Money | None
    previous_total: Money | None
    changed: bool


class CalculationResult(TypedDict):
    """Each rep's statement after the run, and the reps it could not calculate."""

    statements: list[CalculatedStatement]
    skipped: list[SkippedRep]


class Calibrated(TypedDict):
    """The team's evaluations after calibration, and the ratings distribution."""

    evaluations: list[Evaluation]
    distribution_before: list[RatingCount]
    distribution: list[RatingCount]


class Calibration(TypedDict):
    """A team's period, and the rating changes (none: only show the distribution)."""

    team_id: str
    period_code: str
    adjustments: NotRequired[list[Adjustment]]


class CancelContractRequest(TypedDict):
    """Why the contract ends early."""

    reason: str


class Case(TypedDict):
    """An after-sales service case."""

    case_id: str
    region: str
    customer_id: str
    contract_id: str
    type: Literal["unspecified", "incident", "question", "complaint", "request"]
    priority: Literal["unspecified", "urgent", "high", "normal", "low"]
    status: Literal["unspecified", "open", "in_progress", "resolved", "closed"]
    subject: str
    description: str
    assignee_id: str
    sla_hours: int
    due_time: str | None
    overdue: bool
    sla_breach_time: str | None
    start_time: str | None
    resolve_time: str | None
    resolved_by: str
    resolution_note: str
    satisfaction_score: int | None
    close_time: str | None
    reopen_count: int
    reopen_reason: str
    audit: Audit | None


class CaseList(TypedDict):
    """One page of cases, newest first."""

    cases: list[Case]
    next_page_token: str


class CaseSlaOverride(TypedDict):
    """One priority's resolution hours, 1 to 8760."""

    priority: Literal["urgent", "high", "normal", "low"]
    resolution_hours: int


class CaseSlaPolicy(TypedDict):
    """A region's resolution SLA, one target per priority."""

    region: str
    targets: list[CaseSlaTarget]
    update_time: str | None
    updated_by: str


class CaseSlaTarget(TypedDict):
    """The resolution target of one priority."""

    priority: Literal["unspecified", "urgent", "high", "normal", "low"]
    resolution_hours: int
    overridden: bool


class Certification(TypedDict):
    """A rep's certification for a product line."""

    certification_id: str
    rep_id: str
    region: str
    team_id: str
    product_line: str
    course_id: str
    enrollment_id: str
    valid_from: str
    valid_until: str
    state: Literal["unspecified", "valid", "expired", "revoked"]
    expiring_notified_on: str
    revoked_by: str
    revoke_reason: str
    create_time: str | None
    update_time: str | None
    version: int


class CertificationCoverage(TypedDict):
    """CertificationCoverage"""

    product_line: str
    certified_reps: int
    reps: int
    coverage_bp: int


class CertificationCoverageSection(TypedDict):
    """Reps of the region and, per product line, how many hold a valid certification."""

    reps: int
    coverage: list[CertificationCoverage]


class CertificationList(TypedDict):
    """One page of certifications, newest first."""

    certifications: list[Certification]
    next_page_token: str


class ChangedAssessment(TypedDict):
    """ChangedAssessment"""

    title: str
    pass_mark_bp: int
    max_attempts: NotRequired[int]
    questions: list[NewQuestion]
    expected_version: NotRequired[int]


class CoachingAction(TypedDict):
    """An action item of a session."""

    action_id: str
    session_id: str
    description: str
    owner: Literal["unspecified", "rep", "manager"]
    owner_id: str
    due_date: str
    completed: bool
    complete_time: str | None
    completed_by: str
    overdue: bool


class CoachingActionBody(TypedDict):
    """An action item: what, who (rep or manager), by when (ISO 8601 date)."""

    description: str
    owner: Literal["rep", "manager"]
    due_date: str


class CoachingSession(TypedDict):
    """A coaching session and its action items."""

    session_id: str
    rep_id: str
    coach_id: str
    region: str
    team_id: str
    session_date: str
    focus_skill: str
    notes: str
    actions: list[CoachingAction]
    open_actions: int
    overdue_actions: int
    audit: Audit | None
    version: int


class CoachingSessionBody(TypedDict):
    """A session to record."""

    rep_id: str
    session_date: str
    focus_skill: str
    notes: NotRequired[str]
    actions: NotRequired[list[CoachingActionBody]]


class CoachingSessionChange(TypedDict):
    """What to change; absent fields stay as they are."""

    session_date: NotRequired[str]
    focus_skill: NotRequired[str]
    notes: NotRequired[str | None]
    version: NotRequired[int]


class CoachingSessionList(TypedDict):
    """One page of sessions, newest first."""

    sessions: list[CoachingSession]
    next_page_token: str


class CommissionKpiBonus(TypedDict):
    """A fixed bonus (plan currency, minor units) when a KPI's score 0-100 reaches min_score."""

    kpi_code: str
    min_score: int
    amount_minor: int
    name: NotRequired[str]


class CommissionPlan(TypedDict):
    """One version of a commission plan."""

    plan_id: str
    lineage_id: str
    name: str
    role: Literal["unspecified", "rep", "manager"]
    region: str
    currency: str
    effective_from: str
    effective_to: str
    rules: CommissionRulesOut | None
    status: Literal["unspecified", "draft", "approved", "superseded"]
    plan_version: int
    previous_plan_id: str
    approved_by: str
    approved_at: str | None
    audit: Audit | None


class CommissionPlanDetail(TypedDict):
    """A plan version and every version of the same plan, first first."""

    plan_id: str
    lineage_id: str
    name: str
    role: Literal["unspecified", "rep", "manager"]
    region: str
    currency: str
    effective_from: str
    effective_to: str
    rules: CommissionRulesOut | None
    status: Literal["unspecified", "draft", "approved", "superseded"]
    plan_version: int
    previous_plan_id: str
    approved_by: str
    approved_at: str | None
    audit: Audit | None
    versions: list[CommissionPlan]


class CommissionPlanList(TypedDict):
    """One page of plan versions, newest first."""

    plans: list[CommissionPlan]
    next_page_token: str


class CommissionRules(TypedDict):
    """What a plan pays; rates in basis points of credited revenue."""

    base_rate_bp: NotRequired[int]
    tier_mode: NotRequired[Literal["unspecified", "marginal", "flat"]]
    tiers: NotRequired[list[CommissionTier]]
    cap_kind: NotRequired[Literal["unspecified", "payout", "attainment"]]
    cap_payout_minor: NotRequired[int]
    cap_attainment_bp: NotRequired[int]
    spiffs: NotRequired[list[CommissionSpiff]]
    kpi_bonuses: NotRequired[list[CommissionKpiBonus]]
    draw_minor: NotRequired[int]
    draw_recoverable: NotRequired[bool]


class CommissionRulesOut(TypedDict):
    """A plan's rules as stored."""

    base_rate_bp: int
    tier_mode: Literal["unspecified", "marginal", "flat"]
    tiers: list[CommissionTier]
    cap_kind: Literal["unspecified", "payout", "attainment"]
    cap_payout_minor: int
    cap_attainment_bp: int
    spiffs: list[CommissionSpiff]
    kpi_bonuses: list[CommissionKpiBonus]
    draw_minor: int
    draw_recoverable: bool


class CommissionSpiff(TypedDict):
    """An extra rate on one product line's credited revenue."""

    product_line: str
    rate_bp: int
    name: NotRequired[str]


class CommissionStatement(TypedDict):
    """A rep's commission for a fiscal period."""

    statement_id: str
    rep_id: str
    region: str
    team_id: str
    period: PlanPeriod | None
    plan_id: str
    plan_version: int
    currency: str
    total: Money | None
    revenue: Money | None
    quota: Money | None
    attainment_bp: int
    draw_balance: Money | None
    version: int
    lines: list[StatementLine]
    calculated_at: str | None
    audit: Audit | None


class CommissionStatementDetail(TypedDict):
    """CommissionStatementDetail"""

    statement_id: str
    rep_id: str
    region: str
    team_id: str
    period: PlanPeriod | None
    plan_id: str
    plan_version: int
    currency: str
    total: Money | None
    revenue: Money | None
    quota: Money | None
    attainment_bp: int
    draw_balance: Money | None
    version: int
    lines: list[StatementLine]
    calculated_at: str | None
    audit: Audit | None
    versions: list[StatementVersion]


class CommissionStatementList(TypedDict):
    """One page of statements (without lines), newest first."""

    statements: list[CommissionStatement]
    next_page_token: str


class CommissionTier(TypedDict):
    """A band of attainment [from_bp, to_bp) of quota (to_bp 0 = no upper bound) and its rate."""

    from_bp: NotRequired[int]
    to_bp: NotRequired[int]
    rate_bp: NotRequired[int]
    name: NotRequired[str]


class CommissionToDate(TypedDict):
    """Commission of the period as last calculated."""

    totals: list[Money]
    statements: list[StatementSummary]


class CommunicationPreferences(TypedDict):
    """How a contact wishes to be reached."""

    preferred_channel: Literal["unspecified", "email", "phone", "sms", "post", "messaging"]
    language: str
    do_not_contact: bool


class Competitor(TypedDict):
    """A competitor's profile."""

    competitor_id: str
    name: str
    website: str
    products: list[str]
    strengths: list[str]
    weaknesses: list[str]
    notes: str
    archived: bool
    audit: Audit | None
    version: int


class CompetitorChange(TypedDict):
    """The new profile and the version it was read at."""

    name: str
    website: NotRequired[str]
    products: NotRequired[list[str]]
    strengths: NotRequired[list[str]]
    weaknesses: NotRequired[list[str]]
    notes: NotRequired[str]
    version: int


class CompetitorList(TypedDict):
    """One page of competitors, newest first."""

    competitors: list[Competitor]
    next_page_token: str


class CompetitorOutcome(TypedDict):
    """Closed deals with a competitor present, and how they ended."""

    competitor: str
    deals: int
    won: int
    lost: int
    win_rate_bp: int
    lost_to: int


class CompetitorState(TypedDict):
    """A competitor's profile (an update replaces it)."""

    name: str
    website: NotRequired[str]
    products: NotRequired[list[str]]
    strengths: NotRequired[list[str]]
    weaknesses: NotRequired[list[str]]
    notes: NotRequired[str]


class CompleteActivityRequest(TypedDict):
    """What came of the task."""

    outcome: str


class Completion(TypedDict):
    """Completion"""

    enrollment: Enrollment
    certification_id: str


class ConsentInput(TypedDict):
    """A consent statement: given (with its lawful basis) or withdrawn, for one channel."""

    channel: Literal["email", "phone", "sms", "post", "messaging"]
    status: NotRequired[Literal["given", "withdrawn"]]
    lawful_basis: NotRequired[
        Literal["consent", "contract", "legitimate_interest", "legal_obligation"] | None
    ]
    effective_time: NotRequired[str | None]
    source: NotRequired[str]


class ConsentStatement(TypedDict):
    """Consent (or another lawful basis) given or withdrawn for a channel; never changed."""

    consent_id: str
    contact_id: str
    channel: Literal["unspecified", "email", "phone", "sms", "post", "messaging"]
    status: Literal["unspecified", "given", "withdrawn"]
    lawful_basis: Literal[
        "unspecified", "consent", "contract", "legitimate_interest", "legal_obligation"
    ]
    effective_time: str | None
    source: str
    record_time: str | None
    recorded_by: str


class Contact(TypedDict):
    """A person at a customer."""

    contact_id: str
    name: str
    email: str
    phone: str
    title: str
    create_time: str | None


class ContactConsent(TypedDict):
    """The latest statement per channel, and every statement, latest first."""

    contact_id: str
    current: list[ConsentStatement]
    history: list[ConsentStatement]


class ContactErasure(TypedDict):
    """The erased contact, whether it had been erased before, and the audit record."""

    contact: CustomerContact
    already_erased: bool
    audit_id: str


class ContactList(TypedDict):
    """One page of a customer's contacts, newest first."""

    contacts: list[CustomerContact]
    next_page_token: str


class Contract(TypedDict):
    """An agreement signed from an accepted quote."""

    contract_id: str
    region: str
    opportunity_id: str
    quote_id: str
    customer_id: str
    owner_id: str
    value: Money | None
    start_date: str
    end_date: str
    term_months: int
    signed_date: str
    status: Literal["unspecified", "active", "cancelled", "renewed"]
    lines: list[ContractLine]
    splits: list[RepSplit]
    cancel_reason: str
    cancel_time: str | None
    renews_contract_id: str
    renewed_by_contract_id: str
    audit: Audit | None


class ContractLine(TypedDict):
    """A product line of a contract, after discounts."""

    product_line: str
    quantity: int
    amount: Money | None


class ContractList(TypedDict):
    """One page of contracts, newest first."""

    contracts: list[Contract]
    next_page_token: str


class Course(TypedDict):
    """A course of the catalog."""

    create_time: str | None
    created_by: str
    update_time: str | None
    updated_by: str
    code: str
    title: str
    description: str
    category: str
    format: str
    duration_minutes: int
    skills: list[str]
    product_lines: list[str]
    prerequisites: list[str]
    completes_on_assessment: bool
    certifies_product_line: str
    certification_valid_months: int
    region: str
    modules: list[CourseModule]
    course_id: str
    status: str
    version: int


class CourseList(TypedDict):
    """One page of courses, newest first."""

    courses: list[Course]
    next_page_token: str


class CourseModule(TypedDict):
    """A module of a course, in order."""

    module_id: str
    position: int
    title: str
    duration_minutes: int


class CourseUpdate(TypedDict):
    """The whole course again, at the version read."""

    code: str
    title: str
    description: NotRequired[str]
    category: str
    format: str
    duration_minutes: int
    skills: NotRequired[list[str]]
    product_lines: NotRequired[list[str]]
    prerequisites: NotRequired[list[str]]
    completes_on_assessment: NotRequired[bool]
    certifies_product_line: NotRequired[str]
    certification_valid_months: NotRequired[int]
    region: NotRequired[str]
    modules: NotRequired[list[NewModule]]
    version: int


class Coverage(TypedDict):
    """A region's territories and totals (a rep in several territories counts once)."""

    region: str
    territories: list[TerritoryCoverage]
    headcount: int
    total_capacity: int
    market_potential: Money | None
    potential_per_head: Money | None


class CreateCommissionPlanRequest(TypedDict):
    """A draft plan."""

    name: str
    role: Literal["rep", "manager"]
    region: str
    currency: str
    effective_from: str
    effective_to: NotRequired[str]
    rules: CommissionRules


class CreateCustomerRequest(TypedDict):
    """A new account; the service checks the values and looks for duplicates."""

    region: str
    name: str
    tax_id: NotRequired[str]
    domain: NotRequired[str]
    industry: NotRequired[str]
    company_size: NotRequired[str]
    address: NotRequired[AddressInput | None]
    country: NotRequired[str]
    parent_id: NotRequired[str]
    owner_id: NotRequired[str]
    potential: NotRequired[MoneyInput | None]
    tags: NotRequired[list[str]]
    status: NotRequired[Literal["prospect", "active", "dormant", "churned"] | None]
    confirm_not_duplicate: NotRequired[bool]


class CreateLeadRequest(TypedDict):
    """A new lead. The pipeline service checks the values; the gateway checks the shape."""

    region: str
    company_name: str
    contact_name: NotRequired[str]
    contact_email: NotRequired[str]
    contact_phone: NotRequired[str]
    contact_title: NotRequired[str]
    country: NotRequired[str]
    industry: NotRequired[str]
    source: NotRequired[str]
    campaign: NotRequired[str]
    company_size: NotRequired[str]
    owner_id: NotRequired[str]
    allow_duplicate: NotRequired[bool]


class CreateOpportunityRequest(TypedDict):
    """A new deal for a known customer; the service checks the values."""

    customer_id: str
    name: str
    pipeline_id: NotRequired[str]
    owner_id: NotRequired[str]
    region: NotRequired[str]
    line_items: NotRequired[list[LineItemInput]]
    currency: NotRequired[str]
    expected_close_date: NotRequired[str]
    next_step: NotRequired[str]
    competitors: NotRequired[list[str]]
    team_members: NotRequired[list[TeamMemberInput]]


class CreatePipelineRequest(TypedDict):
    """A new pipeline with its stages."""

    name: str
    kind: str
    region: NotRequired[str]
    stages: list[StageInput]


class CreatePlanRequest(TypedDict):
    """A draft plan for an org unit and fiscal period."""

    org_unit_id: str
    period_code: str
    strategy: NotRequired[str]
    owner_id: str
    currency: str


class CreateQuoteRequest(TypedDict):
    """A draft quote; without lines, the opportunity's lines are quoted."""

    opportunity_id: str
    lines: NotRequired[list[QuoteLineInput]]
    discount_bp: NotRequired[int]
    valid_until: NotRequired[str]
    notes: NotRequired[str]


class CreditSummary(TypedDict):
    """A rep's or a team's credits of a period, per currency."""

    rep_id: str
    team_id: str
    period: PlanPeriod | None
    totals: list[SalesCreditTotals]


class CurrencyPipeline(TypedDict):
    """Open deals in one currency."""

    opportunities: int
    amount: Money
    weighted: Money


class Customer(TypedDict):
    """A customer account in the archive, with its contacts."""

    customer_id: str
    region: str
    name: str
    country: str
    industry: str
    status: Literal["unspecified", "prospect", "active", "dormant", "churned", "merged"]
    owner_id: str
    source_lead_id: str
    contacts: list[Contact]
    audit: Audit | None
    tax_id: NotRequired[str]
    domain: NotRequired[str]
    company_size: NotRequired[str]
    address: NotRequired[CustomerAddress | None]
    parent_id: NotRequired[str]
    tier: NotRequired[Literal["unspecified", "a", "b", "c"]]
    tags: NotRequired[list[str]]
    potential: NotRequired[Money | None]
    lifetime_value: NotRequired[list[Money]]
    merged_into: NotRequired[str]
    version: NotRequired[int]


class CustomerAddress(TypedDict):
    """Where an account is (the country is the account's `country`)."""

    street: str
    city: str
    postal_code: str
    state_province: str


class CustomerContact(TypedDict):
    """A person at a customer; after erasure every personal field is empty."""

    contact_id: str
    customer_id: str
    region: str
    name: str
    title: str
    email: str
    phone: str
    buying_role: Literal[
        "unspecified",
        "decision_maker",
        "influencer",
        "user",
        "champion",
        "blocker",
        "economic_buyer",
        "other",
    ]
    preferences: CommunicationPreferences | None
    erased: bool
    erase_time: str | None
    audit: Audit | None


class CustomerHealth(TypedDict):
    """An account's health score, band, factors and loyalty tier."""

    customer_id: str
    region: str
    owner_id: str
    score: int
    band: Literal["unspecified", "healthy", "watch", "at_risk"]
    factors: list[HealthFactor]
    assessed_at: str | None
    band_since: str | None
    loyalty: Loyalty


class CustomerHealthList(TypedDict):
    """One page of stored assessments, most recent band change first."""

    health: list[CustomerHealth]
    next_page_token: str


class CustomerList(TypedDict):
    """One page of customer accounts, newest first."""

    customers: list[Customer]
    next_page_token: str


class DealMetrics(TypedDict):
    """Size and cycle length of the deals won by one group."""

    key: str
    won: int
    deal_sizes: list[DealSize]
    average_cycle_days: int


class DealMetricsReport(TypedDict):
    """Average deal size per currency and cycle length of the deals won in the period."""

    period: FiscalPeriod
    filter: AnalyticsFilter
    total: DealMetrics
    groups: list[DealMetrics]


class DealSize(TypedDict):
    """Deals won in one currency: their total and mean amount."""

    currency: str
    won: int
    total: Money
    average: Money


class Decision(TypedDict):
    """A comment on the decision (required to reject)."""

    comment: NotRequired[str]


class DecisionRequest(TypedDict):
    """The approver's comment (required to reject)."""

    comment: NotRequired[str]


class DetectedGap(TypedDict):
    """A KPI worse than its floor (pro-rated for a running total)."""

    rep_id: str
    kpi_code: str
    value: int
    threshold: int
    skill_area: str


class DetectedGaps(TypedDict):
    """The gaps newly found (each rep x KPI x period once)."""

    gaps: list[DetectedGap]


class DiscountAuthorities(TypedDict):
    """Every configured role's authority."""

    authorities: list[DiscountAuthority]


class DiscountAuthority(TypedDict):
    """The largest discount a role grants without approval."""

    role: str
    max_discount_bp: int
    unlimited: bool
    update_time: str | None
    updated_by: str


class Dismissal(TypedDict):
    """Why the violation is dismissed."""

    reason: str


class Dispute(TypedDict):
    """A rep's dispute of one statement line, and its resolution."""

    dispute_id: str
    statement_id: str
    line_id: str
    rep_id: str
    region: str
    reason: str
    status: Literal["unspecified", "open", "accepted", "rejected"]
    resolution_comment: str
    adjustment: Money | None
    adjustment_line_id: str
    raised_at: str | None
    resolved_at: str | None
    resolved_by: str


class DisputeList(TypedDict):
    """One page of disputes, newest first."""

    disputes: list[Dispute]
    next_page_token: str


class DisqualifyLeadRequest(TypedDict):
    """Why the lead is not worth pursuing."""

    reason: str


class Enrollment(TypedDict):
    """A rep's enrollment in a course, and why it exists."""

    enrollment_id: str
    rep_id: str
    region: str
    team_id: str
    course_id: str
    course_code: str
    course_title: str
    path_id: str
    required: bool
    source: str
    reason: str
    rule_id: str
    source_event_id: str
    assigned_by: str
    assign_time: str | None
    due_on: str
    progress_pct: int
    status: str
    start_time: str | None
    complete_time: str | None
    score_bp: int
    waived_by: str
    waive_reason: str
    version: int
    update_time: str | None


class EnrollmentList(TypedDict):
    """EnrollmentList"""

    enrollments: list[Enrollment]
    next_page_token: str


class Evaluation(TypedDict):
    """A rep's evaluation for a fiscal period."""

    evaluation_id: str
    rep_id: str
    region: str
    team_id: str
    period_code: str
    manager_id: str
    status: Literal["unspecified", "draft", "shared", "acknowledged", "appealed", "resolved"]
    rating: int
    comments: str
    score_total_points: int
    score_total: int
    score_published: bool
    score_time: str | None
    rating_before_calibration: int
    calibration_reason: str
    calibrated_by: str
    acknowledged_time: str | None
    appeal_reason: str
    appealed_time: str | None
    appeal_outcome: Literal["unspecified", "upheld", "changed"]
    rating_before_appeal: int
    resolution_comment: str
    resolved_by: str
    resolved_time: str | None
    audit: Audit | None
    version: int


class EvaluationChange(TypedDict):
    """A draft's new rating or comments, and the version read (optional)."""

    rating: NotRequired[int | None]
    comments: NotRequired[str | None]
    version: NotRequired[int]


class EvaluationList(TypedDict):
    """One page of evaluations, newest first."""

    evaluations: list[Evaluation]
    next_page_token: str


class EvidenceItem(TypedDict):
    """A fact or record a violation rests on, with its figures."""

    source: str
    record_id: str
    event_id: str
    figures: list[str]


class ExpiryCheck(TypedDict):
    """ExpiryCheck"""

    as_of: NotRequired[str]


class ExpiryResult(TypedDict):
    """The certifications announced as expiring and those expired by the check."""

    expiring_certification_ids: list[str]
    expired_certification_ids: list[str]


class FieldError(TypedDict):
    """One request field that was rejected, and what would be accepted."""

    field: str
    description: str


class FiscalPeriod(TypedDict):
    """The fiscal period a figure covers: start inclusive, end exclusive (UTC)."""

    code: str
    starts_at: str | None
    ends_at: str | None


class Forecast(TypedDict):
    """A rep's forecast for one period: their latest figures and the adjusted ones."""

    forecast_id: str
    rep_id: str
    org_unit_id: str
    region: str
    period: PlanPeriod | None
    status: Literal["unspecified", "submitted", "adjusted"]
    submitted: ForecastFigures | None
    adjusted: ForecastFigures | None
    notes: str
    forecast_version: int
    adjustments: list[ForecastAdjustment]
    audit: Audit | None
    version: int


class ForecastAdjustment(TypedDict):
    """One adjustment: the figures, why, who and when, and the version it adjusted."""

    figures: ForecastFigures | None
    reason: str
    adjusted_by: str
    adjust_time: str | None
    forecast_version: int


class ForecastFigures(TypedDict):
    """Commit, best case and pipeline, in one currency."""

    commit: Money | None
    best_case: Money | None
    pipeline: Money | None


class ForecastList(TypedDict):
    """One page of forecasts, newest first."""

    forecasts: list[Forecast]
    next_page_token: str


class ForecastRollUp(TypedDict):
    """The unit's total and each child unit and rep of it."""

    period: PlanPeriod | None
    total: RollUpLine | None
    children: list[RollUpLine]


class ForecastVersion(TypedDict):
    """One submitted version."""

    forecast_version: int
    figures: ForecastFigures | None
    notes: str
    submitted_by: str
    submit_time: str | None


class ForecastVersionList(TypedDict):
    """One page of a forecast's versions, newest first."""

    versions: list[ForecastVersion]
    next_page_token: str


class ForecastVsTarget(TypedDict):
    """The roll-up of each top unit of the region (one unless the region has several roots)."""

    units: list[ForecastRollUp]


class Funnel(TypedDict):
    """The funnel of the deals created in the period (the cohort) in one pipeline."""

    period: FiscalPeriod
    filter: AnalyticsFilter
    cohort: int
    steps: list[FunnelStep]


class FunnelSection(TypedDict):
    """How far the deals created in the period got, stage by stage."""

    pipeline_id: str
    cohort: int
    steps: list[FunnelStep]


class FunnelStep(TypedDict):
    """How many of the cohort reached a stage, and the conversion to the next stage."""

    stage_id: str
    name: str
    position: int
    kind: str
    reached: int
    conversion_to_next_bp: int | None


class FxRate(TypedDict):
    """One unit of from_currency is worth `rate` units of to_currency in the period."""

    period_code: str
    from_currency: str
    to_currency: str
    rate: str
    update_time: str | None
    updated_by: str


class FxRateList(TypedDict):
    """One page of rates, newest first."""

    fx_rates: list[FxRate]
    next_page_token: str


class GapScan(TypedDict):
    """A running period and a region."""

    period_code: str
    region: str


class GateCriterion(TypedDict):
    """One exit criterion; exactly one rule is set, the others are null."""

    name: str
    required_field: RequiredField | None
    required_activity: RequiredActivity | None
    approved_quote: ApprovedQuote | None
    owner_certification: OwnerCertification | None


class GateCriterionInput(TypedDict):
    """One criterion: set exactly one rule. The name defaults to the rule."""

    name: NotRequired[str]
    required_field: NotRequired[RequiredFieldInput | None]
    required_activity: NotRequired[RequiredActivityInput | None]
    approved_quote: NotRequired[ApprovedQuoteInput | None]
    owner_certification: NotRequired[OwnerCertificationInput | None]


class HealthFactor(TypedDict):
    """One factor of the score: what it gave and why."""

    factor: str
    points: int
    max_points: int
    reason: str


class ImportedRow(TypedDict):
    """What became of one data row of the file."""

    row: int
    outcome: Literal["created", "duplicate", "invalid"]
    lead_id: NotRequired[str]
    owner_id: NotRequired[str]
    matched_on: NotRequired[str]
    duplicate_of_row: NotRequired[int]
    errors: NotRequired[list[FieldError]]


class ImportedSurveyRow(TypedDict):
    """What became of one row."""

    row: int
    outcome: Literal["recorded", "duplicate", "invalid"]
    response_id: NotRequired[str]
    duplicate_of_row: NotRequired[int]
    errors: NotRequired[list[FieldError]]


class ImprovementAction(TypedDict):
    """Something to improve, owned by a rep, due on a date, tracked until done."""

    action_id: str
    review_id: str
    org_unit_id: str
    region: str
    period_code: str
    title: str
    owner_id: str
    due_date: str
    status: Literal["unspecified", "open", "in_progress", "done", "dropped"]
    drop_reason: str
    overdue: bool
    done_time: str | None
    audit: Audit | None
    version: int


class ImprovementActionList(TypedDict):
    """One page of improvement actions, newest first."""

    actions: list[ImprovementAction]
    next_page_token: str


class Incentive(TypedDict):
    """A reward or a penalty for one rep, and its decision."""

    incentive_id: str
    category: Literal["unspecified", "reward", "penalty"]
    kind: Literal["unspecified", "award", "bonus", "points", "warning", "penalty"]
    rep_id: str
    team_id: str
    region: str
    period_code: str
    reason: str
    amount: Money | None
    points: int
    evidence: list[str]
    violation_ids: list[str]
    status: Literal["unspecified", "proposed", "granted", "imposed", "rejected"]
    proposed_by: str
    decided_by: str
    decided_time: str | None
    rejection_reason: str
    audit: Audit | None
    version: int


class Inspection(TypedDict):
    """One inspection run of a region and period."""

    inspection_id: str
    region: str
    period_code: str
    trigger: Literal["unspecified", "on_demand", "scheduled"]
    as_of_time: str | None
    outcomes: list[RuleOutcome]
    findings: int
    recorded: int
    started_by: str
    create_time: str | None


class InspectionList(TypedDict):
    """One page of runs, newest first."""

    inspections: list[Inspection]
    next_page_token: str


class InspectionReport(TypedDict):
    """A region's violations of a period, counted, and its runs."""

    region: str
    period_code: str
    totals: ViolationCount | None
    by_rule: list[ViolationCount]
    by_rep: list[ViolationCount]
    by_team: list[ViolationCount]
    inspections: list[Inspection]


class InspectionRule(TypedDict):
    """One rule of a region, as runs apply it."""

    rule: Literal[
        "unspecified",
        "stale_opportunity",
        "lead_sla_breach",
        "discount_above_authority",
        "won_without_contract",
    ]
    region: str
    enabled: bool
    severity: Literal["unspecified", "low", "medium", "high"]
    kind: Literal["unspecified", "conduct", "process"]
    stale_days: int
    authorities: list[RoleAuthority]
    configured: bool
    updated_by: str
    update_time: str | None


class InspectionRuleList(TypedDict):
    """InspectionRuleList"""

    rules: list[InspectionRule]


class InspectionRun(TypedDict):
    """A run and the violations it recorded first (those the caller sees)."""

    inspection: Inspection | None
    recorded: list[Violation]


class IntelEntry(TypedDict):
    """Something observed about a competitor."""

    intel_id: str
    competitor_id: str
    competitor_name: str
    territory_id: str
    region: str
    kind: Literal[
        "unspecified",
        "price_change",
        "new_product",
        "deal_lost",
        "deal_won",
        "promotion",
        "partnership",
        "personnel",
        "other",
    ]
    title: str
    details: str
    source: str
    observed_on: str
    recorded_by: str
    create_time: str | None


class IntelList(TypedDict):
    """One page of entries, most recently observed first."""

    entries: list[IntelEntry]
    next_page_token: str


class Kpi(TypedDict):
    """One KPI: what it measures, its target and thresholds, its weight and skill area."""

    code: str
    name: str
    source: Literal[
        "unspecified",
        "revenue_attainment",
        "new_customers",
        "win_rate",
        "activity_volume",
        "average_csat",
        "training_compliance",
        "pipeline_coverage",
    ]
    direction: Literal["unspecified", "higher_is_better", "lower_is_better"]
    target_kind: Literal["unspecified", "fixed", "quota"]
    target_value: int
    floor_bp: int
    target_score: int
    stretch_bp: int
    weight_bp: int
    skill_area: str
    required_training: list[str]


class KpiSet(TypedDict):
    """Every KPI of a role in a region from a fiscal period on."""

    kpi_set_id: str
    role: str
    region: str
    effective_from: str
    set_version: int
    description: str
    kpis: list[Kpi]
    create_time: str | None
    created_by: str


class KpiSetList(TypedDict):
    """One page of KPI sets, newest first."""

    kpi_sets: list[KpiSet]
    next_page_token: str


class Lead(TypedDict):
    """A prospective customer and the person to talk to there."""

    lead_id: str
    region: str
    company_name: str
    contact_name: str
    contact_email: str
    contact_phone: str
    contact_title: str
    country: str
    industry: str
    source: str
    status: Literal["unspecified", "new", "qualified", "disqualified", "converted"]
    owner_id: str
    disqualify_reason: str
    qualify_time: str | None
    convert_time: str | None
    audit: Audit | None
    campaign: str
    company_size: str
    score: int
    score_reasons: list[ScoreReason]
    assignment_reason: str
    territory_id: str
    assign_time: str | None
    contact_time: str | None
    contacted_by: str
    sla_due_time: str | None
    sla_breach_time: str | None


class LeadImport(TypedDict):
    """Every data row's result, in file order, and the totals."""

    created: int
    duplicates: int
    invalid: int
    results: list[ImportedRow]


class LeadList(TypedDict):
    """One page of leads, newest first."""

    leads: list[Lead]
    next_page_token: str


class LeadSlaPolicy(TypedDict):
    """A region's first-contact SLA."""

    region: str
    hours: int
    audit: Audit | None


class LeadSlaPolicyList(TypedDict):
    """One page of policies, and the SLA of regions that have none."""

    policies: list[LeadSlaPolicy]
    default_hours: int
    next_page_token: str


class Leaderboard(TypedDict):
    """The ranked reps of a team or region for a period."""

    period_code: str
    kpi_code: str
    scope: str
    scope_id: str
    entries: list[LeaderboardEntry]


class LeaderboardEntry(TypedDict):
    """One rep's place."""

    rank: int
    rep_id: str
    team_id: str
    points: int
    value: int
    published: bool


class LearningPath(TypedDict):
    """A learning path with its courses in order."""

    create_time: str | None
    created_by: str
    update_time: str | None
    updated_by: str
    code: str
    name: str
    description: str
    role: str
    region: str
    purpose: str
    items: list[LearningPathItem]
    path_id: str
    status: str
    version: int


class LearningPathItem(TypedDict):
    """LearningPathItem"""

    course_id: str
    course_code: str
    required: bool
    position: int


class LearningPathList(TypedDict):
    """LearningPathList"""

    paths: list[LearningPath]
    next_page_token: str


class LearningPathUpdate(TypedDict):
    """LearningPathUpdate"""

    code: str
    name: str
    description: NotRequired[str]
    role: str
    region: NotRequired[str]
    purpose: str
    items: NotRequired[list[NewItem]]
    version: int


class Leaving(TypedDict):
    """When the rep leaves."""

    left_date: str


class LineExplanation(TypedDict):
    """Why a line has its amount."""

    rule: str
    credit_ids: list[str]
    basis_minor: int
    rate_bp: int
    tier_from_bp: int
    tier_to_bp: int
    attainment_bp: int
    kpi_code: str
    kpi_score: int
    previous_amount_minor: int
    dispute_id: str


class LineItem(TypedDict):
    """A product line of a deal: quantity x unit price."""

    product_line: str
    quantity: int
    unit_price: Money | None
    amount: Money | None


class LineItemInput(TypedDict):
    """A product line: the amount is computed exactly as quantity x unit price."""

    product_line: str
    quantity: int
    unit_price: MoneyInput


class Liveness(TypedDict):
    """The process serves HTTP."""

    status: Literal["ok"]


class LogActivityRequest(TypedDict):
    """An activity linked to exactly one of lead_id, opportunity_id and customer_id."""

    type: Literal["call", "meeting", "visit", "email", "task"]
    subject: str
    outcome: NotRequired[str]
    due_date: NotRequired[str]
    lead_id: NotRequired[str]
    opportunity_id: NotRequired[str]
    customer_id: NotRequired[str]
    owner_id: NotRequired[str]
    occur_time: NotRequired[str | None]


class LoseRequest(TypedDict):
    """Why the deal was lost, and to whom if known."""

    reason: str
    competitor: NotRequired[str]


class LossReason(TypedDict):
    """Lost deals that gave one reason, and their share of all losses in bp."""

    reason: str
    lost: int
    share_bp: int


class Loyalty(TypedDict):
    """The loyalty tier and what it rests on."""

    tier: Literal["unspecified", "none", "bronze", "silver", "gold"]
    relationship_years: int
    reason: str
    since: str | None


class MarkContactedRequest(TypedDict):
    """When the first contact happened; now if omitted."""

    contact_time: NotRequired[str | None]


class MarketSegment(TypedDict):
    """A segment of a territory's market in a fiscal period."""

    segment_id: str
    territory_id: str
    region: str
    name: str
    period_code: str
    size: Money | None
    potential: Money | None
    product_line: str
    industry: str
    source: str
    notes: str
    audit: Audit | None
    version: int


class MarketSegmentList(TypedDict):
    """One page of segments, newest first."""

    segments: list[MarketSegment]
    next_page_token: str


class MarketShare(TypedDict):
    """A territory's market share per segment and in total (in the territory's currency)."""

    territory_id: str
    region: str
    period_code: str
    segments: list[SegmentShare]
    total_size: Money | None
    total_revenue: Money | None
    total_share_bp: int


class MergeRequest(TypedDict):
    """The account to merge into the one in the path."""

    merged_id: str


class Merged(TypedDict):
    """The survivor, the merged account as it reads from now on, and what moved."""

    survivor: Customer
    merged: Customer
    moved: list[MovedRecords]


class Money(TypedDict):
    """An amount in integer minor units of an ISO 4217 currency (cents, fen); never a float."""

    currency: str
    amount_minor: int


class MoneyInput(TypedDict):
    """An amount in integer minor units of an ISO 4217 currency."""

    currency: str
    amount_minor: int


class MovedRecords(TypedDict):
    """How many records of one kind moved to the survivor."""

    kind: str
    count: int


class NewAction(TypedDict):
    """An improvement action: what, who, by when."""

    title: str
    owner_id: str
    due_date: str


class NewAssessment(TypedDict):
    """NewAssessment"""

    title: str
    pass_mark_bp: int
    max_attempts: NotRequired[int]
    questions: list[NewQuestion]
    course_id: str


class NewAssignment(TypedDict):
    """NewAssignment"""

    rep_id: str
    course_id: NotRequired[str]
    path_id: NotRequired[str]
    due_on: NotRequired[str]
    reason: NotRequired[str]


class NewCourse(TypedDict):
    """A course as a writer gives it."""

    code: str
    title: str
    description: NotRequired[str]
    category: str
    format: str
    duration_minutes: int
    skills: NotRequired[list[str]]
    product_lines: NotRequired[list[str]]
    prerequisites: NotRequired[list[str]]
    completes_on_assessment: NotRequired[bool]
    certifies_product_line: NotRequired[str]
    certification_valid_months: NotRequired[int]
    region: NotRequired[str]
    modules: NotRequired[list[NewModule]]


class NewEvaluation(TypedDict):
    """Whom, for which period, the rating and the comments."""

    rep_id: str
    period_code: str
    rating: int
    comments: NotRequired[str]


class NewHire(TypedDict):
    """Someone joining a team."""

    rep_id: str
    name: str
    email: str
    role: NotRequired[str]
    team_unit_id: str
    manager_id: NotRequired[str]
    capacity: NotRequired[int]
    hire_date: str


class NewIntel(TypedDict):
    """An intelligence entry; the region comes from the territory when one is given."""

    competitor_id: str
    territory_id: NotRequired[str]
    region: NotRequired[str]
    kind: Literal[
        "price_change",
        "new_product",
        "deal_lost",
        "deal_won",
        "promotion",
        "partnership",
        "personnel",
        "other",
    ]
    title: str
    details: NotRequired[str]
    source: NotRequired[str]
    observed_on: str


class NewItem(TypedDict):
    """NewItem"""

    course_id: str
    required: NotRequired[bool]


class NewKpi(TypedDict):
    """A KPI of a new set (see the module's description of the scale)."""

    code: str
    name: str
    source: Literal[
        "revenue_attainment",
        "new_customers",
        "win_rate",
        "activity_volume",
        "average_csat",
        "training_compliance",
        "pipeline_coverage",
    ]
    direction: NotRequired[Literal["higher_is_better", "lower_is_better"]]
    target_kind: NotRequired[Literal["fixed", "quota"]]
    target_value: NotRequired[int]
    floor_bp: int
    target_score: NotRequired[int]
    stretch_bp: int
    weight_bp: int
    skill_area: NotRequired[str]
    required_training: NotRequired[list[str]]


class NewKpiSet(TypedDict):
    """A whole KPI set: its weights sum to 10000."""

    role: str
    region: NotRequired[str]
    effective_from: str
    description: NotRequired[str]
    kpis: list[NewKpi]


class NewLearningPath(TypedDict):
    """NewLearningPath"""

    code: str
    name: str
    description: NotRequired[str]
    role: str
    region: NotRequired[str]
    purpose: str
    items: NotRequired[list[NewItem]]


class NewModule(TypedDict):
    """NewModule"""

    title: str
    duration_minutes: NotRequired[int]


class NewOrgUnit(TypedDict):
    """A unit to create."""

    code: str
    name: str
    kind: str
    region: str
    parent_id: NotRequired[str]
    manager_id: NotRequired[str]


class NewPenalty(TypedDict):
    """A warning or a penalty to propose for a rep."""

    rep_id: str
    kind: Literal["warning", "penalty"]
    reason: str
    amount: NotRequired[MoneyInput | None]
    points: NotRequired[int]
    evidence: NotRequired[list[str]]
    violation_ids: NotRequired[list[str]]
    period_code: NotRequired[str]


class NewQuestion(TypedDict):
    """NewQuestion"""

    text: str
    kind: Literal["single_choice", "multiple_choice"]
    options: list[str]
    points: int
    correct_options: list[int]


class NewReward(TypedDict):
    """A reward to propose for a rep."""

    rep_id: str
    kind: Literal["award", "bonus", "points"]
    reason: str
    amount: NotRequired[MoneyInput | None]
    points: NotRequired[int]
    evidence: NotRequired[list[str]]
    period_code: NotRequired[str]


class NewSegment(TypedDict):
    """A segment of a territory for a fiscal period."""

    name: str
    size: MoneyInput
    potential: MoneyInput
    product_line: NotRequired[str]
    industry: NotRequired[str]
    source: NotRequired[str]
    notes: NotRequired[str]
    territory_id: str
    period_code: str


class NewSelfEnrollment(TypedDict):
    """NewSelfEnrollment"""

    course_id: str
    due_on: NotRequired[str]


class NewTerritory(TypedDict):
    """A territory to create in a region."""

    name: str
    countries: NotRequired[list[str]]
    industries: NotRequired[list[str]]
    company_sizes: NotRequired[list[str]]
    rep_ids: NotRequired[list[str]]
    market_potential: MoneyInput
    region: str


class NewTransferRequest(TypedDict):
    """Which account, to whom, and why."""

    customer_id: str
    to_owner_id: str
    reason: str


class NoFields(TypedDict):
    """An action that takes no input: send no body or `{}`."""


class NoteInput(TypedDict):
    """A note on the customer's timeline, optionally about one of its contacts."""

    text: str
    contact_id: NotRequired[str]


class NpsFilter(TypedDict):
    """The filters as applied."""

    period: str
    region: str
    segment: str


class NpsReport(TypedDict):
    """NPS and CSAT of the responses given in the period, in total and per group."""

    period: FiscalPeriod
    filter: NpsFilter
    total: SatisfactionFigures
    groups: list[SatisfactionFigures]
    own_accounts_only: bool


class OpenCaseRequest(TypedDict):
    """A new case. The pipeline service checks the values; the gateway checks the shape."""

    region: str
    customer_id: str
    contract_id: NotRequired[str]
    type: Literal["incident", "question", "complaint", "request"]
    priority: Literal["urgent", "high", "normal", "low"]
    subject: str
    description: NotRequired[str]
    assignee_id: NotRequired[str]


class OpenEnrollment(TypedDict):
    """A course the rep still has to finish."""

    enrollment_id: str
    course_id: str
    course_title: str
    status: str
    due_on: str
    progress_pct: int
    required: bool


class OpenReview(TypedDict):
    """The unit and fiscal period to review."""

    org_unit_id: str
    period_code: str


class Opportunity(TypedDict):
    """A deal in progress, or closed."""

    opportunity_id: str
    region: str
    customer_id: str
    owner_id: str
    team_id: str
    pipeline_id: str
    stage_id: str
    stage_name: str
    name: str
    amount: Money | None
    expected_close_date: str
    next_step: str
    status: Literal["unspecified", "open", "won", "lost"]
    line_items: list[LineItem]
    competitors: list[str]
    team_members: list[TeamMember]
    probability_bp: int
    forecast_category: Literal[
        "unspecified", "pipeline", "best_case", "commit", "closed", "omitted"
    ]
    stage_enter_time: str | None
    close_time: str | None
    loss_reason: str
    lost_to_competitor: str
    version: int
    audit: Audit | None


class OpportunityList(TypedDict):
    """One page of opportunities, newest first."""

    opportunities: list[Opportunity]
    next_page_token: str


class OrgUnit(TypedDict):
    """A node of the organisation tree."""

    unit_id: str
    code: str
    name: str
    parent_id: str
    region: str
    manager_id: str
    kind: str
    create_time: str | None
    update_time: str | None
    version: int


class OrgUnitChange(TypedDict):
    """What changes; empty fields stay."""

    name: NotRequired[str]
    parent_id: NotRequired[str]
    manager_id: NotRequired[str]


class OrgUnitList(TypedDict):
    """One page of org units, newest first."""

    units: list[OrgUnit]
    next_page_token: str


class OutsideGrant(TypedDict):
    """A certification obtained outside salesops."""

    rep_id: str
    product_line: str
    valid_from: NotRequired[str]
    valid_months: int
    evidence: str


class OverdueCase(TypedDict):
    """A case past its SLA due time."""

    case_id: str
    customer_id: str
    subject: str
    priority: str
    status: str
    assignee_id: str
    due_time: str | None


class OverdueCases(TypedDict):
    """Open or in-progress cases past their due time, most overdue first."""

    count: int
    cases: list[OverdueCase]


class OwnerCertification(TypedDict):
    """The owner holds a valid certification for every product line of the deal."""


class OwnerCertificationInput(TypedDict):
    """OwnerCertificationInput"""


class OwnershipChange(TypedDict):
    """One change of an account's owner."""

    change_id: str
    customer_id: str
    region: str
    from_owner_id: str
    to_owner_id: str
    reason: str
    transfer_id: str
    changed_by: str
    change_time: str | None


class OwnershipHistory(TypedDict):
    """An account's owners, newest first."""

    changes: list[OwnershipChange]
    next_page_token: str


class OwnershipTransfer(TypedDict):
    """A request for an account to change owner, and its decision."""

    transfer_id: str
    customer_id: str
    region: str
    from_owner_id: str
    to_owner_id: str
    reason: str
    status: Literal["unspecified", "pending", "approved", "rejected", "cancelled"]
    requested_by: str
    request_time: str | None
    decided_by: str
    decision_time: str | None
    decision_comment: str


class OwnershipTransferList(TypedDict):
    """One page of transfer requests, newest first."""

    transfers: list[OwnershipTransfer]
    next_page_token: str


class PaceCheckpoint(TypedDict):
    """What a checkpoint reported (an event each); empty when run again the same day."""

    reports: list[BehindPaceReport]


class PenaltyList(TypedDict):
    """One page of penalties and warnings, newest first."""

    penalties: list[Incentive]
    next_page_token: str


class PerformanceFact(TypedDict):
    """One fact, as the event that produced it reported it."""

    fact_id: str
    event_id: str
    event_type: str
    kind: str
    region: str
    rep_id: str
    team_id: str
    subject_id: str
    occurred_date: str
    occur_time: str | None
    amount: Money | None
    quantity: int
    value_bp: int
    score: int
    product_line: str
    detail: str
    approver_role: str
    approver_authority_bp: int
    approver_unlimited: bool
    record_time: str | None


class PerformanceFactList(TypedDict):
    """One page of facts, newest first."""

    facts: list[PerformanceFact]
    next_page_token: str


class PerformerRank(TypedDict):
    """A rep's place by revenue attainment."""

    rank: int
    rep_id: str
    team_unit_id: str
    target: Money | None
    actual: Money | None
    percent_bp: int
    status: str


class Performers(TypedDict):
    """Reps with a revenue target, best first; `top` and `bottom` (worst first) never overlap."""

    metric: NotRequired[str]
    ranking: list[PerformerRank]
    top: list[PerformerRank]
    bottom: list[PerformerRank]


class Pipeline(TypedDict):
    """A sales process: its ordered stages."""

    pipeline_id: str
    name: str
    kind: str
    region: str
    stages: list[Stage]
    create_time: str | None


class PipelineByCategory(TypedDict):
    """Open pipeline closing in the period, by the opportunities' forecast category."""

    pipeline: Money | None
    best_case: Money | None
    commit: Money | None
    omitted: Money | None


class PipelineList(TypedDict):
    """One page of pipelines."""

    pipelines: list[Pipeline]
    next_page_token: str


class PipelineSummary(TypedDict):
    """The rep's open opportunities (whatever their expected close date)."""

    open_opportunities: int
    totals: list[CurrencyPipeline]
    by_stage: list[StagePipeline]


class Plan(TypedDict):
    """One version of a sales plan."""

    plan_id: str
    org_unit_id: str
    region: str
    period: PlanPeriod | None
    strategy: str
    owner_id: str
    currency: str
    status: Literal["unspecified", "draft", "submitted", "approved", "active", "closed"]
    plan_version: int
    previous_plan_id: str
    rejection_reason: str
    approved_by: str
    audit: Audit | None
    version: int


class PlanDetail(TypedDict):
    """A plan version with the improvement actions it carries from earlier periods' reviews."""

    plan_id: str
    org_unit_id: str
    region: str
    period: PlanPeriod | None
    strategy: str
    owner_id: str
    currency: str
    status: Literal["unspecified", "draft", "submitted", "approved", "active", "closed"]
    plan_version: int
    previous_plan_id: str
    rejection_reason: str
    approved_by: str
    audit: Audit | None
    version: int
    carried_actions: NotRequired[list[ImprovementAction]]


class PlanList(TypedDict):
    """One page of plans, newest first."""

    plans: list[Plan]
    next_page_token: str


class PlanPeriod(TypedDict):
    """The plan's fiscal period: start inclusive, end exclusive (UTC)."""

    code: str
    starts_at: str | None
    ends_at: str | None


class PlanVersusActual(TypedDict):
    """One target of the unit: plan versus actual when the review was filled."""

    metric: str
    product_line: str
    currency: str
    target: int
    actual: int
    expected: int
    percent_bp: int
    status: str


class PlanVsActual(TypedDict):
    """Units top down (each level by code), then reps by team and id."""

    units: list[UnitPlanVsActual]
    reps: list[RepPlanVsActual]


class PreferencesInput(TypedDict):
    """Communication preferences; in an update, fields left out stay as they are."""

    preferred_channel: NotRequired[Literal["email", "phone", "sms", "post", "messaging"] | None]
    language: NotRequired[str | None]
    do_not_contact: NotRequired[bool | None]


class ProblemDetails(TypedDict):
    """The body of every error response (`application/problem+json`)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    request_id: str
    errors: NotRequired[list[FieldError]]
    violations: NotRequired[list[RuleViolation]]
    resources: NotRequired[list[ResourceRef]]


class Progress(TypedDict):
    """Progress"""

    progress_pct: int


class Publication(TypedDict):
    """A closed period, and exactly one of a region and a team."""

    period_code: str
    region: NotRequired[str]
    team_id: NotRequired[str]


class Published(TypedDict):
    """What a publication stored, and whom it found published already."""

    scorecards: list[Scorecard]
    already_published: list[str]


class Question(TypedDict):
    """Question"""

    question_id: str
    position: int
    text: str
    kind: Literal["unspecified", "single_choice", "multiple_choice"]
    options: list[str]
    points: int
    correct_options: list[int]


class QuestionResult(TypedDict):
    """QuestionResult"""

    question_id: str
    correct: bool
    points_awarded: int


class Quote(TypedDict):
    """One version of a quote."""

    quote_id: str
    series_id: str
    version: int
    opportunity_id: str
    region: str
    owner_id: str
    status: Literal[
        "unspecified", "draft", "pending_approval", "approved", "rejected", "accepted", "superseded"
    ]
    lines: list[QuoteLine]
    discount_bp: int
    effective_discount_bp: int
    list_total: Money | None
    total: Money | None
    valid_until: str
    expired: bool
    notes: str
    superseded_by: str
    decisions: list[QuoteDecision]
    audit: Audit | None


class QuoteDecision(TypedDict):
    """A decision in the quote's approval trail."""

    kind: Literal[
        "unspecified",
        "submitted_for_approval",
        "auto_approved",
        "approved",
        "rejected",
        "accepted",
        "superseded",
    ]
    decided_by: str
    role: str
    authority_bp: int
    unlimited_authority: bool
    discount_bp: int
    comment: str
    decide_time: str | None


class QuoteLine(TypedDict):
    """A priced line of a quote."""

    product_line: str
    quantity: int
    unit_price: Money | None
    discount_bp: int
    list_amount: Money | None
    amount: Money | None


class QuoteLineInput(TypedDict):
    """A line: quantity, unit price and an optional line discount."""

    product_line: str
    quantity: int
    unit_price: MoneyInput
    discount_bp: NotRequired[int]


class QuoteList(TypedDict):
    """One page of quotes, newest first."""

    quotes: list[Quote]
    next_page_token: str


class RaiseDisputeRequest(TypedDict):
    """The line disputed and why."""

    line_id: str
    reason: str


class RatingCount(TypedDict):
    """RatingCount"""

    rating: int
    count: int


class Readiness(TypedDict):
    """Whether every upstream answers its gRPC health check with SERVING, and the state of the
    gateway's circuit breaker to each.
    """

    status: Literal["ready", "not ready"]
    upstreams: dict[str, str]
    circuits: dict[str, Literal["closed", "half_open", "open"]]


class ReadinessFigures(TypedDict):
    """A group's figures (basis points, rounded half up)."""

    reps: int
    indexed_reps: int
    average_readiness_index_bp: int
    enrollments: int
    completed: int
    overdue: int
    completion_rate_bp: int
    overdue_rate_bp: int
    coverage: list[CertificationCoverage]


class ReadinessReport(TypedDict):
    """The answer: `rep`, or `team` with its `reps`, or `region` with its `figures` and `teams`."""

    as_of_time: str | None
    rep: NotRequired[RepReadiness | None]
    team: NotRequired[TeamReadiness | None]
    reps: NotRequired[list[RepReadiness]]
    region: NotRequired[str]
    figures: NotRequired[ReadinessFigures | None]
    teams: NotRequired[list[TeamReadiness]]


class ReassignRequest(TypedDict):
    """The rep who owns the deal from now on."""

    new_owner_id: str


class RecordSurveyResponse(TypedDict):
    """A survey response to record. The customers service checks the values."""

    customer_id: str
    kind: Literal["csat", "nps"]
    score: int
    contact_id: NotRequired[str]
    channel: NotRequired[Literal["email", "phone", "web", "in_app", "in_person", "case"] | None]
    comment: NotRequired[str]
    responded_at: NotRequired[str | None]
    external_id: NotRequired[str]


class RegionDashboard(TypedDict):
    """A region's dashboard; a missing section is null and listed in `partial`."""

    partial: list[str]
    sections: dict[str, SectionStatus]
    region: str
    period: str
    generated_at: str
    plan_vs_actual: PlanVsActual | None
    performers: Performers | None
    funnel: FunnelSection | None
    win_rate: WinRates | None
    forecast: ForecastVsTarget | None
    overdue_cases: OverdueCases | None
    certification_coverage: CertificationCoverageSection | None
    trend: Trend | None


class RejectPlanRequest(TypedDict):
    """Why the plan goes back to draft (required)."""

    reason: str


class Rejection(TypedDict):
    """Why a proposal is rejected."""

    reason: str


class RenewContractRequest(TypedDict):
    """The follow-on term; by default it starts the day after the current one ends."""

    start_date: NotRequired[str]
    term_months: NotRequired[int]


class ReopenCaseRequest(TypedDict):
    """Why the resolution did not hold."""

    reason: str


class Rep(TypedDict):
    """A rep, manager or director and their current assignment."""

    rep_id: str
    name: str
    email: str
    role: str
    team_unit_id: str
    manager_id: str
    region: str
    hire_date: str
    status: str
    capacity: int
    create_time: str | None
    update_time: str | None


class RepAssignment(TypedDict):
    """A period in a unit; `effective_to` is empty while it holds."""

    unit_id: str
    effective_from: str
    effective_to: str


class RepAttainment(TypedDict):
    """The rep's attainment lines for the period (empty without a target)."""

    period: PlanPeriod | None
    as_of: str | None
    lines: list[AttainmentLine]


class RepList(TypedDict):
    """One page of people, newest first."""

    reps: list[Rep]
    next_page_token: str


class RepOverview(TypedDict):
    """A rep's overview; a missing section is null, named in `partial`, explained in `sections`."""

    partial: list[str]
    sections: dict[str, SectionStatus]
    rep_id: str
    period: str
    rep: Rep | None
    pipeline: PipelineSummary | None
    attainment: RepAttainment | None
    scorecard: Scorecard | None
    commission: CommissionToDate | None
    training: TrainingSummary | None


class RepPlanVsActual(TypedDict):
    """One rep of a team of the region and their attainment lines."""

    rep_id: str
    team_unit_id: str
    lines: list[AttainmentLine]


class RepReadiness(TypedDict):
    """One rep's skills and readiness index."""

    rep_id: str
    name: str
    role: str
    region: str
    team_id: str
    skills: list[SkillReadiness]
    required_skills: int
    held_skills: int
    readiness_index_bp: int
    has_profile: bool


class RepSplit(TypedDict):
    """A rep's share of the contract's credit."""

    rep_id: str
    share_bp: int
    amount: Money | None


class RepWithHistory(TypedDict):
    """A rep and their assignments, newest first."""

    rep: Rep
    assignments: list[RepAssignment]


class RequiredActivity(TypedDict):
    """Activities that must be logged on the deal."""

    activity_type: Literal["unspecified", "call", "meeting", "visit", "email", "task"]
    min_count: int
    with_outcome: bool


class RequiredActivityInput(TypedDict):
    """RequiredActivityInput"""

    activity_type: Literal["call", "meeting", "visit", "email", "task"]
    min_count: NotRequired[int]
    with_outcome: NotRequired[bool]


class RequiredCertification(TypedDict):
    """A product line's required certification."""

    requirement_id: str
    product_line: str
    region: str
    certification_course_id: str
    certification_course_code: str
    recertification_course_id: str
    recertification_course_code: str
    published: bool
    effective_from: str
    update_time: str | None
    updated_by: str
    version: int


class RequiredCertificationList(TypedDict):
    """RequiredCertificationList"""

    requirements: list[RequiredCertification]
    next_page_token: str


class RequiredField(TypedDict):
    """A field of the deal that must be filled in."""

    field: str


class RequiredFieldInput(TypedDict):
    """RequiredFieldInput"""

    field: str


class Requirement(TypedDict):
    """What a product line requires (replaces the line's requirement in that region)."""

    product_line: str
    region: NotRequired[str]
    certification_course_id: str
    recertification_course_id: NotRequired[str]
    published: NotRequired[bool]
    effective_from: NotRequired[str]


class Resolution(TypedDict):
    """Upheld, or changed with a new rating; a comment either way."""

    outcome: Literal["upheld", "changed"]
    new_rating: NotRequired[int]
    comment: str


class ResolveCaseRequest(TypedDict):
    """What was done, and how satisfied the customer is (optional, 1 to 5)."""

    resolution_note: str
    satisfaction_score: NotRequired[int | None]


class ResolveDisputeRequest(TypedDict):
    """The outcome, a comment, and an optional correction when accepting."""

    outcome: Literal["accepted", "rejected"]
    comment: str
    adjustment: NotRequired[MoneyInput | None]


class ResourceRef(TypedDict):
    """A record the problem is about: on 404 the one not found; on 409 an existing record the
    request conflicts with (for a likely duplicate, each candidate and why it matches).
    """

    resource_type: str
    resource_name: str
    owner: NotRequired[str]
    description: NotRequired[str]


class Review(TypedDict):
    """The review of an org unit for a fiscal period."""

    review_id: str
    org_unit_id: str
    region: str
    period_code: str
    status: Literal["unspecified", "open", "closed"]
    findings: str
    lines: list[PlanVersusActual]
    filled_time: str | None
    closed_by: str
    closed_time: str | None
    audit: Audit | None
    version: int


class ReviewChange(TypedDict):
    """New findings, and the version the review was read at (optional)."""

    findings: NotRequired[str | None]
    version: NotRequired[int]


class ReviewList(TypedDict):
    """One page of reviews, newest first."""

    reviews: list[Review]
    next_page_token: str


class ReviewWithActions(TypedDict):
    """A review, the actions raised in it, and the open actions carried into it."""

    review: Review | None
    actions: NotRequired[list[ImprovementAction]]
    carried_actions: list[ImprovementAction]


class ReviseQuoteRequest(TypedDict):
    """The next version; lines and validity left out are kept."""

    lines: NotRequired[list[QuoteLineInput]]
    discount_bp: NotRequired[int]
    valid_until: NotRequired[str]
    notes: NotRequired[str]


class Revocation(TypedDict):
    """Why the certification is withdrawn (final)."""

    reason: str


class RewardList(TypedDict):
    """One page of rewards, newest first."""

    rewards: list[Incentive]
    next_page_token: str


class RoleAuthority(TypedDict):
    """The largest discount a role may approve."""

    role: str
    max_discount_bp: int
    unlimited: bool


class RollUpFigures(TypedDict):
    """A line's money figures in one currency."""

    currency: str
    submitted: ForecastFigures | None
    forecast: ForecastFigures | None
    weighted_pipeline: Money | None
    open_pipeline: PipelineByCategory | None
    closed_won: Money | None
    open_opportunities: int


class RollUpLine(TypedDict):
    """A rep, or a unit over its whole subtree."""

    org_unit_id: str
    rep_id: str
    name: str
    reps: int
    reps_submitted: int
    revenue_target: Money | None
    figures: list[RollUpFigures]


class RuleChange(TypedDict):
    """A region's setting of one rule; 0 or empty keeps a default."""

    region: str
    enabled: NotRequired[bool]
    severity: NotRequired[Literal["low", "medium", "high"] | None]
    stale_days: NotRequired[int]
    authorities: NotRequired[list[RoleAuthority]]


class RuleOutcome(TypedDict):
    """One rule's result in a run."""

    rule: Literal[
        "unspecified",
        "stale_opportunity",
        "lead_sla_breach",
        "discount_above_authority",
        "won_without_contract",
    ]
    findings: int
    recorded: int


class RuleViolation(TypedDict):
    """One business rule the request does not meet (a stage gate, a state transition)."""

    type: str
    subject: str
    description: str


class RunPaceCheckpointRequest(TypedDict):
    """The checkpoint instant; now when absent."""

    as_of: NotRequired[str | None]


class RunRequest(TypedDict):
    """What to inspect."""

    region: str
    period_code: str
    rules: NotRequired[
        list[
            Literal[
                "stale_opportunity",
                "lead_sla_breach",
                "discount_above_authority",
                "won_without_contract",
            ]
        ]
    ]


class SalesCredit(TypedDict):
    """One rep's credit for one product line of one contract, or its reversal."""

    credit_id: str
    contract_id: str
    opportunity_id: str
    customer_id: str
    region: str
    rep_id: str
    team_id: str
    kind: Literal["unspecified", "direct", "overlay"]
    from_rep_id: str
    product_line: str
    share_bp: int
    amount: Money | None
    quantity: int
    credited_date: str
    reverses_credit_id: str
    event_id: str
    record_time: str | None


class SalesCreditList(TypedDict):
    """One page of credits, newest first."""

    credits: list[SalesCredit]
    next_page_token: str


class SalesCreditTotals(TypedDict):
    """One currency's credits: net = direct + overlay + reversed, exactly."""

    currency: str
    direct: Money | None
    overlay: Money | None
    reversed: Money | None
    net: Money | None
    credit_count: int


class SatisfactionFigures(TypedDict):
    """NPS and CSAT figures of one group of responses."""

    key: str
    nps_responses: int
    promoters: int
    passives: int
    detractors: int
    nps_bp: int | None
    csat_responses: int
    csat_score_sum: int
    csat_average_hundredths: int | None
    csat_satisfied: int
    csat_satisfied_bp: int | None


class ScoreReason(TypedDict):
    """One scoring rule that gave (or took) points."""

    rule: str
    points: int


class Scorecard(TypedDict):
    """A rep's scorecard for a fiscal period: published, or a live preview."""

    scorecard_id: str
    rep_id: str
    region: str
    team_id: str
    role: str
    period_code: str
    kpi_set_id: str
    lines: list[ScorecardLine]
    total_points: int
    total_score: int
    published: bool
    published_time: str | None
    published_by: str
    computed_time: str | None


class ScorecardLine(TypedDict):
    """One KPI of a scorecard."""

    kpi_code: str
    name: str
    source: str
    direction: str
    unit: str
    currency: str
    value: int
    target: int
    floor: int
    stretch: int
    score: int
    weight_bp: int
    weighted_points: int
    scored: bool
    skill_area: str
    note: str


class ScorecardList(TypedDict):
    """One page of published scorecards, newest first."""

    scorecards: list[Scorecard]
    next_page_token: str


class SectionStatus(TypedDict):
    """How one section of a composed view was filled."""

    status: Literal["ok", "unavailable", "not_found", "failed"]
    detail: NotRequired[str]


class SegmentChange(TypedDict):
    """The segment's new state and the version it was read at."""

    name: str
    size: MoneyInput
    potential: MoneyInput
    product_line: NotRequired[str]
    industry: NotRequired[str]
    source: NotRequired[str]
    notes: NotRequired[str]
    version: int


class SegmentShare(TypedDict):
    """Our share of one segment, in the segment's currency."""

    segment_id: str
    name: str
    product_line: str
    industry: str
    size: Money | None
    potential: Money | None
    our_revenue: Money | None
    share_bp: int
    potential_captured_bp: int


class SelfEnrollment(TypedDict):
    """SelfEnrollment"""

    enrollment: Enrollment
    created: bool


class SetCaseSlaPolicyRequest(TypedDict):
    """The region's overrides; priorities left out use the platform defaults."""

    targets: list[CaseSlaOverride]


class SetDiscountAuthorityRequest(TypedDict):
    """A role's new authority: basis points, or unlimited."""

    max_discount_bp: NotRequired[int]
    unlimited: NotRequired[bool]


class SetFxRateRequest(TypedDict):
    """The rate as an exact decimal string."""

    rate: str


class SetLeadRoutingRequest(TypedDict):
    """The strategy: "most_spare_capacity" or "round_robin"."""

    strategy: Literal["most_spare_capacity", "round_robin"]


class SetLeadSlaPolicyRequest(TypedDict):
    """The region's SLA in whole hours, 1 to 720."""

    hours: int


class SetStageGateRequest(TypedDict):
    """The complete new list of criteria (empty: any deal may leave the stage)."""

    criteria: list[GateCriterionInput]
    comment: NotRequired[str]


class SetTierThresholdsRequest(TypedDict):
    """Positive amounts; B's not above A's."""

    region: NotRequired[str]
    currency: str
    a_revenue_minor: int
    b_revenue_minor: int
    a_potential_minor: int
    b_potential_minor: int


class SkillLevel(TypedDict):
    """SkillLevel"""

    role: str
    region: NotRequired[str]
    skill: str
    level: int


class SkillProfile(TypedDict):
    """A skill a role needs at a level."""

    profile_id: str
    role: str
    region: str
    skill: str
    level: int
    version: int
    update_time: str | None
    updated_by: str


class SkillProfileList(TypedDict):
    """SkillProfileList"""

    profiles: list[SkillProfile]
    next_page_token: str


class SkillReadiness(TypedDict):
    """SkillReadiness"""

    skill: str
    level: int
    required_level: int
    required: bool
    held: bool


class SkippedRep(TypedDict):
    """SkippedRep"""

    rep_id: str
    reason: str


class Stage(TypedDict):
    """One step of a pipeline."""

    stage_id: str
    pipeline_id: str
    name: str
    position: int
    probability_bp: int
    forecast_category: Literal[
        "unspecified", "pipeline", "best_case", "commit", "closed", "omitted"
    ]
    kind: Literal["unspecified", "open", "won", "lost"]


class StageDuration(TypedDict):
    """Mean hours deals spent in a stage, over the stays that ended in the period."""

    pipeline_id: str
    stage_id: str
    name: str
    position: int
    stays: int
    average_hours: int


class StageGate(TypedDict):
    """One version of a stage's exit criteria (version 0: the stage never had any)."""

    stage_id: str
    version: int
    criteria: list[GateCriterion]
    comment: str
    create_time: str | None
    created_by: str


class StageGateVersions(TypedDict):
    """Every version, newest first."""

    gates: list[StageGate]


class StageHistory(TypedDict):
    """The stages a deal went through, oldest first."""

    visits: list[StageVisit]


class StageInput(TypedDict):
    """A stage; positions follow the list order. Leave stage_id out for a new stage."""

    stage_id: NotRequired[str]
    name: str
    probability_bp: NotRequired[int]
    forecast_category: NotRequired[
        Literal["pipeline", "best_case", "commit", "closed", "omitted"] | None
    ]
    kind: NotRequired[Literal["open", "won", "lost"] | None]


class StageList(TypedDict):
    """A pipeline's stages in order."""

    stages: list[Stage]


class StagePipeline(TypedDict):
    """Open deals in one stage and currency."""

    stage_id: str
    stage_name: str
    probability_bp: int
    opportunities: int
    amount: Money
    weighted: Money


class StageVisit(TypedDict):
    """A stay of the deal in one stage."""

    stage_id: str
    stage_name: str
    enter_time: str | None
    exit_time: str | None
    duration_seconds: int


class StatementLine(TypedDict):
    """One line of a statement; lines are only ever appended."""

    line_id: str
    statement_id: str
    statement_version: int
    sequence: int
    kind: Literal[
        "unspecified",
        "base",
        "tier",
        "accelerator",
        "decelerator",
        "spiff",
        "kpi_bonus",
        "cap",
        "draw",
        "draw_recovery",
        "clawback",
        "adjustment",
    ]
    amount: Money | None
    explanation: LineExplanation | None
    description: str


class StatementSummary(TypedDict):
    """One commission statement, without its lines."""

    statement_id: str
    period_code: str
    total: Money | None
    attainment_bp: int
    version: int
    calculated_at: str | None


class StatementVersion(TypedDict):
    """A calculation (or an accepted dispute) that changed the statement."""

    version: int
    reason: str
    plan_id: str
    total: Money | None
    created_at: str | None
    created_by: str


class SubjectAttainment(TypedDict):
    """A child unit's or a team rep's lines."""

    unit_id: str
    rep_id: str
    lines: list[AttainmentLine]


class Submission(TypedDict):
    """The caller's answers; an unanswered question scores nothing."""

    answers: list[AnswerInput]


class SubmitForecastRequest(TypedDict):
    """A rep's call for a period that is not over."""

    period_code: str
    rep_id: NotRequired[str]
    commit: MoneyInput
    best_case: MoneyInput
    pipeline: MoneyInput
    notes: NotRequired[str]


class SurveyImport(TypedDict):
    """Every row's result, in order, and the totals."""

    recorded: int
    duplicates: int
    invalid: int
    results: list[ImportedSurveyRow]


class SurveyResponse(TypedDict):
    """A customer's answer to a CSAT or NPS question."""

    response_id: str
    customer_id: str
    region: str
    contact_id: str
    kind: Literal["csat", "nps"]
    score: int
    nps_category: Literal["promoter", "passive", "detractor"] | None
    channel: Literal["email", "phone", "web", "in_app", "in_person", "case"]
    comment: str
    responded_at: str | None
    source: Literal["unspecified", "api", "import", "case"]
    case_id: str
    external_id: str
    create_time: str | None
    created_by: str


class SurveyResponseList(TypedDict):
    """One page of survey responses, newest first."""

    responses: list[SurveyResponse]
    next_page_token: str


class TagsRequest(TypedDict):
    """Tags to add and to remove (stored lower case)."""

    add: NotRequired[list[str]]
    remove: NotRequired[list[str]]


class Target(TypedDict):
    """A target of a plan."""

    target_id: str
    plan_id: str
    metric: Literal[
        "unspecified", "revenue", "units", "new_customers", "market_share_bp", "activity_count"
    ]
    amount: Money | None
    quantity: int
    product_line: str
    audit: Audit | None


class TargetAllocation(TypedDict):
    """One unit's or rep's share."""

    unit_id: str
    rep_id: str
    parent_unit_id: str
    amount: Money | None
    quantity: int


class TargetList(TypedDict):
    """One page of a plan's targets, newest first."""

    targets: list[Target]
    next_page_token: str


class TargetRollUp(TypedDict):
    """The target and every parent unit's line, in unit id order."""

    target: Target | None
    lines: list[TargetRollUpLine]
    adds_up: bool


class TargetRollUpLine(TypedDict):
    """One parent unit: its amount against the sum of its allocated children."""

    unit_id: str
    amount: int
    children_sum: int
    expected_children_sum: int
    difference: int
    adds_up: bool


class TeamMember(TypedDict):
    """A person on the deal and their credit share."""

    rep_id: str
    role: str
    share_bp: int


class TeamMemberInput(TypedDict):
    """A person on the deal; shares are basis points summing to 10000."""

    rep_id: str
    role: NotRequired[str]
    share_bp: int


class TeamReadiness(TypedDict):
    """TeamReadiness"""

    team_id: str
    region: str
    figures: ReadinessFigures


class Territory(TypedDict):
    """Which customers a territory covers, who works it, and its market potential."""

    territory_id: str
    name: str
    region: str
    countries: list[str]
    industries: list[str]
    company_sizes: list[str]
    rep_ids: list[str]
    market_potential: Money | None
    version: int
    removed: bool
    create_time: str | None
    update_time: str | None


class TerritoryCoverage(TypedDict):
    """Coverage of one territory."""

    territory_id: str
    name: str
    headcount: int
    total_capacity: int
    market_potential: Money | None
    potential_per_head: Money | None


class TerritoryLeadRouting(TypedDict):
    """How one territory routes its leads."""

    territory_id: str
    region: str
    strategy: Literal["unspecified", "most_spare_capacity", "round_robin"]
    audit: Audit | None


class TerritoryList(TypedDict):
    """One page of territories, newest first."""

    territories: list[Territory]
    next_page_token: str


class TerritoryState(TypedDict):
    """The full state of a territory (an update replaces it)."""

    name: str
    countries: NotRequired[list[str]]
    industries: NotRequired[list[str]]
    company_sizes: NotRequired[list[str]]
    rep_ids: NotRequired[list[str]]
    market_potential: MoneyInput


class ThresholdsSet(TypedDict):
    """The thresholds as stored, and how many accounts changed tier."""

    thresholds: TierThresholds
    retiered_customers: int


class TierThresholds(TypedDict):
    """The amounts a region's (or every region's) accounts must reach for tiers A and B."""

    region: str
    currency: str
    a_revenue_minor: int
    b_revenue_minor: int
    a_potential_minor: int
    b_potential_minor: int
    audit: Audit | None


class TierThresholdsList(TypedDict):
    """The thresholds of the caller's regions and the global ones."""

    thresholds: list[TierThresholds]
    next_page_token: str


class TimeInStageReport(TypedDict):
    """Time in stage, by pipeline and stage position."""

    period: FiscalPeriod
    filter: AnalyticsFilter
    stages: list[StageDuration]


class Timeline(TypedDict):
    """One page of a customer's timeline, newest first."""

    entries: list[TimelineEntry]
    next_page_token: str


class TimelineEntry(TypedDict):
    """One thing that happened with a customer."""

    entry_id: str
    customer_id: str
    region: str
    occur_time: str | None
    kind: Literal["unspecified", "activity", "opportunity", "contract", "case", "note"]
    action: str
    title: str
    summary: str
    ref_type: str
    ref_id: str
    actor: str
    contact_id: str
    source_event_id: str
    create_time: str | None


class TrainingSummary(TypedDict):
    """Readiness against the role's skill profile, and what is still open."""

    readiness_index_bp: int
    has_profile: bool
    required_skills: int
    held_skills: int
    open_enrollments: list[OpenEnrollment]


class TransferRequest(TypedDict):
    """The rep who owns the account from now on, and why."""

    to_owner_id: str
    reason: NotRequired[str]


class Trend(TypedDict):
    """Month by month across the period (one month for a monthly period)."""

    months: list[TrendMonth]


class TrendMonth(TypedDict):
    """Deals won in one fiscal month of the period."""

    period_code: str
    won: int
    won_value: list[Money]


class UnitPlanVsActual(TypedDict):
    """One org unit of the region and its attainment lines (none without a target)."""

    unit_id: str
    code: str
    name: str
    kind: str
    parent_id: str
    lines: list[AttainmentLine]


class UpdateContactRequest(TypedDict):
    """The fields to change; fields left out stay as they are."""

    name: NotRequired[str | None]
    title: NotRequired[str | None]
    email: NotRequired[str | None]
    phone: NotRequired[str | None]
    buying_role: NotRequired[
        Literal[
            "decision_maker", "influencer", "user", "champion", "blocker", "economic_buyer", "other"
        ]
        | None
    ]
    preferences: NotRequired[PreferencesInput | None]


class UpdateCustomerRequest(TypedDict):
    """The fields to change; fields left out stay as they are."""

    name: NotRequired[str | None]
    tax_id: NotRequired[str | None]
    domain: NotRequired[str | None]
    industry: NotRequired[str | None]
    company_size: NotRequired[str | None]
    address: NotRequired[AddressInput | None]
    country: NotRequired[str | None]
    status: NotRequired[Literal["prospect", "active", "dormant", "churned"] | None]
    parent_id: NotRequired[str | None]
    potential: NotRequired[MoneyInput | None]
    version: NotRequired[int]
    confirm_not_duplicate: NotRequired[bool]


class UpdateOpportunityRequest(TypedDict):
    """The fields to change; fields left out stay as they are."""

    name: NotRequired[str | None]
    expected_close_date: NotRequired[str | None]
    next_step: NotRequired[str | None]
    line_items: NotRequired[list[LineItemInput] | None]
    competitors: NotRequired[list[str] | None]
    team_members: NotRequired[list[TeamMemberInput] | None]


class UpdatePipelineRequest(TypedDict):
    """A new name and/or the complete new list of stages (left out: unchanged)."""

    name: NotRequired[str]
    stages: NotRequired[list[StageInput]]


class Violation(TypedDict):
    """A finding of an inspection."""

    violation_id: str
    rule: Literal[
        "unspecified",
        "stale_opportunity",
        "lead_sla_breach",
        "discount_above_authority",
        "won_without_contract",
    ]
    kind: Literal["unspecified", "conduct", "process"]
    severity: Literal["unspecified", "low", "medium", "high"]
    region: str
    period_code: str
    rep_id: str
    team_id: str
    subject_id: str
    summary: str
    evidence: list[EvidenceItem]
    status: Literal["unspecified", "open", "dismissed", "penalised"]
    dismissal_reason: str
    penalty_id: str
    inspection_id: str
    decided_by: str
    decided_time: str | None
    create_time: str | None
    version: int


class ViolationCount(TypedDict):
    """Violations of one rule, rep or team by status."""

    key: str
    total: int
    open: int
    dismissed: int
    penalised: int


class ViolationList(TypedDict):
    """One page of violations, newest first."""

    violations: list[Violation]
    next_page_token: str


class Waiver(TypedDict):
    """Waiver"""

    reason: str


class WeightedPipeline(TypedDict):
    """The subject's line for the period."""

    period: PlanPeriod | None
    line: RollUpLine | None


class WinLossReport(TypedDict):
    """Win/loss by loss reason and by competitor among the deals closed in the period."""

    period: FiscalPeriod
    filter: AnalyticsFilter
    won: int
    lost: int
    loss_reasons: list[LossReason]
    competitors: list[CompetitorOutcome]


class WinRate(TypedDict):
    """Won and lost deals and won / (won + lost) in bp (0 when none closed)."""

    key: str
    won: int
    lost: int
    win_rate_bp: int


class WinRateReport(TypedDict):
    """Win rate among the deals closed in the period."""

    period: FiscalPeriod
    filter: AnalyticsFilter
    total: WinRate
    groups: list[WinRate]


class WinRates(TypedDict):
    """Among deals closed in the period: the region's total and each team's."""

    total: WinRate
    by_team: list[WinRate]


class WinRequest(TypedDict):
    """The contract's terms; the accepted quote of the deal is used unless one is named."""

    quote_id: NotRequired[str]
    contract_start_date: NotRequired[str]
    signed_date: NotRequired[str]
    term_months: NotRequired[int]


class Won(TypedDict):
    """The won deal and the contract signed from its accepted quote."""

    opportunity: Opportunity
    contract: Contract


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        resource="activities",
        name="list",
        http_method="GET",
        path="/v1/activities",
        summary="List activities",
        description="Activities in the caller's scope, newest first; filter by at most one target.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("lead_id", "string", description="Only activities on this lead."),
            Param("opportunity_id", "string", description="Only activities on this deal."),
            Param("customer_id", "string", description="Only activities on this customer."),
            Param("owner_id", "string", description="Only this person's activities."),
            Param(
                "type",
                "string",
                choices=("call", "meeting", "visit", "email", "task"),
                description="Only this kind.",
            ),
            Param(
                "status",
                "string",
                choices=("open", "completed"),
                description="open: tasks still to do.",
            ),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="ActivityList",
        items_key="activities",
    ),
    Operation(
        resource="activities",
        name="create",
        http_method="POST",
        path="/v1/activities",
        summary="Log an activity",
        description="Record an activity; emits `pipeline.activity.logged`.",
        body_fields=(
            Param(
                "type",
                "string",
                required=True,
                choices=("call", "meeting", "visit", "email", "task"),
            ),
            Param("subject", "string", required=True),
            Param("outcome", "string"),
            Param("due_date", "string"),
            Param("lead_id", "string"),
            Param("opportunity_id", "string"),
            Param("customer_id", "string"),
            Param("owner_id", "string", description="Defaults to the caller."),
            Param("occur_time", "string", description="Defaults to now."),
        ),
        body_schema="LogActivityRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Activity",
        success_status=201,
    ),
    Operation(
        resource="activities",
        name="get",
        http_method="GET",
        path="/v1/activities/{activity_id}",
        summary="Read an activity",
        description="An activity outside the caller's scope is 404.",
        path_params=(
            Param("activity_id", "string", required=True, description="The activity's id."),
        ),
        result_schema="Activity",
    ),
    Operation(
        resource="activities",
        name="complete",
        http_method="POST",
        path="/v1/activities/{activity_id}:complete",
        summary="Complete a task",
        description="Complete an open task with its outcome; emits `pipeline.activity.completed`.",
        path_params=(
            Param("activity_id", "string", required=True, description="The activity's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("outcome", "string", required=True),),
        body_schema="CompleteActivityRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Activity",
    ),
    Operation(
        resource="assessments",
        name="list",
        http_method="GET",
        path="/v1/assessments",
        summary="List assessments",
        query_params=(
            Param("course_id", "string", description="Only this course's."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="AssessmentList",
        items_key="assessments",
    ),
    Operation(
        resource="assessments",
        name="create",
        http_method="POST",
        path="/v1/assessments",
        summary="Create an assessment",
        description="Admins, or directors for their regions' courses.",
        body_fields=(
            Param("title", "string", required=True),
            Param("pass_mark_bp", "integer", required=True),
            Param("max_attempts", "integer", description="0 = unlimited."),
            Param("questions", "array", required=True, item_kind="object"),
            Param("course_id", "string", required=True),
        ),
        body_schema="NewAssessment",
        body_required=True,
        accepts_json=True,
        result_schema="Assessment",
        success_status=201,
    ),
    Operation(
        resource="assessments",
        name="get",
        http_method="GET",
        path="/v1/assessments/{assessment_id}",
        summary="Read an assessment",
        path_params=(
            Param("assessment_id", "string", required=True, description="The assessment's id."),
        ),
        header_params=(
            Param(
                "If-None-Match",
                "string",
                python_name="if_none_match",
                description="The ETag of the copy the client holds: 304 without a body if still current.",
            ),
        ),
        result_schema="Assessment",
    ),
    Operation(
        resource="assessments",
        name="update",
        http_method="PUT",
        path="/v1/assessments/{assessment_id}",
        summary="Replace an assessment's settings and questions",
        path_params=(
            Param("assessment_id", "string", required=True, description="The assessment's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("title", "string", required=True),
            Param("pass_mark_bp", "integer", required=True),
            Param("max_attempts", "integer", description="0 = unlimited."),
            Param("questions", "array", required=True, item_kind="object"),
            Param(
                "expected_version", "integer", description="The version read; 0 skips the check."
            ),
        ),
        body_schema="ChangedAssessment",
        body_required=True,
        accepts_json=True,
        result_schema="Assessment",
    ),
    Operation(
        resource="assessments",
        name="list_attempts",
        http_method="GET",
        path="/v1/assessments/{assessment_id}/attempts",
        summary="List attempts at an assessment",
        path_params=(
            Param("assessment_id", "string", required=True, description="The assessment's id."),
        ),
        query_params=(
            Param("rep_id", "string", description="Only this rep's."),
            Param("region", "string", description="Only this region's."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="AttemptList",
        items_key="attempts",
    ),
    Operation(
        resource="assessments",
        name="submit",
        http_method="POST",
        path="/v1/assessments/{assessment_id}:submit",
        summary="Submit answers to an assessment",
        description="Scored now: one attempt of the caller, within the limit, in an open enrollment.",
        path_params=(
            Param("assessment_id", "string", required=True, description="The assessment's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("answers", "array", required=True, item_kind="object"),),
        body_schema="Submission",
        body_required=True,
        accepts_json=True,
        result_schema="Attempt",
    ),
    Operation(
        resource="assignment-rules",
        name="list",
        http_method="GET",
        path="/v1/assignment-rules",
        summary="List assignment rules",
        description="Rules of the caller's regions and of every region, newest first.",
        query_params=(
            Param(
                "trigger",
                "string",
                choices=(
                    "rep_hired",
                    "gap_detected",
                    "violation_recorded",
                    "certification_expiring",
                ),
            ),
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("enabled_only", "boolean", description="Only enabled rules."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="AssignmentRuleList",
        items_key="rules",
    ),
    Operation(
        resource="assignment-rules",
        name="create",
        http_method="POST",
        path="/v1/assignment-rules",
        summary="Create an assignment rule",
        body_fields=(
            Param("name", "string", required=True),
            Param(
                "trigger",
                "string",
                required=True,
                choices=(
                    "rep_hired",
                    "gap_detected",
                    "violation_recorded",
                    "certification_expiring",
                ),
            ),
            Param("match", "string"),
            Param("learning_path_id", "string"),
            Param("course_id", "string"),
            Param("due_in_days", "integer"),
            Param("region", "string"),
            Param("enabled", "boolean"),
        ),
        body_schema="AssignmentRuleBody",
        body_required=True,
        accepts_json=True,
        result_schema="AssignmentRule",
        success_status=201,
    ),
    Operation(
        resource="assignment-rules",
        name="get",
        http_method="GET",
        path="/v1/assignment-rules/{rule_id}",
        summary="Read an assignment rule",
        path_params=(Param("rule_id", "string", required=True, description="The rule's id."),),
        header_params=(
            Param(
                "If-None-Match",
                "string",
                python_name="if_none_match",
                description="The ETag of the copy the client holds: 304 without a body if still current.",
            ),
        ),
        result_schema="AssignmentRule",
    ),
    Operation(
        resource="assignment-rules",
        name="update",
        http_method="PUT",
        path="/v1/assignment-rules/{rule_id}",
        summary="Change an assignment rule",
        path_params=(Param("rule_id", "string", required=True, description="The rule's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("name", "string", required=True),
            Param(
                "trigger",
                "string",
                choices=(
                    "rep_hired",
                    "gap_detected",
                    "violation_recorded",
                    "certification_expiring",
                ),
            ),
            Param("match", "string"),
            Param("learning_path_id", "string"),
            Param("course_id", "string"),
            Param("due_in_days", "integer"),
            Param("region", "string"),
            Param("enabled", "boolean"),
            Param("version", "integer"),
        ),
        body_schema="AssignmentRuleUpdate",
        body_required=True,
        accepts_json=True,
        result_schema="AssignmentRule",
    ),
    Operation(
        resource="attainment",
        name="get",
        http_method="GET",
        path="/v1/attainment",
        summary="A unit's or rep's attainment for a period",
        description="Exactly one of org_unit and rep; outside the caller's scope the subject is 404.",
        query_params=(
            Param("period", "string", description="FY2027, FY2027-Q1 or FY2027-M03."),
            Param("org_unit", "string", description="An org unit id (or give rep)."),
            Param("rep", "string", description="A rep id (or give org_unit)."),
            Param("as_of", "string", description="RFC 3339; now if absent."),
        ),
        result_schema="Attainment",
    ),
    Operation(
        resource="attainment",
        name="checkpoint",
        http_method="POST",
        path="/v1/attainment:checkpoint",
        summary="Run the pace checkpoint (admins)",
        description="Report every unit and rep below the configured share of pace, once per target and day.",
        body_fields=(Param("as_of", "string"),),
        body_schema="RunPaceCheckpointRequest",
        accepts_json=True,
        result_schema="PaceCheckpoint",
    ),
    Operation(
        resource="case-sla-policies",
        name="get",
        http_method="GET",
        path="/v1/case-sla-policies/{region}",
        summary="Read a region's case resolution SLA",
        description="Hours per priority: the region's overrides, the platform defaults elsewhere.",
        path_params=(
            Param(
                "region", "string", required=True, description="The region code, for example EMEA."
            ),
        ),
        result_schema="CaseSlaPolicy",
    ),
    Operation(
        resource="case-sla-policies",
        name="update",
        http_method="PUT",
        path="/v1/case-sla-policies/{region}",
        summary="Set a region's case resolution SLA",
        description="Admins of the region only. Replaces its overrides; cases already open keep their due time.",
        path_params=(
            Param(
                "region", "string", required=True, description="The region code, for example EMEA."
            ),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("targets", "array", required=True, item_kind="object"),),
        body_schema="SetCaseSlaPolicyRequest",
        body_required=True,
        accepts_json=True,
        result_schema="CaseSlaPolicy",
    ),
    Operation(
        resource="cases",
        name="list",
        http_method="GET",
        path="/v1/cases",
        summary="List cases",
        description="Cases in the caller's scope, newest first.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param(
                "status",
                "string",
                choices=("open", "in_progress", "resolved", "closed"),
                description="Only cases in this status.",
            ),
            Param(
                "priority",
                "string",
                choices=("urgent", "high", "normal", "low"),
                description="Only cases of this priority.",
            ),
            Param("assignee_id", "string", description="Only cases assigned to this person."),
            Param("customer_id", "string", description="Only cases of this customer."),
            Param(
                "overdue",
                "boolean",
                description="Only cases open or in progress past their due time.",
            ),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="CaseList",
        items_key="cases",
    ),
    Operation(
        resource="cases",
        name="create",
        http_method="POST",
        path="/v1/cases",
        summary="Open a case",
        description="Open a case for a customer of `region`; its due time follows the priority's SLA.",
        body_fields=(
            Param("region", "string", required=True),
            Param("customer_id", "string", required=True),
            Param(
                "contract_id", "string", description="Optional: the customer's contract concerned."
            ),
            Param(
                "type",
                "string",
                required=True,
                choices=("incident", "question", "complaint", "request"),
            ),
            Param("priority", "string", required=True, choices=("urgent", "high", "normal", "low")),
            Param("subject", "string", required=True),
            Param("description", "string"),
            Param("assignee_id", "string", description="Optional; a rep may only name themselves."),
        ),
        body_schema="OpenCaseRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Case",
        success_status=201,
    ),
    Operation(
        resource="cases",
        name="get",
        http_method="GET",
        path="/v1/cases/{case_id}",
        summary="Read a case",
        description="A case outside the caller's scope is 404, exactly as if it did not exist.",
        path_params=(Param("case_id", "string", required=True, description="The case's id."),),
        result_schema="Case",
    ),
    Operation(
        resource="cases",
        name="assign",
        http_method="POST",
        path="/v1/cases/{case_id}:assign",
        summary="Assign a case",
        description="Assign or reassign an open or in-progress case; a rep may only take it themselves.",
        path_params=(Param("case_id", "string", required=True, description="The case's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("assignee_id", "string", required=True),),
        body_schema="AssignCaseRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Case",
    ),
    Operation(
        resource="cases",
        name="close",
        http_method="POST",
        path="/v1/cases/{case_id}:close",
        summary="Close a case",
        description="resolved -> closed, for good.",
        path_params=(Param("case_id", "string", required=True, description="The case's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_schema="NoFields",
        accepts_json=True,
        result_schema="Case",
    ),
    Operation(
        resource="cases",
        name="reopen",
        http_method="POST",
        path="/v1/cases/{case_id}:reopen",
        summary="Reopen a case",
        description="resolved -> in_progress; the resolution is cleared, the due time stays.",
        path_params=(Param("case_id", "string", required=True, description="The case's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("reason", "string", required=True),),
        body_schema="ReopenCaseRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Case",
    ),
    Operation(
        resource="cases",
        name="resolve",
        http_method="POST",
        path="/v1/cases/{case_id}:resolve",
        summary="Resolve a case",
        description="in_progress -> resolved, with a note and, if given, the customer's satisfaction (1-5).",
        path_params=(Param("case_id", "string", required=True, description="The case's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("resolution_note", "string", required=True),
            Param("satisfaction_score", "integer"),
        ),
        body_schema="ResolveCaseRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Case",
    ),
    Operation(
        resource="cases",
        name="start",
        http_method="POST",
        path="/v1/cases/{case_id}:start",
        summary="Start work on a case",
        description="open -> in_progress; an unassigned case is assigned to the caller.",
        path_params=(Param("case_id", "string", required=True, description="The case's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_schema="NoFields",
        accepts_json=True,
        result_schema="Case",
    ),
    Operation(
        resource="certifications",
        name="list",
        http_method="GET",
        path="/v1/certifications",
        summary="List certifications",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("rep_id", "string", description="Only this rep's."),
            Param("team_id", "string", description="Only this team's reps'."),
            Param("product_line", "string"),
            Param("state", "string", choices=("valid", "expired", "revoked")),
            Param(
                "expiring_within_days",
                "integer",
                description="Only valid ones ending within this many days.",
            ),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="CertificationList",
        items_key="certifications",
    ),
    Operation(
        resource="certifications",
        name="get",
        http_method="GET",
        path="/v1/certifications/{certification_id}",
        summary="Read a certification",
        path_params=(
            Param(
                "certification_id", "string", required=True, description="The certification's id."
            ),
        ),
        header_params=(
            Param(
                "If-None-Match",
                "string",
                python_name="if_none_match",
                description="The ETag of the copy the client holds: 304 without a body if still current.",
            ),
        ),
        result_schema="Certification",
    ),
    Operation(
        resource="certifications",
        name="revoke",
        http_method="POST",
        path="/v1/certifications/{certification_id}:revoke",
        summary="Revoke a certification",
        description="A director or admin of the region, with a reason; final.",
        path_params=(
            Param(
                "certification_id", "string", required=True, description="The certification's id."
            ),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("reason", "string", required=True),),
        body_schema="Revocation",
        body_required=True,
        accepts_json=True,
        result_schema="Certification",
    ),
    Operation(
        resource="certifications",
        name="grant",
        http_method="POST",
        path="/v1/certifications:grant",
        summary="Record a certification obtained elsewhere",
        description="Admins; the same validity rules as a certification course.",
        body_fields=(
            Param("rep_id", "string", required=True),
            Param("product_line", "string", required=True),
            Param("valid_from", "string", description="ISO 8601 date; today if empty."),
            Param("valid_months", "integer", required=True),
            Param("evidence", "string", required=True),
        ),
        body_schema="OutsideGrant",
        body_required=True,
        accepts_json=True,
        result_schema="Certification",
        success_status=201,
    ),
    Operation(
        resource="certifications",
        name="run_expiry",
        http_method="POST",
        path="/v1/certifications:run-expiry",
        summary="Run the certification expiry check",
        description="Admins; the worker runs the same check hourly.",
        body_fields=(Param("as_of", "string", description="ISO 8601 date; today (UTC) if empty."),),
        body_schema="ExpiryCheck",
        body_required=True,
        accepts_json=True,
        result_schema="ExpiryResult",
    ),
    Operation(
        resource="coaching-actions",
        name="complete",
        http_method="POST",
        path="/v1/coaching-actions/{action_id}:complete",
        summary="Complete an action item",
        description="The rep completes the actions they own; the coach side any action of the session.",
        path_params=(Param("action_id", "string", required=True, description="The action's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_schema="NoFields",
        accepts_json=True,
        result_schema="CoachingAction",
    ),
    Operation(
        resource="coaching-sessions",
        name="list",
        http_method="GET",
        path="/v1/coaching-sessions",
        summary="List coaching sessions",
        description="Sessions the caller sees (a rep: their own), newest first.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("rep_id", "string", description="Only this rep's."),
            Param("team_id", "string", description="Only this team's."),
            Param("focus_skill", "string", description="Only sessions on this skill."),
            Param("overdue_only", "boolean", description="Only sessions with an overdue action."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="CoachingSessionList",
        items_key="sessions",
    ),
    Operation(
        resource="coaching-sessions",
        name="create",
        http_method="POST",
        path="/v1/coaching-sessions",
        summary="Record a coaching session",
        body_fields=(
            Param("rep_id", "string", required=True),
            Param("session_date", "string", required=True),
            Param("focus_skill", "string", required=True),
            Param("notes", "string"),
            Param("actions", "array", item_kind="object"),
        ),
        body_schema="CoachingSessionBody",
        body_required=True,
        accepts_json=True,
        result_schema="CoachingSession",
        success_status=201,
    ),
    Operation(
        resource="coaching-sessions",
        name="get",
        http_method="GET",
        path="/v1/coaching-sessions/{session_id}",
        summary="Read a coaching session",
        path_params=(
            Param("session_id", "string", required=True, description="The session's id."),
        ),
        header_params=(
            Param(
                "If-None-Match",
                "string",
                python_name="if_none_match",
                description="The ETag of the copy the client holds: 304 without a body if still current.",
            ),
        ),
        result_schema="CoachingSession",
    ),
    Operation(
        resource="coaching-sessions",
        name="update",
        http_method="PATCH",
        path="/v1/coaching-sessions/{session_id}",
        summary="Change a coaching session",
        path_params=(
            Param("session_id", "string", required=True, description="The session's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("session_date", "string"),
            Param("focus_skill", "string"),
            Param("notes", "string"),
            Param("version", "integer"),
        ),
        body_schema="CoachingSessionChange",
        body_required=True,
        accepts_json=True,
        result_schema="CoachingSession",
    ),
    Operation(
        resource="coaching-sessions",
        name="add_coaching_action",
        http_method="POST",
        path="/v1/coaching-sessions/{session_id}/actions",
        summary="Add an action item",
        path_params=(
            Param("session_id", "string", required=True, description="The session's id."),
        ),
        body_fields=(
            Param("description", "string", required=True),
            Param("owner", "string", required=True, choices=("rep", "manager")),
            Param("due_date", "string", required=True),
        ),
        body_schema="CoachingActionBody",
        body_required=True,
        accepts_json=True,
        result_schema="ActionAdded",
        success_status=201,
    ),
    Operation(
        resource="commission-plans",
        name="list",
        http_method="GET",
        path="/v1/commission-plans",
        summary="List commission plans",
        description="Plan versions of the caller's regions, newest first.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param(
                "role",
                "string",
                choices=("rep", "manager"),
                description="Only plans for this role.",
            ),
            Param(
                "status",
                "string",
                choices=("draft", "approved", "superseded"),
                description="Only plans in this status.",
            ),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="CommissionPlanList",
        items_key="plans",
    ),
    Operation(
        resource="commission-plans",
        name="create",
        http_method="POST",
        path="/v1/commission-plans",
        summary="Draft a commission plan",
        description="A draft for a role and region; `Location` points at it.",
        body_fields=(
            Param("name", "string", required=True),
            Param("role", "string", required=True, choices=("rep", "manager")),
            Param("region", "string", required=True),
            Param("currency", "string", required=True),
            Param("effective_from", "string", required=True),
            Param("effective_to", "string"),
            Param("rules", "object", required=True),
        ),
        body_schema="CreateCommissionPlanRequest",
        body_required=True,
        accepts_json=True,
        result_schema="CommissionPlan",
        success_status=201,
    ),
    Operation(
        resource="commission-plans",
        name="get",
        http_method="GET",
        path="/v1/commission-plans/{plan_id}",
        summary="Read a commission plan and its versions",
        description="One version and every version of the plan; outside the caller's regions it is 404.",
        path_params=(Param("plan_id", "string", required=True, description="The plan's id."),),
        result_schema="CommissionPlanDetail",
    ),
    Operation(
        resource="commission-plans",
        name="amend",
        http_method="POST",
        path="/v1/commission-plans/{plan_id}:amend",
        summary="Amend a commission plan",
        description="Draft the next version of an approved plan (returned).",
        path_params=(Param("plan_id", "string", required=True, description="The plan's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("name", "string"),
            Param("effective_from", "string"),
            Param("effective_to", "string"),
            Param("rules", "object"),
        ),
        body_schema="AmendCommissionPlanRequest",
        accepts_json=True,
        result_schema="CommissionPlan",
        success_status=201,
    ),
    Operation(
        resource="commission-plans",
        name="approve",
        http_method="POST",
        path="/v1/commission-plans/{plan_id}:approve",
        summary="Approve a commission plan",
        description="A director or admin of the region, not the author; the plan is locked from then on.",
        path_params=(Param("plan_id", "string", required=True, description="The plan's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_schema="NoFields",
        accepts_json=True,
        result_schema="CommissionPlan",
    ),
    Operation(
        resource="commission-statements",
        name="list",
        http_method="GET",
        path="/v1/commission-statements",
        summary="List commission statements",
        description="Statements in the caller's scope, newest first, without their lines.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("period", "string", description="Only this fiscal period, e.g. FY2027-Q2."),
            Param("rep_id", "string", description="Only this rep's statements."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="CommissionStatementList",
        items_key="statements",
    ),
    Operation(
        resource="commission-statements",
        name="get",
        http_method="GET",
        path="/v1/commission-statements/{statement_id}",
        summary="Read a commission statement",
        description="Every line, explained, and every version; outside the caller's scope it is 404.",
        path_params=(
            Param("statement_id", "string", required=True, description="The statement's id."),
        ),
        header_params=(
            Param(
                "If-None-Match",
                "string",
                python_name="if_none_match",
                description="The ETag of the copy the client holds: 304 without a body if still current.",
            ),
        ),
        result_schema="CommissionStatementDetail",
    ),
    Operation(
        resource="commission-statements",
        name="calculate",
        http_method="POST",
        path="/v1/commission-statements:calculate",
        summary="Calculate commission statements",
        description="Calculate or recalculate a region's (or one rep's) statements for a period.",
        body_fields=(
            Param("period_code", "string", required=True),
            Param("region", "string"),
            Param("rep_id", "string"),
        ),
        body_schema="CalculateStatementsRequest",
        body_required=True,
        accepts_json=True,
        result_schema="CalculationResult",
    ),
    Operation(
        resource="competitors",
        name="list",
        http_method="GET",
        path="/v1/competitors",
        summary="List competitors",
        description="Every competitor, newest first.",
        query_params=(
            Param("include_archived", "boolean", description="Archived ones too."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="CompetitorList",
        items_key="competitors",
    ),
    Operation(
        resource="competitors",
        name="create",
        http_method="POST",
        path="/v1/competitors",
        summary="Create a competitor",
        description="A manager, director or admin; a name already taken (once normalised) is 409.",
        body_fields=(
            Param("name", "string", required=True),
            Param("website", "string"),
            Param("products", "array", item_kind="string"),
            Param("strengths", "array", item_kind="string"),
            Param("weaknesses", "array", item_kind="string"),
            Param("notes", "string"),
        ),
        body_schema="CompetitorState",
        body_required=True,
        accepts_json=True,
        result_schema="Competitor",
        success_status=201,
    ),
    Operation(
        resource="competitors",
        name="get",
        http_method="GET",
        path="/v1/competitors/{competitor_id}",
        summary="Read a competitor",
        description="One competitor, archived or not.",
        path_params=(
            Param("competitor_id", "string", required=True, description="The competitor's id."),
        ),
        header_params=(
            Param(
                "If-None-Match",
                "string",
                python_name="if_none_match",
                description="The ETag of the copy the client holds: 304 without a body if still current.",
            ),
        ),
        result_schema="Competitor",
    ),
    Operation(
        resource="competitors",
        name="update",
        http_method="PUT",
        path="/v1/competitors/{competitor_id}",
        summary="Replace a competitor's profile",
        description="A stale `version` is 409; an archived competitor does not change (422).",
        path_params=(
            Param("competitor_id", "string", required=True, description="The competitor's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("name", "string", required=True),
            Param("website", "string"),
            Param("products", "array", item_kind="string"),
            Param("strengths", "array", item_kind="string"),
            Param("weaknesses", "array", item_kind="string"),
            Param("notes", "string"),
            Param(
                "version",
                "integer",
                required=True,
                description="The version read; a newer one is 409.",
            ),
        ),
        body_schema="CompetitorChange",
        body_required=True,
        accepts_json=True,
        result_schema="Competitor",
    ),
    Operation(
        resource="competitors",
        name="archive",
        http_method="POST",
        path="/v1/competitors/{competitor_id}:archive",
        summary="Archive a competitor",
        description="Kept for history; archiving twice changes nothing.",
        path_params=(
            Param("competitor_id", "string", required=True, description="The competitor's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_schema="NoFields",
        accepts_json=True,
        result_schema="Competitor",
    ),
    Operation(
        resource="contacts",
        name="get",
        http_method="GET",
        path="/v1/contacts/{contact_id}",
        summary="Read a contact",
        description="A contact outside the caller's scope is 404, exactly as if it did not exist.",
        path_params=(
            Param("contact_id", "string", required=True, description="The contact's id."),
        ),
        result_schema="CustomerContact",
    ),
    Operation(
        resource="contacts",
        name="update",
        http_method="PATCH",
        path="/v1/contacts/{contact_id}",
        summary="Change a contact",
        description="Change the fields present in the body; an erased contact cannot be changed (422).",
        path_params=(
            Param("contact_id", "string", required=True, description="The contact's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("name", "string"),
            Param("title", "string"),
            Param("email", "string"),
            Param("phone", "string"),
            Param(
                "buying_role",
                "string",
                choices=(
                    "decision_maker",
                    "influencer",
                    "user",
                    "champion",
                    "blocker",
                    "economic_buyer",
                    "other",
                ),
            ),
            Param("preferences", "object"),
        ),
        body_schema="UpdateContactRequest",
        body_required=True,
        accepts_json=True,
        result_schema="CustomerContact",
    ),
    Operation(
        resource="contacts",
        name="get_consent",
        http_method="GET",
        path="/v1/contacts/{contact_id}/consent",
        summary="Read a contact's consent",
        description="Where consent stands per channel, and the full history of statements.",
        path_params=(
            Param("contact_id", "string", required=True, description="The contact's id."),
        ),
        result_schema="ContactConsent",
    ),
    Operation(
        resource="contacts",
        name="record_consent",
        http_method="POST",
        path="/v1/contacts/{contact_id}/consent",
        summary="Record a consent statement",
        description="Append a statement (given with its lawful basis, or withdrawn) to the history.",
        path_params=(
            Param("contact_id", "string", required=True, description="The contact's id."),
        ),
        body_fields=(
            Param(
                "channel",
                "string",
                required=True,
                choices=("email", "phone", "sms", "post", "messaging"),
            ),
            Param("status", "string", choices=("given", "withdrawn")),
            Param(
                "lawful_basis",
                "string",
                choices=("consent", "contract", "legitimate_interest", "legal_obligation"),
                description="Required when the status is given.",
            ),
            Param(
                "effective_time",
                "string",
                description="When the person gave or withdrew it; now if omitted.",
            ),
            Param("source", "string"),
        ),
        body_schema="ConsentInput",
        body_required=True,
        accepts_json=True,
        result_schema="ContactConsent",
    ),
    Operation(
        resource="contacts",
        name="erase",
        http_method="POST",
        path="/v1/contacts/{contact_id}:erase",
        summary="Erase a contact's personal data",
        description="Irreversibly remove the person's data (the account's history and counts stay); a repeat changes nothing. Managers, directors and admins of the region; audited.",
        path_params=(
            Param("contact_id", "string", required=True, description="The contact's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_schema="NoFields",
        accepts_json=True,
        result_schema="ContactErasure",
    ),
    Operation(
        resource="contacts",
        name="export",
        http_method="POST",
        path="/v1/contacts/{contact_id}:export",
        summary="Export everything held about a contact",
        description="One JSON document: the contact, consent history, timeline entries about them, and the audit of exports and erasures. Managers, directors and admins of the region; audited.",
        path_params=(
            Param("contact_id", "string", required=True, description="The contact's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_schema="NoFields",
        accepts_json=True,
    ),
    Operation(
        resource="contracts",
        name="list",
        http_method="GET",
        path="/v1/contracts",
        summary="List contracts",
        description="Contracts in the caller's scope (a rep: those they own or are credited on).",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("customer_id", "string", description="Only this customer's contracts."),
            Param("opportunity_id", "string", description="Only this deal's contracts."),
            Param(
                "status",
                "string",
                choices=("active", "cancelled", "renewed"),
                description="Only contracts in this status.",
            ),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="ContractList",
        items_key="contracts",
    ),
    Operation(
        resource="contracts",
        name="get",
        http_method="GET",
        path="/v1/contracts/{contract_id}",
        summary="Read a contract",
        description="A contract outside the caller's scope is 404.",
        path_params=(
            Param("contract_id", "string", required=True, description="The contract's id."),
        ),
        result_schema="Contract",
    ),
    Operation(
        resource="contracts",
        name="cancel",
        http_method="POST",
        path="/v1/contracts/{contract_id}:cancel",
        summary="Cancel a contract",
        description="Cancel an active contract; emits `pipeline.contract.cancelled` with the credit splits.",
        path_params=(
            Param("contract_id", "string", required=True, description="The contract's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("reason", "string", required=True),),
        body_schema="CancelContractRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Contract",
    ),
    Operation(
        resource="contracts",
        name="renew",
        http_method="POST",
        path="/v1/contracts/{contract_id}:renew",
        summary="Renew a contract",
        description="Sign the follow-on contract (returned); the current one becomes renewed.",
        path_params=(
            Param("contract_id", "string", required=True, description="The contract's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("start_date", "string"),
            Param("term_months", "integer", description="0 keeps the current term."),
        ),
        body_schema="RenewContractRequest",
        accepts_json=True,
        result_schema="Contract",
        success_status=201,
    ),
    Operation(
        resource="courses",
        name="list",
        http_method="GET",
        path="/v1/courses",
        summary="List courses",
        description="Courses of every region and of the caller's regions, newest first.",
        query_params=(
            Param("category", "string", description="Only this category."),
            Param("skill", "string", description="Only courses teaching this skill."),
            Param("product_line", "string", description="Only courses of this product line."),
            Param("status", "string", description="active (default), retired or all."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="CourseList",
        items_key="courses",
    ),
    Operation(
        resource="courses",
        name="create",
        http_method="POST",
        path="/v1/courses",
        summary="Add a course",
        description="A new active course.",
        body_fields=(
            Param("code", "string", required=True),
            Param("title", "string", required=True),
            Param("description", "string"),
            Param("category", "string", required=True),
            Param("format", "string", required=True),
            Param("duration_minutes", "integer", required=True),
            Param("skills", "array", item_kind="string"),
            Param("product_lines", "array", item_kind="string"),
            Param("prerequisites", "array", item_kind="string"),
            Param("completes_on_assessment", "boolean"),
            Param("certifies_product_line", "string"),
            Param("certification_valid_months", "integer"),
            Param("region", "string"),
            Param("modules", "array", item_kind="object"),
        ),
        body_schema="NewCourse",
        body_required=True,
        accepts_json=True,
        result_schema="Course",
        success_status=201,
    ),
    Operation(
        resource="courses",
        name="get",
        http_method="GET",
        path="/v1/courses/{course_id}",
        summary="Read a course",
        description="The course and its modules.",
        path_params=(Param("course_id", "string", required=True, description="The course's id."),),
        header_params=(
            Param(
                "If-None-Match",
                "string",
                python_name="if_none_match",
                description="The ETag of the copy the client holds: 304 without a body if still current.",
            ),
        ),
        result_schema="Course",
    ),
    Operation(
        resource="courses",
        name="update",
        http_method="PUT",
        path="/v1/courses/{course_id}",
        summary="Replace a course",
        description="Every field and module replaced, at the version read.",
        path_params=(Param("course_id", "string", required=True, description="The course's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("code", "string", required=True),
            Param("title", "string", required=True),
            Param("description", "string"),
            Param("category", "string", required=True),
            Param("format", "string", required=True),
            Param("duration_minutes", "integer", required=True),
            Param("skills", "array", item_kind="string"),
            Param("product_lines", "array", item_kind="string"),
            Param("prerequisites", "array", item_kind="string"),
            Param("completes_on_assessment", "boolean"),
            Param("certifies_product_line", "string"),
            Param("certification_valid_months", "integer"),
            Param("region", "string"),
            Param("modules", "array", item_kind="object"),
            Param("version", "integer", required=True),
        ),
        body_schema="CourseUpdate",
        body_required=True,
        accepts_json=True,
        result_schema="Course",
    ),
    Operation(
        resource="courses",
        name="retire",
        http_method="POST",
        path="/v1/courses/{course_id}:retire",
        summary="Retire a course",
        description="The course stays readable and is no longer assigned.",
        path_params=(Param("course_id", "string", required=True, description="The course's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        result_schema="Course",
    ),
    Operation(
        resource="credits",
        name="list",
        http_method="GET",
        path="/v1/credits",
        summary="List sales credits",
        description="Credits the caller may see, newest first.",
        query_params=(
            Param("rep", "string", description="Only this rep's credits."),
            Param("contract", "string", description="Only this contract's credits."),
            Param("period", "string", description="Credited in FY2027, FY2027-Q1, ..."),
            Param(
                "kind", "string", choices=("direct", "overlay"), description="direct or overlay."
            ),
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="SalesCreditList",
        items_key="credits",
    ),
    Operation(
        resource="credits",
        name="summary",
        http_method="GET",
        path="/v1/credits:summary",
        summary="A rep's or a team's credits of a period",
        description="Exactly one of rep and team; outside the caller's scope the subject is 404.",
        query_params=(
            Param("period", "string", description="FY2027, FY2027-Q1 or FY2027-M03."),
            Param("rep", "string", description="A rep id (or give team)."),
            Param("team", "string", description="A team id (or give rep)."),
        ),
        result_schema="CreditSummary",
    ),
    Operation(
        resource="customer-health",
        name="list",
        http_method="GET",
        path="/v1/customer-health",
        summary="List accounts by health",
        description="The last stored assessment of each account in the caller's scope.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param(
                "band",
                "string",
                choices=("healthy", "watch", "at_risk"),
                description="Only accounts in this band, for example at_risk.",
            ),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="CustomerHealthList",
        items_key="health",
    ),
    Operation(
        resource="customers",
        name="list",
        http_method="GET",
        path="/v1/customers",
        summary="List customer accounts",
        description="Accounts in the caller's scope (a rep: their own), newest first.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("owner_id", "string", description="Only accounts owned by this rep."),
            Param(
                "status",
                "string",
                choices=("prospect", "active", "dormant", "churned", "merged"),
                description='Only accounts in this status ("merged" lists merged ones).',
            ),
            Param(
                "tier", "string", choices=("a", "b", "c"), description="Only accounts of this tier."
            ),
            Param("tag", "string", description="Only accounts with this tag."),
            Param("parent_id", "string", description="Only the accounts of this parent."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="CustomerList",
        items_key="customers",
    ),
    Operation(
        resource="customers",
        name="create",
        http_method="POST",
        path="/v1/customers",
        summary="Open a customer account",
        description="Open an account; 409 with `resources` lists likely duplicates. `Location` points at it.",
        body_fields=(
            Param("region", "string", required=True),
            Param("name", "string", required=True, description="The legal name."),
            Param("tax_id", "string"),
            Param("domain", "string", description="Any spelling of the web domain or site URL."),
            Param("industry", "string"),
            Param("company_size", "string", description="A size band or a head count."),
            Param("address", "object"),
            Param("country", "string"),
            Param("parent_id", "string"),
            Param("owner_id", "string", description="Defaults to the caller."),
            Param("potential", "object"),
            Param("tags", "array", item_kind="string"),
            Param(
                "status",
                "string",
                choices=("prospect", "active", "dormant", "churned"),
                description="Defaults to prospect.",
            ),
            Param(
                "confirm_not_duplicate",
                "boolean",
                description="Open the account although likely duplicates exist.",
            ),
        ),
        body_schema="CreateCustomerRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Customer",
        success_status=201,
    ),
    Operation(
        resource="customers",
        name="get",
        http_method="GET",
        path="/v1/customers/{customer_id}",
        summary="Read a customer account",
        description='The account with its contacts; outside the caller\'s scope it is 404. A merged account reads with status "merged" and `merged_into` naming the survivor.',
        path_params=(
            Param("customer_id", "string", required=True, description="The account's id."),
        ),
        header_params=(
            Param(
                "If-None-Match",
                "string",
                python_name="if_none_match",
                description="The ETag of the copy the client holds: 304 without a body if still current.",
            ),
        ),
        result_schema="Customer",
    ),
    Operation(
        resource="customers",
        name="update",
        http_method="PATCH",
        path="/v1/customers/{customer_id}",
        summary="Change a customer account",
        description="Change the fields present in the body (the owner, their manager or a director). The owner changes by transfer, tags at `/tags`, the tier by itself.",
        path_params=(
            Param("customer_id", "string", required=True, description="The account's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("name", "string"),
            Param("tax_id", "string"),
            Param("domain", "string"),
            Param("industry", "string"),
            Param("company_size", "string"),
            Param("address", "object"),
            Param("country", "string"),
            Param("status", "string", choices=("prospect", "active", "dormant", "churned")),
            Param("parent_id", "string", description="Empty to leave the group."),
            Param("potential", "object"),
            Param("version", "integer", description="The version read; 0 skips the check."),
            Param("confirm_not_duplicate", "boolean"),
        ),
        body_schema="UpdateCustomerRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Customer",
    ),
    Operation(
        resource="customers",
        name="list_contacts",
        http_method="GET",
        path="/v1/customers/{customer_id}/contacts",
        summary="List a customer's contacts",
        description="The customer's contacts, newest first; a customer outside the caller's scope is 404.",
        path_params=(
            Param("customer_id", "string", required=True, description="The customer's id."),
        ),
        query_params=(
            Param("include_erased", "boolean", description="Also list erased contacts."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="ContactList",
        items_key="contacts",
    ),
    Operation(
        resource="customers",
        name="add_contact",
        http_method="POST",
        path="/v1/customers/{customer_id}/contacts",
        summary="Add a contact",
        description="Add a person to the customer; 409 if a contact of the customer has the email.",
        path_params=(
            Param("customer_id", "string", required=True, description="The customer's id."),
        ),
        body_fields=(
            Param("name", "string", required=True),
            Param("title", "string"),
            Param("email", "string"),
            Param("phone", "string"),
            Param(
                "buying_role",
                "string",
                choices=(
                    "decision_maker",
                    "influencer",
                    "user",
                    "champion",
                    "blocker",
                    "economic_buyer",
                    "other",
                ),
            ),
            Param("preferences", "object"),
        ),
        body_schema="AddContactRequest",
        body_required=True,
        accepts_json=True,
        result_schema="CustomerContact",
        success_status=201,
    ),
    Operation(
        resource="customers",
        name="get_customer_health",
        http_method="GET",
        path="/v1/customers/{customer_id}/health",
        summary="Read an account's health score",
        description="The score as of now with every factor's points and reason; 404 outside the caller's scope.",
        path_params=(
            Param("customer_id", "string", required=True, description="The account's id."),
        ),
        result_schema="CustomerHealth",
    ),
    Operation(
        resource="customers",
        name="add_note",
        http_method="POST",
        path="/v1/customers/{customer_id}/notes",
        summary="Write a note on a customer",
        description="Add a note to the customer's timeline; it is the newest entry.",
        path_params=(
            Param("customer_id", "string", required=True, description="The customer's id."),
        ),
        body_fields=(
            Param("text", "string", required=True),
            Param(
                "contact_id", "string", description="A contact of the customer the note is about."
            ),
        ),
        body_schema="NoteInput",
        body_required=True,
        accepts_json=True,
        result_schema="TimelineEntry",
        success_status=201,
    ),
    Operation(
        resource="customers",
        name="ownership_history",
        http_method="GET",
        path="/v1/customers/{customer_id}/ownership-history",
        summary="A customer's owners over time",
        description="Every change of owner, newest first; the first entry is the owner at opening.",
        path_params=(
            Param("customer_id", "string", required=True, description="The account's id."),
        ),
        query_params=(
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="OwnershipHistory",
        items_key="changes",
    ),
    Operation(
        resource="customers",
        name="update_customer_tags",
        http_method="POST",
        path="/v1/customers/{customer_id}/tags",
        summary="Add and remove a customer's tags",
        description="Add the tags in `add`, remove those in `remove`; the account with its tags after.",
        path_params=(
            Param("customer_id", "string", required=True, description="The account's id."),
        ),
        body_fields=(
            Param("add", "array", item_kind="string"),
            Param("remove", "array", item_kind="string"),
        ),
        body_schema="TagsRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Customer",
    ),
    Operation(
        resource="customers",
        name="list_timeline",
        http_method="GET",
        path="/v1/customers/{customer_id}/timeline",
        summary="Read a customer's timeline",
        description="Everything that happened with the customer, newest first.",
        path_params=(
            Param("customer_id", "string", required=True, description="The customer's id."),
        ),
        query_params=(
            Param(
                "kind",
                "string",
                choices=("activity", "opportunity", "contract", "case", "note"),
                description="Only entries of this kind.",
            ),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="Timeline",
        items_key="entries",
    ),
    Operation(
        resource="customers",
        name="merge",
        http_method="POST",
        path="/v1/customers/{customer_id}:merge",
        summary="Merge another account into this one",
        description="Every record of `merged_id` (contacts, timeline, revenue, ...) moves to this account; the merged one stays as a pointer. Both must be in one region and yours to change.",
        path_params=(
            Param("customer_id", "string", required=True, description="The account's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("merged_id", "string", required=True),),
        body_schema="MergeRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Merged",
    ),
    Operation(
        resource="customers",
        name="transfer",
        http_method="POST",
        path="/v1/customers/{customer_id}:transfer",
        summary="Transfer a customer account",
        description="Give the account to another rep of its region at once: a manager for their team's accounts, a director for any in their regions. Pending requests for it are cancelled.",
        path_params=(
            Param("customer_id", "string", required=True, description="The account's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("to_owner_id", "string", required=True),
            Param("reason", "string"),
        ),
        body_schema="TransferRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Customer",
    ),
    Operation(
        resource="discount-authority",
        name="get",
        http_method="GET",
        path="/v1/discount-authority",
        summary="Discount authority by role",
        description="The discount each role may grant without approval.",
        result_schema="DiscountAuthorities",
    ),
    Operation(
        resource="discount-authority",
        name="update",
        http_method="PUT",
        path="/v1/discount-authority/{role}",
        summary="Set a role's discount authority",
        description="Admins of every region only; applies to quotes submitted or decided from now on.",
        path_params=(
            Param("role", "string", required=True, description="rep, manager, director, admin"),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("max_discount_bp", "integer", description="10000 = 100%."),
            Param("unlimited", "boolean"),
        ),
        body_schema="SetDiscountAuthorityRequest",
        body_required=True,
        accepts_json=True,
        result_schema="DiscountAuthority",
    ),
    Operation(
        resource="disputes",
        name="list",
        http_method="GET",
        path="/v1/disputes",
        summary="List disputes",
        description="Disputes in the caller's scope, newest first.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param(
                "status",
                "string",
                choices=("open", "accepted", "rejected"),
                description="Only disputes in this status.",
            ),
            Param("rep_id", "string", description="Only this rep's disputes."),
            Param("statement_id", "string", description="Only this statement's disputes."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="DisputeList",
        items_key="disputes",
    ),
    Operation(
        resource="disputes",
        name="create",
        http_method="POST",
        path="/v1/disputes",
        summary="Dispute a statement line",
        description="Only the statement's rep disputes its lines.",
        body_fields=(
            Param("line_id", "string", required=True),
            Param("reason", "string", required=True),
        ),
        body_schema="RaiseDisputeRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Dispute",
        success_status=201,
    ),
    Operation(
        resource="disputes",
        name="resolve",
        http_method="POST",
        path="/v1/disputes/{dispute_id}:resolve",
        summary="Resolve a dispute",
        description="The rep's manager or a director of the region accepts or rejects it with a comment.",
        path_params=(
            Param("dispute_id", "string", required=True, description="The dispute's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("outcome", "string", required=True, choices=("accepted", "rejected")),
            Param("comment", "string", required=True),
            Param("adjustment", "object"),
        ),
        body_schema="ResolveDisputeRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Dispute",
    ),
    Operation(
        resource="enrollments",
        name="list",
        http_method="GET",
        path="/v1/enrollments",
        summary="List enrollments",
        query_params=(
            Param("rep_id", "string", description="Only this rep's."),
            Param("team_id", "string", description="Only this team's."),
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("course_id", "string", description="Only this course's."),
            Param("status", "string", description="A status, or open."),
            Param("overdue", "boolean", description="Only open enrollments past their due date."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="EnrollmentList",
        items_key="enrollments",
    ),
    Operation(
        resource="enrollments",
        name="create",
        http_method="POST",
        path="/v1/enrollments",
        summary="Assign a course or a learning path to a rep",
        body_fields=(
            Param("rep_id", "string", required=True),
            Param("course_id", "string"),
            Param("path_id", "string"),
            Param("due_on", "string", description="ISO 8601 date; empty: none."),
            Param("reason", "string"),
        ),
        body_schema="NewAssignment",
        body_required=True,
        accepts_json=True,
        result_schema="AssignmentOutput",
        success_status=201,
    ),
    Operation(
        resource="enrollments",
        name="get",
        http_method="GET",
        path="/v1/enrollments/{enrollment_id}",
        summary="Read an enrollment",
        path_params=(
            Param("enrollment_id", "string", required=True, description="The enrollment's id."),
        ),
        header_params=(
            Param(
                "If-None-Match",
                "string",
                python_name="if_none_match",
                description="The ETag of the copy the client holds: 304 without a body if still current.",
            ),
        ),
        result_schema="Enrollment",
    ),
    Operation(
        resource="enrollments",
        name="complete",
        http_method="POST",
        path="/v1/enrollments/{enrollment_id}:complete",
        summary="Mark an enrollment completed",
        path_params=(
            Param("enrollment_id", "string", required=True, description="The enrollment's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        result_schema="Completion",
    ),
    Operation(
        resource="enrollments",
        name="progress",
        http_method="POST",
        path="/v1/enrollments/{enrollment_id}:progress",
        summary="Record progress",
        path_params=(
            Param("enrollment_id", "string", required=True, description="The enrollment's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("progress_pct", "integer", required=True),),
        body_schema="Progress",
        body_required=True,
        accepts_json=True,
        result_schema="Enrollment",
    ),
    Operation(
        resource="enrollments",
        name="start",
        http_method="POST",
        path="/v1/enrollments/{enrollment_id}:start",
        summary="Start an enrollment",
        path_params=(
            Param("enrollment_id", "string", required=True, description="The enrollment's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        result_schema="Enrollment",
    ),
    Operation(
        resource="enrollments",
        name="waive",
        http_method="POST",
        path="/v1/enrollments/{enrollment_id}:waive",
        summary="Waive an enrollment",
        path_params=(
            Param("enrollment_id", "string", required=True, description="The enrollment's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("reason", "string", required=True),),
        body_schema="Waiver",
        body_required=True,
        accepts_json=True,
        result_schema="Enrollment",
    ),
    Operation(
        resource="enrollments",
        name="self_enroll",
        http_method="POST",
        path="/v1/enrollments:self-enroll",
        summary="Enroll yourself in a course",
        body_fields=(
            Param("course_id", "string", required=True),
            Param("due_on", "string"),
        ),
        body_schema="NewSelfEnrollment",
        body_required=True,
        accepts_json=True,
        result_schema="SelfEnrollment",
        success_status=201,
    ),
    Operation(
        resource="evaluations",
        name="list",
        http_method="GET",
        path="/v1/evaluations",
        summary="List evaluations",
        description="The evaluations the caller may see (a rep: their own, once shared), newest first.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("rep_id", "string", description="Only this rep's."),
            Param("team_id", "string", description="Only this team's."),
            Param("period", "string", description="Only this period's."),
            Param(
                "status",
                "string",
                choices=("draft", "shared", "acknowledged", "appealed", "resolved"),
                description="Only this status.",
            ),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="EvaluationList",
        items_key="evaluations",
    ),
    Operation(
        resource="evaluations",
        name="create",
        http_method="POST",
        path="/v1/evaluations",
        summary="Write a draft evaluation",
        description="By a manager above the rep; one per rep and period (409 for a second).",
        body_fields=(
            Param("rep_id", "string", required=True),
            Param("period_code", "string", required=True),
            Param("rating", "integer", required=True),
            Param("comments", "string"),
        ),
        body_schema="NewEvaluation",
        body_required=True,
        accepts_json=True,
        result_schema="Evaluation",
        success_status=201,
    ),
    Operation(
        resource="evaluations",
        name="get",
        http_method="GET",
        path="/v1/evaluations/{evaluation_id}",
        summary="Read an evaluation",
        path_params=(
            Param("evaluation_id", "string", required=True, description="The evaluation's id."),
        ),
        header_params=(
            Param(
                "If-None-Match",
                "string",
                python_name="if_none_match",
                description="The ETag of the copy the client holds: 304 without a body if still current.",
            ),
        ),
        result_schema="Evaluation",
    ),
    Operation(
        resource="evaluations",
        name="update",
        http_method="PATCH",
        path="/v1/evaluations/{evaluation_id}",
        summary="Change a draft evaluation",
        description="Only while a draft; refreshes the score snapshot.",
        path_params=(
            Param("evaluation_id", "string", required=True, description="The evaluation's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("rating", "integer"),
            Param("comments", "string"),
            Param("version", "integer", description="0 skips the check; a stale one is 409."),
        ),
        body_schema="EvaluationChange",
        body_required=True,
        accepts_json=True,
        result_schema="Evaluation",
    ),
    Operation(
        resource="evaluations",
        name="acknowledge",
        http_method="POST",
        path="/v1/evaluations/{evaluation_id}:acknowledge",
        summary="Acknowledge an evaluation (the rep)",
        path_params=(
            Param("evaluation_id", "string", required=True, description="The evaluation's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_schema="NoFields",
        accepts_json=True,
        result_schema="Evaluation",
    ),
    Operation(
        resource="evaluations",
        name="appeal",
        http_method="POST",
        path="/v1/evaluations/{evaluation_id}:appeal",
        summary="Appeal an evaluation (the rep)",
        description="A shared or acknowledged evaluation, with a reason.",
        path_params=(
            Param("evaluation_id", "string", required=True, description="The evaluation's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("reason", "string", required=True),),
        body_schema="Appeal",
        body_required=True,
        accepts_json=True,
        result_schema="Evaluation",
    ),
    Operation(
        resource="evaluations",
        name="resolve",
        http_method="POST",
        path="/v1/evaluations/{evaluation_id}:resolve",
        summary="Resolve an appeal (a director)",
        path_params=(
            Param("evaluation_id", "string", required=True, description="The evaluation's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("outcome", "string", required=True, choices=("upheld", "changed")),
            Param("new_rating", "integer", description="Only when changed."),
            Param("comment", "string", required=True),
        ),
        body_schema="Resolution",
        body_required=True,
        accepts_json=True,
        result_schema="Evaluation",
    ),
    Operation(
        resource="evaluations",
        name="share",
        http_method="POST",
        path="/v1/evaluations/{evaluation_id}:share",
        summary="Share an evaluation with the rep",
        path_params=(
            Param("evaluation_id", "string", required=True, description="The evaluation's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_schema="NoFields",
        accepts_json=True,
        result_schema="Evaluation",
    ),
    Operation(
        resource="evaluations",
        name="calibrate",
        http_method="POST",
        path="/v1/evaluations:calibrate",
        summary="Calibrate a team's ratings",
        description="A director of the region; draft and shared evaluations only, each change with a reason.",
        body_fields=(
            Param("team_id", "string", required=True),
            Param("period_code", "string", required=True),
            Param("adjustments", "array", item_kind="object"),
        ),
        body_schema="Calibration",
        body_required=True,
        accepts_json=True,
        result_schema="Calibrated",
    ),
    Operation(
        resource="facts",
        name="list",
        http_method="GET",
        path="/v1/facts",
        summary="List performance facts",
        description="Facts the caller may see, newest first.",
        query_params=(
            Param("rep", "string", description="Only this rep's facts."),
            Param("kind", "string", description="contract_signed, activity, ..."),
            Param("period", "string", description="Happened in FY2027, FY2027-Q1, ..."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="PerformanceFactList",
        items_key="facts",
    ),
    Operation(
        resource="forecasts",
        name="list",
        http_method="GET",
        path="/v1/forecasts",
        summary="List forecasts",
        description="Forecasts the caller may see (a rep: their own), newest first.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("period", "string", description="Only this period, e.g. FY2027-Q1."),
            Param("rep_id", "string", description="Only this rep's forecasts."),
            Param("org_unit_id", "string", description="Only reps of this unit and below."),
            Param(
                "status",
                "string",
                choices=("submitted", "adjusted"),
                description="Only forecasts in this status.",
            ),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="ForecastList",
        items_key="forecasts",
    ),
    Operation(
        resource="forecasts",
        name="create",
        http_method="POST",
        path="/v1/forecasts",
        summary="Submit a forecast",
        description="Submit (or resubmit, as a new version) a forecast; `Location` points at it.",
        body_fields=(
            Param("period_code", "string", required=True),
            Param("rep_id", "string", description="Empty: the caller; a manager names a rep."),
            Param("commit", "object", required=True),
            Param("best_case", "object", required=True),
            Param("pipeline", "object", required=True),
            Param("notes", "string"),
        ),
        body_schema="SubmitForecastRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Forecast",
        success_status=201,
    ),
    Operation(
        resource="forecasts",
        name="get",
        http_method="GET",
        path="/v1/forecasts/{forecast_id}",
        summary="Read a forecast",
        description="One forecast with its adjustments; another region's (or rep's) is 404.",
        path_params=(
            Param("forecast_id", "string", required=True, description="The forecast's id."),
        ),
        header_params=(
            Param(
                "If-None-Match",
                "string",
                python_name="if_none_match",
                description="The ETag of the copy the client holds: 304 without a body if still current.",
            ),
        ),
        result_schema="Forecast",
    ),
    Operation(
        resource="forecasts",
        name="list_forecast_versions",
        http_method="GET",
        path="/v1/forecasts/{forecast_id}/versions",
        summary="List a forecast's versions",
        description="Every version the rep submitted, newest first.",
        path_params=(
            Param("forecast_id", "string", required=True, description="The forecast's id."),
        ),
        query_params=(
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="ForecastVersionList",
        items_key="versions",
    ),
    Operation(
        resource="forecasts",
        name="adjust",
        http_method="POST",
        path="/v1/forecasts/{forecast_id}:adjust",
        summary="Adjust a forecast",
        description="The rep's manager (or one above) or a director of the region; the reason is required.",
        path_params=(
            Param("forecast_id", "string", required=True, description="The forecast's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("commit", "object", required=True),
            Param("best_case", "object", required=True),
            Param("pipeline", "object", required=True),
            Param("reason", "string", required=True),
        ),
        body_schema="AdjustForecastRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Forecast",
    ),
    Operation(
        resource="forecasts",
        name="roll_up",
        http_method="GET",
        path="/v1/forecasts:roll-up",
        summary="Roll forecasts up an org unit",
        description="Submitted and adjusted forecasts, weighted pipeline, target and closed-won revenue.",
        query_params=(
            Param("org_unit", "string", required=True, description="The org unit's id."),
            Param(
                "period", "string", required=True, description="A fiscal period, e.g. FY2027-Q1."
            ),
        ),
        result_schema="ForecastRollUp",
    ),
    Operation(
        resource="fx-rates",
        name="list",
        http_method="GET",
        path="/v1/fx-rates",
        summary="List FX rates",
        description="Every rate, or those of a period or a currency.",
        query_params=(
            Param("period", "string", description="Only this period."),
            Param("currency", "string", description="Only rates from or to this currency."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="FxRateList",
        items_key="fx_rates",
    ),
    Operation(
        resource="fx-rates",
        name="set_fx_rate",
        http_method="PUT",
        path="/v1/fx-rates/{period}/{from_currency}/{to_currency}",
        summary="Set an FX rate (admins)",
        description="Set or replace the rate of a currency pair for a period.",
        path_params=(
            Param(
                "period", "string", required=True, description="FY2027, FY2027-Q1 or FY2027-M03."
            ),
            Param("from_currency", "string", required=True, description="ISO 4217, e.g. USD."),
            Param("to_currency", "string", required=True, description="ISO 4217, e.g. USD."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("rate", "string", required=True),),
        body_schema="SetFxRateRequest",
        body_required=True,
        accepts_json=True,
        result_schema="FxRate",
    ),
    Operation(
        resource="improvement-actions",
        name="list",
        http_method="GET",
        path="/v1/improvement-actions",
        summary="List improvement actions",
        description="Actions in the caller's regions (a rep: their team's and their own), newest first.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("org_unit_id", "string", description="Only this unit's actions."),
            Param("owner_id", "string", description="Only the actions this rep owns."),
            Param(
                "status",
                "string",
                choices=("open", "in_progress", "done", "dropped"),
                description="Only this status.",
            ),
            Param("overdue_only", "boolean", description="Only overdue actions."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="ImprovementActionList",
        items_key="actions",
    ),
    Operation(
        resource="improvement-actions",
        name="update",
        http_method="PATCH",
        path="/v1/improvement-actions/{action_id}",
        summary="Change an improvement action",
        description="A status change that the state machine refuses is 422 naming the rule.",
        path_params=(Param("action_id", "string", required=True, description="The action's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("status", "string", choices=("open", "in_progress", "done", "dropped")),
            Param("drop_reason", "string", description="Required when the status becomes dropped."),
            Param("title", "string"),
            Param("owner_id", "string"),
            Param("due_date", "string"),
            Param("version", "integer", description="0 skips the check; a stale one is 409."),
        ),
        body_schema="ActionChange",
        body_required=True,
        accepts_json=True,
        result_schema="ImprovementAction",
    ),
    Operation(
        resource="inspection-reports",
        name="get",
        http_method="GET",
        path="/v1/inspection-reports",
        summary="A region's inspection report for a period",
        description="Counts by rule, rep and team (only the violations the caller sees), and the runs.",
        query_params=(
            Param("region", "string", required=True, description="The region, for example EMEA."),
            Param(
                "period",
                "string",
                required=True,
                description="The fiscal period, for example FY2027-M03.",
            ),
        ),
        result_schema="InspectionReport",
    ),
    Operation(
        resource="inspection-rules",
        name="get",
        http_method="GET",
        path="/v1/inspection-rules",
        summary="A region's inspection rules",
        description="Every rule as runs apply it: the region's settings or the defaults.",
        query_params=(
            Param("region", "string", required=True, description="The region, for example EMEA."),
        ),
        result_schema="InspectionRuleList",
    ),
    Operation(
        resource="inspection-rules",
        name="update",
        http_method="PUT",
        path="/v1/inspection-rules/{rule}",
        summary="Set one of a region's inspection rules",
        description="A director or admin of the region.",
        path_params=(
            Param(
                "rule",
                "string",
                required=True,
                choices=(
                    "stale_opportunity",
                    "lead_sla_breach",
                    "discount_above_authority",
                    "won_without_contract",
                ),
            ),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("region", "string", required=True),
            Param("enabled", "boolean"),
            Param("severity", "string", choices=("low", "medium", "high")),
            Param("stale_days", "integer", description="stale_opportunity only, 1-365."),
            Param(
                "authorities",
                "array",
                item_kind="object",
                description="discount_above_authority only.",
            ),
        ),
        body_schema="RuleChange",
        body_required=True,
        accepts_json=True,
        result_schema="InspectionRule",
    ),
    Operation(
        resource="inspections",
        name="list",
        http_method="GET",
        path="/v1/inspections",
        summary="List inspection runs",
        description="Runs of the caller's regions, newest first (a rep sees none).",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("period", "string", description="Only runs of this fiscal period."),
            Param("trigger", "string", choices=("on_demand", "scheduled")),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="InspectionList",
        items_key="inspections",
    ),
    Operation(
        resource="inspections",
        name="get",
        http_method="GET",
        path="/v1/inspections/{inspection_id}",
        summary="Read an inspection run",
        description="The run and the violations it recorded first.",
        path_params=(Param("inspection_id", "string", required=True, description="The run's id."),),
        result_schema="InspectionRun",
    ),
    Operation(
        resource="inspections",
        name="run",
        http_method="POST",
        path="/v1/inspections:run",
        summary="Run an inspection now",
        description="A director or admin of the region; new findings become violations.",
        body_fields=(
            Param("region", "string", required=True),
            Param("period_code", "string", required=True),
            Param(
                "rules",
                "array",
                item_kind="string",
                description="Empty: every enabled rule of the region.",
            ),
        ),
        body_schema="RunRequest",
        body_required=True,
        accepts_json=True,
        result_schema="InspectionRun",
        success_status=201,
    ),
    Operation(
        resource="intel",
        name="list",
        http_method="GET",
        path="/v1/intel",
        summary="Search competitive intelligence",
        description="Entries in the caller's regions, most recently observed first.",
        query_params=(
            Param("q", "string", description="Text in the title or details."),
            Param("competitor_id", "string", description="Only about this competitor."),
            Param("territory_id", "string", description="Only in this territory."),
            Param(
                "kind",
                "string",
                choices=(
                    "price_change",
                    "new_product",
                    "deal_lost",
                    "deal_won",
                    "promotion",
                    "partnership",
                    "personnel",
                    "other",
                ),
                description="Only this kind.",
            ),
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("observed_from", "string", description="Observed on or after."),
            Param("observed_to", "string", description="Observed on or before."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="IntelList",
        items_key="entries",
    ),
    Operation(
        resource="intel",
        name="create",
        http_method="POST",
        path="/v1/intel",
        summary="Record competitive intelligence",
        description="About an active competitor, in one of the caller's regions; `Location` points at it.",
        body_fields=(
            Param("competitor_id", "string", required=True),
            Param("territory_id", "string"),
            Param("region", "string", description="Required without a territory."),
            Param(
                "kind",
                "string",
                required=True,
                choices=(
                    "price_change",
                    "new_product",
                    "deal_lost",
                    "deal_won",
                    "promotion",
                    "partnership",
                    "personnel",
                    "other",
                ),
            ),
            Param("title", "string", required=True),
            Param("details", "string"),
            Param("source", "string"),
            Param("observed_on", "string", required=True, description="Not in the future."),
        ),
        body_schema="NewIntel",
        body_required=True,
        accepts_json=True,
        result_schema="IntelEntry",
        success_status=201,
    ),
    Operation(
        resource="intel",
        name="get",
        http_method="GET",
        path="/v1/intel/{intel_id}",
        summary="Read an intelligence entry",
        description="Outside the caller's regions it is 404.",
        path_params=(Param("intel_id", "string", required=True, description="The entry's id."),),
        result_schema="IntelEntry",
    ),
    Operation(
        resource="kpis",
        name="list",
        http_method="GET",
        path="/v1/kpis",
        summary="List KPI sets",
        description="The all-regions sets and those of the caller's regions, newest first.",
        query_params=(
            Param("role", "string", description="rep or manager."),
            Param("region", "string", description="Only this region's sets."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="KpiSetList",
        items_key="kpi_sets",
    ),
    Operation(
        resource="kpis",
        name="create",
        http_method="POST",
        path="/v1/kpis",
        summary="Define a KPI set",
        description="A new set (or the next version for the same role, region and period).",
        body_fields=(
            Param("role", "string", required=True),
            Param("region", "string", description="Empty: every region (admins only)."),
            Param("effective_from", "string", required=True),
            Param("description", "string"),
            Param("kpis", "array", required=True, item_kind="object"),
        ),
        body_schema="NewKpiSet",
        body_required=True,
        accepts_json=True,
        result_schema="KpiSet",
        success_status=201,
    ),
    Operation(
        resource="kpis",
        name="get",
        http_method="GET",
        path="/v1/kpis/{kpi_set_id}",
        summary="Read a KPI set",
        description="The set and its KPIs.",
        path_params=(Param("kpi_set_id", "string", required=True, description="The set's id."),),
        result_schema="KpiSet",
    ),
    Operation(
        resource="kpis",
        name="effective",
        http_method="GET",
        path="/v1/kpis:effective",
        summary="The KPI set in effect",
        description="The set that scores `role` in `region` for `period`.",
        query_params=(
            Param("role", "string", required=True, description="rep or manager."),
            Param("period", "string", required=True, description="A fiscal period code."),
            Param("region", "string", description="The region (its own set, else the default)."),
        ),
        result_schema="KpiSet",
    ),
    Operation(
        resource="lead-routing",
        name="update",
        http_method="PUT",
        path="/v1/lead-routing/{territory_id}",
        summary="Set how a territory routes leads",
        description="Directors and admins of the territory's region.",
        path_params=(
            Param(
                "territory_id",
                "string",
                required=True,
                description="The territory's id, as planning names it.",
            ),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param(
                "strategy", "string", required=True, choices=("most_spare_capacity", "round_robin")
            ),
        ),
        body_schema="SetLeadRoutingRequest",
        body_required=True,
        accepts_json=True,
        result_schema="TerritoryLeadRouting",
    ),
    Operation(
        resource="lead-sla-policies",
        name="list",
        http_method="GET",
        path="/v1/lead-sla-policies",
        summary="List first-contact SLA policies",
        description="The policies of the caller's regions, and the default.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="LeadSlaPolicyList",
        items_key="policies",
    ),
    Operation(
        resource="lead-sla-policies",
        name="update",
        http_method="PUT",
        path="/v1/lead-sla-policies/{region}",
        summary="Set a region's first-contact SLA",
        description="Admins only. Applies to leads captured from now on; due times already set stay.",
        path_params=(
            Param(
                "region", "string", required=True, description="The region code, for example EMEA."
            ),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("hours", "integer", required=True),),
        body_schema="SetLeadSlaPolicyRequest",
        body_required=True,
        accepts_json=True,
        result_schema="LeadSlaPolicy",
    ),
    Operation(
        resource="leaderboards",
        name="get",
        http_method="GET",
        path="/v1/leaderboards",
        summary="Rank a team's or a region's reps",
        description="Best first.",
        query_params=(
            Param("period", "string", required=True, description="A fiscal period code."),
            Param("team_id", "string", description="Exactly one of team_id and region."),
            Param("region", "string", description="Exactly one of team_id and region."),
            Param("kpi", "string", description="A KPI code, or total."),
        ),
        result_schema="Leaderboard",
    ),
    Operation(
        resource="leads",
        name="list",
        http_method="GET",
        path="/v1/leads",
        summary="List leads",
        description="Leads in the caller's scope, newest first. The unassigned queue is for managers, directors and admins: a rep's list holds only their own leads.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param(
                "status",
                "string",
                choices=("new", "qualified", "disqualified", "converted"),
                description="Only leads in this status.",
            ),
            Param(
                "unassigned",
                "boolean",
                description="Only the unassigned queue: open leads waiting for an owner.",
            ),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="LeadList",
        items_key="leads",
    ),
    Operation(
        resource="leads",
        name="create",
        http_method="POST",
        path="/v1/leads",
        summary="Capture a lead",
        description="Create a lead in `region` (one of the caller's); `Location` points at it.",
        body_fields=(
            Param("region", "string", required=True),
            Param("company_name", "string", required=True),
            Param("contact_name", "string"),
            Param("contact_email", "string"),
            Param("contact_phone", "string"),
            Param("contact_title", "string"),
            Param("country", "string", description="ISO 3166-1 alpha-2 country code."),
            Param("industry", "string"),
            Param("source", "string"),
            Param("campaign", "string"),
            Param(
                "company_size", "string", description='"1-49", "50-249", "250+", or a head count.'
            ),
            Param(
                "owner_id",
                "string",
                description="The rep who owns the lead. Empty routes it by the territories' rules (a rep's own capture is theirs).",
            ),
            Param(
                "allow_duplicate",
                "boolean",
                description="Capture it even if it looks like an open lead (409 otherwise).",
            ),
        ),
        body_schema="CreateLeadRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Lead",
        success_status=201,
    ),
    Operation(
        resource="leads",
        name="get",
        http_method="GET",
        path="/v1/leads/{lead_id}",
        summary="Read a lead",
        description="A lead outside the caller's scope is 404, exactly as if it did not exist.",
        path_params=(Param("lead_id", "string", required=True, description="The lead's id."),),
        result_schema="Lead",
    ),
    Operation(
        resource="leads",
        name="assign",
        http_method="POST",
        path="/v1/leads/{lead_id}:assign",
        summary="Assign a lead to a rep",
        description='Give an open lead to a rep (managers, directors and admins), typically from the unassigned queue; the reason recorded is "assigned by <you>" and the note.',
        path_params=(Param("lead_id", "string", required=True, description="The lead's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("owner_id", "string", required=True),
            Param("note", "string"),
        ),
        body_schema="AssignLeadRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Lead",
    ),
    Operation(
        resource="leads",
        name="convert",
        http_method="POST",
        path="/v1/leads/{lead_id}:convert",
        summary="Convert a lead",
        description="Convert a qualified lead; the customers service then opens the account.",
        path_params=(Param("lead_id", "string", required=True, description="The lead's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_schema="NoFields",
        accepts_json=True,
        result_schema="Lead",
    ),
    Operation(
        resource="leads",
        name="disqualify",
        http_method="POST",
        path="/v1/leads/{lead_id}:disqualify",
        summary="Disqualify a lead",
        description="Close a new or qualified lead as not worth pursuing; a reason is required.",
        path_params=(Param("lead_id", "string", required=True, description="The lead's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("reason", "string", required=True),),
        body_schema="DisqualifyLeadRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Lead",
    ),
    Operation(
        resource="leads",
        name="mark_contacted",
        http_method="POST",
        path="/v1/leads/{lead_id}:mark-contacted",
        summary="Record the first contact with a lead",
        description="Stop the lead's first-contact SLA clock. The first contact stays the first.",
        path_params=(Param("lead_id", "string", required=True, description="The lead's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("contact_time", "string"),),
        body_schema="MarkContactedRequest",
        accepts_json=True,
        result_schema="Lead",
    ),
    Operation(
        resource="leads",
        name="qualify",
        http_method="POST",
        path="/v1/leads/{lead_id}:qualify",
        summary="Qualify a lead",
        description="Mark a new lead as worth a sales conversation.",
        path_params=(Param("lead_id", "string", required=True, description="The lead's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_schema="NoFields",
        accepts_json=True,
        result_schema="Lead",
    ),
    Operation(
        resource="leads",
        name="import_",
        http_method="POST",
        path="/v1/leads:import",
        summary="Import leads from a CSV file",
        description="Capture every row of a CSV file as a lead: each row's result comes back with its row number (created, duplicate of an open lead, or invalid naming the fields). A bad row never stops the others; a file that is not UTF-8 CSV with a header is refused whole.",
        query_params=(
            Param(
                "region",
                "string",
                description="The region of rows whose region cell is empty or missing.",
            ),
            Param(
                "allow_duplicates",
                "boolean",
                description="Import rows that look like open leads too.",
            ),
        ),
        accepts_csv=True,
        result_schema="LeadImport",
    ),
    Operation(
        resource="learning-paths",
        name="list",
        http_method="GET",
        path="/v1/learning-paths",
        summary="List learning paths",
        query_params=(
            Param("role", "string", description="Only paths for this role."),
            Param("region", "string", description="This region's paths and every region's."),
            Param("purpose", "string", description="Only paths of this purpose."),
            Param("status", "string", description="active (default), retired or all."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="LearningPathList",
        items_key="paths",
    ),
    Operation(
        resource="learning-paths",
        name="create",
        http_method="POST",
        path="/v1/learning-paths",
        summary="Add a learning path",
        body_fields=(
            Param("code", "string", required=True),
            Param("name", "string", required=True),
            Param("description", "string"),
            Param("role", "string", required=True),
            Param("region", "string"),
            Param("purpose", "string", required=True),
            Param("items", "array", item_kind="object"),
        ),
        body_schema="NewLearningPath",
        body_required=True,
        accepts_json=True,
        result_schema="LearningPath",
        success_status=201,
    ),
    Operation(
        resource="learning-paths",
        name="get",
        http_method="GET",
        path="/v1/learning-paths/{path_id}",
        summary="Read a learning path",
        path_params=(Param("path_id", "string", required=True, description="The path's id."),),
        header_params=(
            Param(
                "If-None-Match",
                "string",
                python_name="if_none_match",
                description="The ETag of the copy the client holds: 304 without a body if still current.",
            ),
        ),
        result_schema="LearningPath",
    ),
    Operation(
        resource="learning-paths",
        name="update",
        http_method="PUT",
        path="/v1/learning-paths/{path_id}",
        summary="Replace a learning path",
        path_params=(Param("path_id", "string", required=True, description="The path's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("code", "string", required=True),
            Param("name", "string", required=True),
            Param("description", "string"),
            Param("role", "string", required=True),
            Param("region", "string"),
            Param("purpose", "string", required=True),
            Param("items", "array", item_kind="object"),
            Param("version", "integer", required=True),
        ),
        body_schema="LearningPathUpdate",
        body_required=True,
        accepts_json=True,
        result_schema="LearningPath",
    ),
    Operation(
        resource="learning-paths",
        name="retire",
        http_method="POST",
        path="/v1/learning-paths/{path_id}:retire",
        summary="Retire a learning path",
        path_params=(Param("path_id", "string", required=True, description="The path's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        result_schema="LearningPath",
    ),
    Operation(
        resource="market-segments",
        name="list",
        http_method="GET",
        path="/v1/market-segments",
        summary="List market segments",
        description="Segments in the caller's regions, newest first.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("territory_id", "string", description="Only this territory's segments."),
            Param("period", "string", description="Only segments of this period, e.g. FY2027."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="MarketSegmentList",
        items_key="segments",
    ),
    Operation(
        resource="market-segments",
        name="create",
        http_method="POST",
        path="/v1/market-segments",
        summary="Create a market segment",
        description="A manager, director or admin of the territory's region; `Location` points at it.",
        body_fields=(
            Param("name", "string", required=True),
            Param("size", "object", required=True),
            Param("potential", "object", required=True),
            Param("product_line", "string"),
            Param("industry", "string"),
            Param("source", "string"),
            Param("notes", "string"),
            Param("territory_id", "string", required=True),
            Param(
                "period_code", "string", required=True, description="FY2027, FY2027-Q1, FY2027-M03."
            ),
        ),
        body_schema="NewSegment",
        body_required=True,
        accepts_json=True,
        result_schema="MarketSegment",
        success_status=201,
    ),
    Operation(
        resource="market-segments",
        name="get",
        http_method="GET",
        path="/v1/market-segments/{segment_id}",
        summary="Read a market segment",
        description="Outside the caller's regions it is 404.",
        path_params=(
            Param("segment_id", "string", required=True, description="The segment's id."),
        ),
        header_params=(
            Param(
                "If-None-Match",
                "string",
                python_name="if_none_match",
                description="The ETag of the copy the client holds: 304 without a body if still current.",
            ),
        ),
        result_schema="MarketSegment",
    ),
    Operation(
        resource="market-segments",
        name="update",
        http_method="PUT",
        path="/v1/market-segments/{segment_id}",
        summary="Replace a market segment",
        description="Replace name, figures and notes; a stale `version` is 409 (read it again).",
        path_params=(
            Param("segment_id", "string", required=True, description="The segment's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("name", "string", required=True),
            Param("size", "object", required=True),
            Param("potential", "object", required=True),
            Param("product_line", "string"),
            Param("industry", "string"),
            Param("source", "string"),
            Param("notes", "string"),
            Param(
                "version",
                "integer",
                required=True,
                description="The version read; a newer one is 409.",
            ),
        ),
        body_schema="SegmentChange",
        body_required=True,
        accepts_json=True,
        result_schema="MarketSegment",
    ),
    Operation(
        resource="nps",
        name="get",
        http_method="GET",
        path="/v1/nps",
        summary="NPS and CSAT of a fiscal period",
        description="NPS (promoters minus detractors) and CSAT over the caller's visible responses.",
        query_params=(
            Param(
                "period",
                "string",
                required=True,
                description="Fiscal period: FY2027, FY2027-Q1 or FY2027-M03.",
            ),
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("segment", "string", description="Only accounts of this tier (A, B, C)."),
            Param(
                "group_by",
                "string",
                choices=("region", "segment", "period"),
                description="Also break the figures down by this dimension.",
            ),
        ),
        result_schema="NpsReport",
    ),
    Operation(
        resource="opportunities",
        name="list",
        http_method="GET",
        path="/v1/opportunities",
        summary="List opportunities",
        description="Deals in the caller's scope (a rep: owned or on the team), newest first.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("owner_id", "string", description="Only deals this rep owns."),
            Param("pipeline_id", "string", description="Only deals of this pipeline."),
            Param("stage_id", "string", description="Only deals in this stage."),
            Param("customer_id", "string", description="Only deals of this customer."),
            Param(
                "status",
                "string",
                choices=("open", "won", "lost"),
                description="Only deals in this status.",
            ),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="OpportunityList",
        items_key="opportunities",
    ),
    Operation(
        resource="opportunities",
        name="create",
        http_method="POST",
        path="/v1/opportunities",
        summary="Open an opportunity",
        description="Open a deal in the first stage of its pipeline; `Location` points at it.",
        body_fields=(
            Param("customer_id", "string", required=True),
            Param("name", "string", required=True),
            Param("pipeline_id", "string", description='Defaults to "new_business".'),
            Param("owner_id", "string", description="Defaults to the caller."),
            Param("region", "string", description="Defaults to the customer's region."),
            Param("line_items", "array", item_kind="object"),
            Param("currency", "string", description="Required only when there are no line items."),
            Param("expected_close_date", "string"),
            Param("next_step", "string"),
            Param("competitors", "array", item_kind="string"),
            Param(
                "team_members",
                "array",
                item_kind="object",
                description="Defaults to the owner with the whole credit.",
            ),
        ),
        body_schema="CreateOpportunityRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Opportunity",
        success_status=201,
    ),
    Operation(
        resource="opportunities",
        name="get",
        http_method="GET",
        path="/v1/opportunities/{opportunity_id}",
        summary="Read an opportunity",
        description="A deal outside the caller's scope is 404, exactly as if it did not exist.",
        path_params=(
            Param("opportunity_id", "string", required=True, description="The opportunity's id."),
        ),
        header_params=(
            Param(
                "If-None-Match",
                "string",
                python_name="if_none_match",
                description="The ETag of the copy the client holds: 304 without a body if still current.",
            ),
        ),
        result_schema="Opportunity",
    ),
    Operation(
        resource="opportunities",
        name="update",
        http_method="PATCH",
        path="/v1/opportunities/{opportunity_id}",
        summary="Change an opportunity",
        description="Change the fields present in the body (the owner, their manager or a director).",
        path_params=(
            Param("opportunity_id", "string", required=True, description="The opportunity's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("name", "string"),
            Param("expected_close_date", "string"),
            Param("next_step", "string"),
            Param("line_items", "array", item_kind="object"),
            Param("competitors", "array", item_kind="string"),
            Param("team_members", "array", item_kind="object"),
        ),
        body_schema="UpdateOpportunityRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Opportunity",
    ),
    Operation(
        resource="opportunities",
        name="stage_history",
        http_method="GET",
        path="/v1/opportunities/{opportunity_id}/stage-history",
        summary="An opportunity's stage history",
        description="Every stage the deal entered, with entry and exit times and the time spent there.",
        path_params=(
            Param("opportunity_id", "string", required=True, description="The opportunity's id."),
        ),
        result_schema="StageHistory",
    ),
    Operation(
        resource="opportunities",
        name="advance",
        http_method="POST",
        path="/v1/opportunities/{opportunity_id}:advance",
        summary="Advance an opportunity",
        description="Move to the next (or a named later) open stage; 422 lists every unmet gate rule.",
        path_params=(
            Param("opportunity_id", "string", required=True, description="The opportunity's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("target_stage_id", "string"),),
        body_schema="AdvanceRequest",
        accepts_json=True,
        result_schema="Opportunity",
    ),
    Operation(
        resource="opportunities",
        name="lose",
        http_method="POST",
        path="/v1/opportunities/{opportunity_id}:lose",
        summary="Lose an opportunity",
        description="Close as lost; a reason is required, the competitor who won is optional.",
        path_params=(
            Param("opportunity_id", "string", required=True, description="The opportunity's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("reason", "string", required=True),
            Param("competitor", "string"),
        ),
        body_schema="LoseRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Opportunity",
    ),
    Operation(
        resource="opportunities",
        name="reassign",
        http_method="POST",
        path="/v1/opportunities/{opportunity_id}:reassign",
        summary="Reassign an opportunity",
        description="Give the deal to another rep: a manager within their team, a director in their regions.",
        path_params=(
            Param("opportunity_id", "string", required=True, description="The opportunity's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("new_owner_id", "string", required=True),),
        body_schema="ReassignRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Opportunity",
    ),
    Operation(
        resource="opportunities",
        name="win",
        http_method="POST",
        path="/v1/opportunities/{opportunity_id}:win",
        summary="Win an opportunity",
        description="Close as won from the accepted quote and sign the contract (in the answer).",
        path_params=(
            Param("opportunity_id", "string", required=True, description="The opportunity's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("quote_id", "string"),
            Param("contract_start_date", "string", description="Defaults to today."),
            Param("signed_date", "string", description="Defaults to today."),
            Param("term_months", "integer", description="0 means 12."),
        ),
        body_schema="WinRequest",
        accepts_json=True,
        result_schema="Won",
    ),
    Operation(
        resource="org-units",
        name="list",
        http_method="GET",
        path="/v1/org-units",
        summary="List org units",
        description="Units of the caller's regions.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("parent_id", "string", description="Only the children of this unit."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="OrgUnitList",
        items_key="units",
    ),
    Operation(
        resource="org-units",
        name="create",
        http_method="POST",
        path="/v1/org-units",
        summary="Create an org unit",
        description="An admin or a director; `Location` points at the new unit.",
        body_fields=(
            Param("code", "string", required=True),
            Param("name", "string", required=True),
            Param("kind", "string", required=True),
            Param("region", "string", required=True),
            Param("parent_id", "string"),
            Param("manager_id", "string"),
        ),
        body_schema="NewOrgUnit",
        body_required=True,
        accepts_json=True,
        result_schema="OrgUnit",
        success_status=201,
    ),
    Operation(
        resource="org-units",
        name="get",
        http_method="GET",
        path="/v1/org-units/{unit_id}",
        summary="Read an org unit",
        description="A unit outside the caller's regions is 404.",
        path_params=(Param("unit_id", "string", required=True, description="The unit's id."),),
        header_params=(
            Param(
                "If-None-Match",
                "string",
                python_name="if_none_match",
                description="The ETag of the copy the client holds: 304 without a body if still current.",
            ),
        ),
        result_schema="OrgUnit",
    ),
    Operation(
        resource="org-units",
        name="update",
        http_method="PATCH",
        path="/v1/org-units/{unit_id}",
        summary="Rename, re-parent or change the manager of an org unit",
        description="An admin or a director; a cycle or a region mismatch is 409 naming the rule.",
        path_params=(Param("unit_id", "string", required=True, description="The unit's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("name", "string"),
            Param("parent_id", "string"),
            Param("manager_id", "string"),
        ),
        body_schema="OrgUnitChange",
        body_required=True,
        accepts_json=True,
        result_schema="OrgUnit",
    ),
    Operation(
        resource="penalties",
        name="list",
        http_method="GET",
        path="/v1/penalties",
        summary="List penalties and warnings",
        description="Penalties the caller sees (a rep: their own), newest first.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("rep_id", "string", description="Only this rep's."),
            Param("kind", "string", choices=("warning", "penalty"), description="Only this kind."),
            Param("status", "string", choices=("proposed", "granted", "imposed", "rejected")),
            Param("period", "string", description="Only those of this fiscal period."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="PenaltyList",
        items_key="penalties",
    ),
    Operation(
        resource="penalties",
        name="create",
        http_method="POST",
        path="/v1/penalties",
        summary="Propose a penalty or a warning",
        description="By a manager above the rep or a director of the region; a director decides it.",
        body_fields=(
            Param("rep_id", "string", required=True),
            Param("kind", "string", required=True, choices=("warning", "penalty")),
            Param("reason", "string", required=True),
            Param("amount", "object", description="A money penalty."),
            Param("points", "integer", description="A points penalty."),
            Param("evidence", "array", item_kind="string", description="Links or record ids."),
            Param(
                "violation_ids",
                "array",
                item_kind="string",
                description="Open violations of the same rep.",
            ),
            Param("period_code", "string"),
        ),
        body_schema="NewPenalty",
        body_required=True,
        accepts_json=True,
        result_schema="Incentive",
        success_status=201,
    ),
    Operation(
        resource="penalties",
        name="get",
        http_method="GET",
        path="/v1/penalties/{incentive_id}",
        summary="Read a penalty",
        path_params=(
            Param("incentive_id", "string", required=True, description="The record's id."),
        ),
        header_params=(
            Param(
                "If-None-Match",
                "string",
                python_name="if_none_match",
                description="The ETag of the copy the client holds: 304 without a body if still current.",
            ),
        ),
        result_schema="Incentive",
    ),
    Operation(
        resource="penalties",
        name="approve",
        http_method="POST",
        path="/v1/penalties/{incentive_id}:approve",
        summary="Approve a proposed penalty",
        description="A director of the region other than the proposer; the penalty is imposed, its violations penalised and performance.penalty.imposed emitted.",
        path_params=(
            Param("incentive_id", "string", required=True, description="The record's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_schema="NoFields",
        accepts_json=True,
        result_schema="Incentive",
    ),
    Operation(
        resource="penalties",
        name="reject",
        http_method="POST",
        path="/v1/penalties/{incentive_id}:reject",
        summary="Reject a proposed penalty",
        description="A director of the region other than the proposer, with a reason.",
        path_params=(
            Param("incentive_id", "string", required=True, description="The record's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("reason", "string", required=True),),
        body_schema="Rejection",
        body_required=True,
        accepts_json=True,
        result_schema="Incentive",
    ),
    Operation(
        resource="pipeline-analytics",
        name="deal_metrics",
        http_method="GET",
        path="/v1/pipeline-analytics/deal-metrics",
        summary="Average deal size and cycle length",
        description="Mean amount per currency and mean days to close of the deals won in the period.",
        query_params=(
            Param(
                "group_by",
                "string",
                choices=("region", "team", "owner", "pipeline"),
                description="Also break the figure down by this dimension.",
            ),
            Param(
                "period",
                "string",
                required=True,
                description="Fiscal period: FY2027, FY2027-Q1 or FY2027-M03.",
            ),
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("team_id", "string", description="Only deals of this team."),
            Param(
                "owner_id",
                "string",
                description="Only deals of this rep (a rep sees only their own).",
            ),
            Param("pipeline_id", "string", description="Only deals in this pipeline."),
        ),
        result_schema="DealMetricsReport",
    ),
    Operation(
        resource="pipeline-analytics",
        name="funnel",
        http_method="GET",
        path="/v1/pipeline-analytics/funnel",
        summary="Funnel and stage conversion of a pipeline",
        description="For the deals created in the period: how many reached each stage, and the conversions.",
        query_params=(
            Param(
                "period",
                "string",
                required=True,
                description="Fiscal period: FY2027, FY2027-Q1 or FY2027-M03.",
            ),
            Param("pipeline_id", "string", required=True, description="The pipeline."),
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("team_id", "string", description="Only deals of this team."),
            Param(
                "owner_id",
                "string",
                description="Only deals of this rep (a rep sees only their own).",
            ),
        ),
        result_schema="Funnel",
    ),
    Operation(
        resource="pipeline-analytics",
        name="time_in_stage",
        http_method="GET",
        path="/v1/pipeline-analytics/time-in-stage",
        summary="Time in stage",
        description="Mean hours per stage over the stays that ended in the period.",
        query_params=(
            Param(
                "period",
                "string",
                required=True,
                description="Fiscal period: FY2027, FY2027-Q1 or FY2027-M03.",
            ),
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("team_id", "string", description="Only deals of this team."),
            Param(
                "owner_id",
                "string",
                description="Only deals of this rep (a rep sees only their own).",
            ),
            Param("pipeline_id", "string", description="Only deals in this pipeline."),
        ),
        result_schema="TimeInStageReport",
    ),
    Operation(
        resource="pipeline-analytics",
        name="win_loss",
        http_method="GET",
        path="/v1/pipeline-analytics/win-loss",
        summary="Win/loss by reason and by competitor",
        description="Losses per reason and won/lost deals per competitor, among the deals closed in the period.",
        query_params=(
            Param(
                "period",
                "string",
                required=True,
                description="Fiscal period: FY2027, FY2027-Q1 or FY2027-M03.",
            ),
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("team_id", "string", description="Only deals of this team."),
            Param(
                "owner_id",
                "string",
                description="Only deals of this rep (a rep sees only their own).",
            ),
            Param("pipeline_id", "string", description="Only deals in this pipeline."),
        ),
        result_schema="WinLossReport",
    ),
    Operation(
        resource="pipeline-analytics",
        name="win_rate",
        http_method="GET",
        path="/v1/pipeline-analytics/win-rate",
        summary="Win rate",
        description="won / (won + lost) among the deals closed in the period, in total and per group.",
        query_params=(
            Param(
                "group_by",
                "string",
                choices=("region", "team", "owner", "pipeline"),
                description="Also break the figure down by this dimension.",
            ),
            Param(
                "period",
                "string",
                required=True,
                description="Fiscal period: FY2027, FY2027-Q1 or FY2027-M03.",
            ),
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("team_id", "string", description="Only deals of this team."),
            Param(
                "owner_id",
                "string",
                description="Only deals of this rep (a rep sees only their own).",
            ),
            Param("pipeline_id", "string", description="Only deals in this pipeline."),
        ),
        result_schema="WinRateReport",
    ),
    Operation(
        resource="pipelines",
        name="list",
        http_method="GET",
        path="/v1/pipelines",
        summary="List pipelines",
        description="Pipelines that apply to the caller's regions (global ones included).",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="PipelineList",
        items_key="pipelines",
    ),
    Operation(
        resource="pipelines",
        name="create",
        http_method="POST",
        path="/v1/pipelines",
        summary="Create a pipeline",
        description="Admins only; `Location` points at the new pipeline.",
        body_fields=(
            Param("name", "string", required=True),
            Param("kind", "string", required=True),
            Param(
                "region",
                "string",
                description="Empty for every region (needs an all-regions admin).",
            ),
            Param("stages", "array", required=True, item_kind="object"),
        ),
        body_schema="CreatePipelineRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Pipeline",
        success_status=201,
    ),
    Operation(
        resource="pipelines",
        name="get",
        http_method="GET",
        path="/v1/pipelines/{pipeline_id}",
        summary="Read a pipeline",
        description="A pipeline with its stages.",
        path_params=(
            Param("pipeline_id", "string", required=True, description="The pipeline's id."),
        ),
        result_schema="Pipeline",
    ),
    Operation(
        resource="pipelines",
        name="update",
        http_method="PATCH",
        path="/v1/pipelines/{pipeline_id}",
        summary="Change a pipeline",
        description="Admins only. A stage left out of `stages` is removed, unless deals are or were in it.",
        path_params=(
            Param("pipeline_id", "string", required=True, description="The pipeline's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("name", "string"),
            Param("stages", "array", item_kind="object"),
        ),
        body_schema="UpdatePipelineRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Pipeline",
    ),
    Operation(
        resource="pipelines",
        name="list_stages",
        http_method="GET",
        path="/v1/pipelines/{pipeline_id}/stages",
        summary="A pipeline's stages",
        description="The stages in order, with their probability and forecast category.",
        path_params=(
            Param("pipeline_id", "string", required=True, description="The pipeline's id."),
        ),
        result_schema="StageList",
    ),
    Operation(
        resource="plans",
        name="list",
        http_method="GET",
        path="/v1/plans",
        summary="List plans",
        description="Plans in the caller's regions, newest first.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("org_unit_id", "string", description="Only this unit's plans."),
            Param("period", "string", description="Only plans for this period, e.g. FY2027-Q1."),
            Param(
                "status",
                "string",
                choices=("draft", "submitted", "approved", "active", "closed"),
                description="Only plans in this status, for example active.",
            ),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="PlanList",
        items_key="plans",
    ),
    Operation(
        resource="plans",
        name="create",
        http_method="POST",
        path="/v1/plans",
        summary="Draft a plan",
        description="Draft a plan for an org unit in the caller's regions; `Location` points at it.",
        body_fields=(
            Param("org_unit_id", "string", required=True),
            Param(
                "period_code", "string", required=True, description="FY2027, FY2027-Q1, FY2027-M03."
            ),
            Param("strategy", "string"),
            Param("owner_id", "string", required=True),
            Param("currency", "string", required=True),
        ),
        body_schema="CreatePlanRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Plan",
        success_status=201,
    ),
    Operation(
        resource="plans",
        name="get",
        http_method="GET",
        path="/v1/plans/{plan_id}",
        summary="Read a plan",
        description="One plan version and what it carries over; outside the caller's regions it is 404.",
        path_params=(Param("plan_id", "string", required=True, description="The plan's id."),),
        header_params=(
            Param(
                "If-None-Match",
                "string",
                python_name="if_none_match",
                description="The ETag of the copy the client holds: 304 without a body if still current.",
            ),
        ),
        result_schema="PlanDetail",
    ),
    Operation(
        resource="plans",
        name="list_targets",
        http_method="GET",
        path="/v1/plans/{plan_id}/targets",
        summary="List a plan's targets",
        description="The plan's targets, newest first; outside the caller's regions the plan is 404.",
        path_params=(Param("plan_id", "string", required=True, description="The plan's id."),),
        query_params=(
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="TargetList",
        items_key="targets",
    ),
    Operation(
        resource="plans",
        name="add_target",
        http_method="POST",
        path="/v1/plans/{plan_id}/targets",
        summary="Add a target",
        description="Add a target to a draft plan; an approved plan is locked (a precondition problem).",
        path_params=(Param("plan_id", "string", required=True, description="The plan's id."),),
        body_fields=(
            Param(
                "metric",
                "string",
                required=True,
                choices=("revenue", "units", "new_customers", "market_share_bp", "activity_count"),
            ),
            Param("amount", "object"),
            Param("quantity", "integer"),
            Param("product_line", "string"),
        ),
        body_schema="AddTargetRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Target",
        success_status=201,
    ),
    Operation(
        resource="plans",
        name="activate",
        http_method="POST",
        path="/v1/plans/{plan_id}:activate",
        summary="Activate a plan",
        description="An approved plan becomes its unit's active plan for the period (one at a time).",
        path_params=(Param("plan_id", "string", required=True, description="The plan's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_schema="NoFields",
        accepts_json=True,
        result_schema="Plan",
    ),
    Operation(
        resource="plans",
        name="amend",
        http_method="POST",
        path="/v1/plans/{plan_id}:amend",
        summary="Amend a plan",
        description="Draft the next version of an approved or active plan (returned); the old one is kept.",
        path_params=(Param("plan_id", "string", required=True, description="The plan's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("strategy", "string"),),
        body_schema="AmendPlanRequest",
        accepts_json=True,
        result_schema="Plan",
        success_status=201,
    ),
    Operation(
        resource="plans",
        name="approve",
        http_method="POST",
        path="/v1/plans/{plan_id}:approve",
        summary="Approve a plan",
        description="The parent unit's manager or a director of the region; the plan is then locked.",
        path_params=(Param("plan_id", "string", required=True, description="The plan's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_schema="NoFields",
        accepts_json=True,
        result_schema="Plan",
    ),
    Operation(
        resource="plans",
        name="close",
        http_method="POST",
        path="/v1/plans/{plan_id}:close",
        summary="Close a plan",
        description="An approved or active plan is closed.",
        path_params=(Param("plan_id", "string", required=True, description="The plan's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_schema="NoFields",
        accepts_json=True,
        result_schema="Plan",
    ),
    Operation(
        resource="plans",
        name="reject",
        http_method="POST",
        path="/v1/plans/{plan_id}:reject",
        summary="Reject a plan",
        description="Return a submitted plan to draft; the reason is required.",
        path_params=(Param("plan_id", "string", required=True, description="The plan's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("reason", "string", required=True),),
        body_schema="RejectPlanRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Plan",
    ),
    Operation(
        resource="plans",
        name="submit",
        http_method="POST",
        path="/v1/plans/{plan_id}:submit",
        summary="Submit a plan for approval",
        description="Only a draft; it is locked while submitted.",
        path_params=(Param("plan_id", "string", required=True, description="The plan's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_schema="NoFields",
        accepts_json=True,
        result_schema="Plan",
    ),
    Operation(
        resource="quotes",
        name="list",
        http_method="GET",
        path="/v1/quotes",
        summary="List quotes",
        description="Quotes of the deals in the caller's scope, newest first.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("opportunity_id", "string", description="Only this deal's quotes."),
            Param(
                "status",
                "string",
                choices=(
                    "draft",
                    "pending_approval",
                    "approved",
                    "rejected",
                    "accepted",
                    "superseded",
                ),
                description="Only quotes in this status, for example pending_approval.",
            ),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="QuoteList",
        items_key="quotes",
    ),
    Operation(
        resource="quotes",
        name="create",
        http_method="POST",
        path="/v1/quotes",
        summary="Draft a quote",
        description="Draft a quote for an open opportunity; `Location` points at it.",
        body_fields=(
            Param("opportunity_id", "string", required=True),
            Param("lines", "array", item_kind="object"),
            Param("discount_bp", "integer", description="10000 = 100%."),
            Param("valid_until", "string", description="Defaults to 30 days from today."),
            Param("notes", "string"),
        ),
        body_schema="CreateQuoteRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Quote",
        success_status=201,
    ),
    Operation(
        resource="quotes",
        name="get",
        http_method="GET",
        path="/v1/quotes/{quote_id}",
        summary="Read a quote",
        description="A quote with its lines and decisions; outside the caller's scope it is 404.",
        path_params=(Param("quote_id", "string", required=True, description="The quote's id."),),
        header_params=(
            Param(
                "If-None-Match",
                "string",
                python_name="if_none_match",
                description="The ETag of the copy the client holds: 304 without a body if still current.",
            ),
        ),
        result_schema="Quote",
    ),
    Operation(
        resource="quotes",
        name="accept",
        http_method="POST",
        path="/v1/quotes/{quote_id}:accept",
        summary="Record the customer's acceptance",
        description="Only an approved quote that has not expired; one accepted quote per deal.",
        path_params=(Param("quote_id", "string", required=True, description="The quote's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_schema="NoFields",
        accepts_json=True,
        result_schema="Quote",
    ),
    Operation(
        resource="quotes",
        name="approve",
        http_method="POST",
        path="/v1/quotes/{quote_id}:approve",
        summary="Approve a quote",
        description="Approve a pending quote; 403 when the caller's authority does not cover its discount.",
        path_params=(Param("quote_id", "string", required=True, description="The quote's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("comment", "string"),),
        body_schema="DecisionRequest",
        accepts_json=True,
        result_schema="Quote",
    ),
    Operation(
        resource="quotes",
        name="reject",
        http_method="POST",
        path="/v1/quotes/{quote_id}:reject",
        summary="Reject a quote",
        description="Reject a pending quote; the comment is required.",
        path_params=(Param("quote_id", "string", required=True, description="The quote's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("comment", "string"),),
        body_schema="DecisionRequest",
        body_required=True,
        accepts_json=True,
        result_schema="Quote",
    ),
    Operation(
        resource="quotes",
        name="revise",
        http_method="POST",
        path="/v1/quotes/{quote_id}:revise",
        summary="Revise a quote",
        description="Draft the next version (returned); this one becomes superseded.",
        path_params=(Param("quote_id", "string", required=True, description="The quote's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("lines", "array", item_kind="object"),
            Param("discount_bp", "integer", description="10000 = 100%."),
            Param("valid_until", "string"),
            Param("notes", "string"),
        ),
        body_schema="ReviseQuoteRequest",
        accepts_json=True,
        result_schema="Quote",
        success_status=201,
    ),
    Operation(
        resource="quotes",
        name="submit",
        http_method="POST",
        path="/v1/quotes/{quote_id}:submit",
        summary="Submit a quote",
        description="Approved at once within the submitter's authority, else pending approval.",
        path_params=(Param("quote_id", "string", required=True, description="The quote's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_schema="NoFields",
        accepts_json=True,
        result_schema="Quote",
    ),
    Operation(
        resource="readiness",
        name="get",
        http_method="GET",
        path="/v1/readiness",
        summary="Readiness of a rep, a team or a region",
        query_params=(
            Param("rep", "string", description="A rep's id."),
            Param("team", "string", description="A team's id."),
            Param("region", "string", description="A region code."),
        ),
        result_schema="ReadinessReport",
    ),
    Operation(
        resource="regions",
        name="region_dashboard",
        http_method="GET",
        path="/v1/regions/{region}/dashboard",
        summary="A region's dashboard: plan, funnel, forecast, people",
        description="Every section from its own service, concurrently; a missing one is null and in `partial`.",
        path_params=(Param("region", "string", required=True, description="A region code."),),
        query_params=(
            Param(
                "period",
                "string",
                required=True,
                description="A fiscal period: FY2027, FY2027-Q1 or FY2027-M03.",
            ),
            Param("pipeline_id", "string", description="The pipeline whose funnel is shown."),
        ),
        result_schema="RegionDashboard",
    ),
    Operation(
        resource="regions",
        name="region_report",
        http_method="GET",
        path="/v1/regions/{region}/report",
        summary="A region's periodic sales report (JSON, CSV or printable HTML)",
        description="The dashboard's data in the asked format; csv and html come as downloads.",
        path_params=(Param("region", "string", required=True, description="A region code."),),
        query_params=(
            Param(
                "period",
                "string",
                required=True,
                description="A fiscal period: FY2027, FY2027-Q1 or FY2027-M03.",
            ),
            Param(
                "format",
                "string",
                description="json (the data, default), csv (a flat table) or html (a printable page).",
            ),
            Param("pipeline_id", "string", description="The pipeline whose funnel is shown."),
        ),
        result_schema="RegionDashboard",
    ),
    Operation(
        resource="reps",
        name="list",
        http_method="GET",
        path="/v1/reps",
        summary="List people",
        description="People of the caller's regions (a rep: themselves).",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("team_unit_id", "string", description="Only this team."),
            Param("status", "string", description="active, on_leave or left."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="RepList",
        items_key="reps",
    ),
    Operation(
        resource="reps",
        name="create",
        http_method="POST",
        path="/v1/reps",
        summary="Hire a rep",
        description="An admin or a director; emits planning.rep.hired.",
        body_fields=(
            Param("rep_id", "string", required=True),
            Param("name", "string", required=True),
            Param("email", "string", required=True),
            Param("role", "string"),
            Param("team_unit_id", "string", required=True),
            Param("manager_id", "string", description="The team's manager if empty."),
            Param("capacity", "integer"),
            Param("hire_date", "string", required=True),
        ),
        body_schema="NewHire",
        body_required=True,
        accepts_json=True,
        result_schema="Rep",
        success_status=201,
    ),
    Operation(
        resource="reps",
        name="get",
        http_method="GET",
        path="/v1/reps/{rep_id}",
        summary="Read a rep and their assignment history",
        description="A rep outside the caller's scope is 404.",
        path_params=(Param("rep_id", "string", required=True, description="The rep's id."),),
        result_schema="RepWithHistory",
    ),
    Operation(
        resource="reps",
        name="rep_overview",
        http_method="GET",
        path="/v1/reps/{rep_id}/overview",
        summary="A rep's overview: pipeline, attainment, pay, training",
        description="Every section from its own service, concurrently; a missing one is null and in `partial`.",
        path_params=(Param("rep_id", "string", required=True, description="The rep's id."),),
        query_params=(
            Param(
                "period",
                "string",
                required=True,
                description="A fiscal period: FY2027, FY2027-Q1 or FY2027-M03.",
            ),
        ),
        result_schema="RepOverview",
    ),
    Operation(
        resource="reps",
        name="assign",
        http_method="POST",
        path="/v1/reps/{rep_id}:assign",
        summary="Change a rep's team, manager, capacity or status",
        description="An admin or a director; emits planning.rep.assigned.",
        path_params=(Param("rep_id", "string", required=True, description="The rep's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("team_unit_id", "string"),
            Param("manager_id", "string"),
            Param("capacity", "integer"),
            Param("status", "string", description="active or on_leave."),
            Param("effective_date", "string", required=True),
        ),
        body_schema="AssignmentInput",
        body_required=True,
        accepts_json=True,
        result_schema="Rep",
    ),
    Operation(
        resource="reps",
        name="leave",
        http_method="POST",
        path="/v1/reps/{rep_id}:leave",
        summary="Record that a rep left",
        description="An admin or a director; emits planning.rep.left.",
        path_params=(Param("rep_id", "string", required=True, description="The rep's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("left_date", "string", required=True),),
        body_schema="Leaving",
        body_required=True,
        accepts_json=True,
        result_schema="Rep",
    ),
    Operation(
        resource="required-certifications",
        name="list",
        http_method="GET",
        path="/v1/required-certifications",
        summary="List required certifications",
        query_params=(
            Param("product_line", "string"),
            Param("region", "string", description="Those applying to this region."),
            Param("include_unpublished", "boolean", description="Admins only."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="RequiredCertificationList",
        items_key="requirements",
    ),
    Operation(
        resource="required-certifications",
        name="set",
        http_method="PUT",
        path="/v1/required-certifications",
        summary="Set a product line's required certification",
        description="Admins; announced as training.certification_requirement.changed.",
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("product_line", "string", required=True),
            Param("region", "string", description="Empty: every region."),
            Param("certification_course_id", "string", required=True),
            Param("recertification_course_id", "string"),
            Param("published", "boolean"),
            Param("effective_from", "string", description="ISO 8601 date; today if empty."),
        ),
        body_schema="Requirement",
        body_required=True,
        accepts_json=True,
        result_schema="RequiredCertification",
    ),
    Operation(
        resource="reviews",
        name="list",
        http_method="GET",
        path="/v1/reviews",
        summary="List period reviews",
        description="Reviews in the caller's regions (a rep: their team's), newest first.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("org_unit_id", "string", description="Only this unit's reviews."),
            Param("period", "string", description="Only reviews of this period."),
            Param(
                "status",
                "string",
                choices=("open", "closed"),
                description="Only open or closed reviews.",
            ),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="ReviewList",
        items_key="reviews",
    ),
    Operation(
        resource="reviews",
        name="create",
        http_method="POST",
        path="/v1/reviews",
        summary="Open a period review",
        description="One per unit and period (409 for a second); lines filled from attainment now.",
        body_fields=(
            Param("org_unit_id", "string", required=True),
            Param("period_code", "string", required=True),
        ),
        body_schema="OpenReview",
        body_required=True,
        accepts_json=True,
        result_schema="ReviewWithActions",
        success_status=201,
    ),
    Operation(
        resource="reviews",
        name="get",
        http_method="GET",
        path="/v1/reviews/{review_id}",
        summary="Read a period review",
        description="The review, its actions and the open actions carried from earlier reviews.",
        path_params=(Param("review_id", "string", required=True, description="The review's id."),),
        result_schema="ReviewWithActions",
    ),
    Operation(
        resource="reviews",
        name="update",
        http_method="PATCH",
        path="/v1/reviews/{review_id}",
        summary="Change a review's findings",
        description="Only while open: a closed review is locked (422).",
        path_params=(Param("review_id", "string", required=True, description="The review's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("findings", "string"),
            Param("version", "integer", description="0 skips the check; a stale one is 409."),
        ),
        body_schema="ReviewChange",
        body_required=True,
        accepts_json=True,
        result_schema="Review",
    ),
    Operation(
        resource="reviews",
        name="list_review_actions",
        http_method="GET",
        path="/v1/reviews/{review_id}/actions",
        summary="List a review's improvement actions",
        description="The actions raised in this review, newest first.",
        path_params=(Param("review_id", "string", required=True, description="The review's id."),),
        query_params=(
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="ImprovementActionList",
        items_key="actions",
    ),
    Operation(
        resource="reviews",
        name="add_action",
        http_method="POST",
        path="/v1/reviews/{review_id}/actions",
        summary="Add an improvement action",
        description="To an open review; the owner is a rep of the organisation.",
        path_params=(Param("review_id", "string", required=True, description="The review's id."),),
        body_fields=(
            Param("title", "string", required=True),
            Param("owner_id", "string", required=True),
            Param("due_date", "string", required=True, description="ISO 8601, today or later."),
        ),
        body_schema="NewAction",
        body_required=True,
        accepts_json=True,
        result_schema="ImprovementAction",
        success_status=201,
    ),
    Operation(
        resource="reviews",
        name="close",
        http_method="POST",
        path="/v1/reviews/{review_id}:close",
        summary="Close and lock a review",
        description="Optionally with final findings; emits planning.review.closed.",
        path_params=(Param("review_id", "string", required=True, description="The review's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("findings", "string"),
            Param("version", "integer", description="0 skips the check; a stale one is 409."),
        ),
        body_schema="ReviewChange",
        accepts_json=True,
        result_schema="Review",
    ),
    Operation(
        resource="reviews",
        name="refresh",
        http_method="POST",
        path="/v1/reviews/{review_id}:refresh",
        summary="Fill a review again from attainment",
        description="Only while open.",
        path_params=(Param("review_id", "string", required=True, description="The review's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_schema="NoFields",
        accepts_json=True,
        result_schema="Review",
    ),
    Operation(
        resource="rewards",
        name="list",
        http_method="GET",
        path="/v1/rewards",
        summary="List rewards",
        description="Rewards the caller sees (a rep: their own), newest first.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("rep_id", "string", description="Only this rep's."),
            Param(
                "kind",
                "string",
                choices=("award", "bonus", "points"),
                description="Only this kind.",
            ),
            Param("status", "string", choices=("proposed", "granted", "imposed", "rejected")),
            Param("period", "string", description="Only those of this fiscal period."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="RewardList",
        items_key="rewards",
    ),
    Operation(
        resource="rewards",
        name="create",
        http_method="POST",
        path="/v1/rewards",
        summary="Propose a reward",
        description="By a manager above the rep or a director of the region; a director decides it.",
        body_fields=(
            Param("rep_id", "string", required=True),
            Param("kind", "string", required=True, choices=("award", "bonus", "points")),
            Param("reason", "string", required=True),
            Param("amount", "object", description="A bonus; an award's prize."),
            Param("points", "integer", description="Points rewards only."),
            Param(
                "evidence",
                "array",
                item_kind="string",
                description="Links or record ids (fact ids, ...).",
            ),
            Param("period_code", "string"),
        ),
        body_schema="NewReward",
        body_required=True,
        accepts_json=True,
        result_schema="Incentive",
        success_status=201,
    ),
    Operation(
        resource="rewards",
        name="get",
        http_method="GET",
        path="/v1/rewards/{incentive_id}",
        summary="Read a reward",
        path_params=(
            Param("incentive_id", "string", required=True, description="The record's id."),
        ),
        header_params=(
            Param(
                "If-None-Match",
                "string",
                python_name="if_none_match",
                description="The ETag of the copy the client holds: 304 without a body if still current.",
            ),
        ),
        result_schema="Incentive",
    ),
    Operation(
        resource="rewards",
        name="approve",
        http_method="POST",
        path="/v1/rewards/{incentive_id}:approve",
        summary="Approve a proposed reward",
        description="A director of the region other than the proposer; the reward is granted and performance.reward.granted emitted.",
        path_params=(
            Param("incentive_id", "string", required=True, description="The record's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_schema="NoFields",
        accepts_json=True,
        result_schema="Incentive",
    ),
    Operation(
        resource="rewards",
        name="reject",
        http_method="POST",
        path="/v1/rewards/{incentive_id}:reject",
        summary="Reject a proposed reward",
        description="A director of the region other than the proposer, with a reason.",
        path_params=(
            Param("incentive_id", "string", required=True, description="The record's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("reason", "string", required=True),),
        body_schema="Rejection",
        body_required=True,
        accepts_json=True,
        result_schema="Incentive",
    ),
    Operation(
        resource="scorecards",
        name="list",
        http_method="GET",
        path="/v1/scorecards",
        summary="List published scorecards",
        description="Published scorecards the caller may see, newest first.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("period", "string", description="Only this period's."),
            Param("team_id", "string", description="Only this team's."),
            Param("rep_id", "string", description="Only this rep's."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="ScorecardList",
        items_key="scorecards",
    ),
    Operation(
        resource="scorecards",
        name="get_scorecard",
        http_method="GET",
        path="/v1/scorecards/{rep_id}/{period_code}",
        summary="Read a rep's scorecard",
        description="The published scorecard, else a live preview computed now.",
        path_params=(
            Param("rep_id", "string", required=True, description="The rep's id."),
            Param(
                "period_code",
                "string",
                required=True,
                description="A fiscal period code, e.g. FY2027-Q1.",
            ),
        ),
        query_params=(
            Param("preview", "boolean", description="A live preview even when published."),
        ),
        result_schema="Scorecard",
    ),
    Operation(
        resource="scorecards",
        name="detect_gaps",
        http_method="POST",
        path="/v1/scorecards:detect-gaps",
        summary="Look for KPI gaps now (directors)",
        description="A running period's live scorecards of a region; the worker does it daily too.",
        body_fields=(
            Param("period_code", "string", required=True),
            Param("region", "string", required=True),
        ),
        body_schema="GapScan",
        body_required=True,
        accepts_json=True,
        result_schema="DetectedGaps",
    ),
    Operation(
        resource="scorecards",
        name="publish",
        http_method="POST",
        path="/v1/scorecards:publish",
        summary="Publish a closed period's scorecards",
        description="At or after the period's close (422 before); each published once, immutable.",
        body_fields=(
            Param("period_code", "string", required=True),
            Param("region", "string"),
            Param("team_id", "string"),
        ),
        body_schema="Publication",
        body_required=True,
        accepts_json=True,
        result_schema="Published",
    ),
    Operation(
        resource="skill-profiles",
        name="list",
        http_method="GET",
        path="/v1/skill-profiles",
        summary="List role skill profiles",
        query_params=(
            Param("role", "string", description="Only this role's skills."),
            Param("region", "string", description="This region's rows and every region's."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="SkillProfileList",
        items_key="profiles",
    ),
    Operation(
        resource="skill-profiles",
        name="set",
        http_method="PUT",
        path="/v1/skill-profiles",
        summary="Set a role's skill level",
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("role", "string", required=True),
            Param("region", "string"),
            Param("skill", "string", required=True),
            Param("level", "integer", required=True),
        ),
        body_schema="SkillLevel",
        body_required=True,
        accepts_json=True,
        result_schema="SkillProfile",
    ),
    Operation(
        resource="skill-profiles",
        name="delete",
        http_method="DELETE",
        path="/v1/skill-profiles/{profile_id}",
        summary="Remove a skill from a role's profile",
        path_params=(Param("profile_id", "string", required=True, description="The row's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        success_status=204,
    ),
    Operation(
        resource="stage-gates",
        name="get",
        http_method="GET",
        path="/v1/stage-gates/{stage_id}",
        summary="Read a stage's exit criteria",
        description="The current version of the criteria, or the one asked for.",
        path_params=(Param("stage_id", "string", required=True, description="The stage's id."),),
        query_params=(
            Param("version", "integer", description="0 or absent: the current version."),
        ),
        header_params=(
            Param(
                "If-None-Match",
                "string",
                python_name="if_none_match",
                description="The ETag of the copy the client holds: 304 without a body if still current.",
            ),
        ),
        result_schema="StageGate",
    ),
    Operation(
        resource="stage-gates",
        name="update",
        http_method="PUT",
        path="/v1/stage-gates/{stage_id}",
        summary="Set a stage's exit criteria",
        description="Admins only. Stores a new version; deals are checked against it from now on.",
        path_params=(Param("stage_id", "string", required=True, description="The stage's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("criteria", "array", required=True, item_kind="object"),
            Param("comment", "string", description="Why the criteria changed."),
        ),
        body_schema="SetStageGateRequest",
        body_required=True,
        accepts_json=True,
        result_schema="StageGate",
    ),
    Operation(
        resource="stage-gates",
        name="list_stage_gate_versions",
        http_method="GET",
        path="/v1/stage-gates/{stage_id}/versions",
        summary="A stage's exit criteria history",
        description="Every version of the criteria, newest first.",
        path_params=(Param("stage_id", "string", required=True, description="The stage's id."),),
        result_schema="StageGateVersions",
    ),
    Operation(
        resource="surveys",
        name="list",
        http_method="GET",
        path="/v1/surveys",
        summary="List survey responses",
        description="Responses in the caller's scope (a rep: their accounts'), newest first.",
        query_params=(
            Param("customer_id", "string", description="Only this customer's."),
            Param(
                "kind",
                "string",
                choices=("csat", "nps"),
                description="Only CSAT or only NPS responses.",
            ),
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="SurveyResponseList",
        items_key="responses",
    ),
    Operation(
        resource="surveys",
        name="create",
        http_method="POST",
        path="/v1/surveys",
        summary="Record a survey response",
        description="Record one CSAT or NPS answer of a customer the caller may change.",
        body_fields=(
            Param("customer_id", "string", required=True),
            Param("kind", "string", required=True, choices=("csat", "nps")),
            Param("score", "integer", required=True, description="CSAT 1-5, NPS 0-10."),
            Param("contact_id", "string"),
            Param(
                "channel",
                "string",
                choices=("email", "phone", "web", "in_app", "in_person", "case"),
                description="How the answer reached us; web if omitted (case is not accepted).",
            ),
            Param("comment", "string"),
            Param(
                "responded_at", "string", description="When the customer answered; now if omitted."
            ),
            Param(
                "external_id",
                "string",
                description="The survey tool's id of the response: recording it twice is a 409.",
            ),
        ),
        body_schema="RecordSurveyResponse",
        body_required=True,
        accepts_json=True,
        result_schema="SurveyResponse",
        success_status=201,
    ),
    Operation(
        resource="surveys",
        name="import_",
        http_method="POST",
        path="/v1/surveys:import",
        summary="Import survey responses (JSON or CSV)",
        description="Record many responses: each row's result comes back with its number (recorded, duplicate of a known external_id, or invalid naming the fields). A bad row never stops the others; a body that is not JSON or UTF-8 CSV with a header is refused whole.",
        body_fields=(Param("rows", "array", required=True, item_kind="object"),),
        body_required=True,
        accepts_json=True,
        accepts_csv=True,
        result_schema="SurveyImport",
    ),
    Operation(
        resource="targets",
        name="get_target_roll_up",
        http_method="GET",
        path="/v1/targets/{target_id}/roll-up",
        summary="Roll a target's allocation back up",
        description="Per parent unit: amount, children's sum, what they should sum to, and whether they do.",
        path_params=(Param("target_id", "string", required=True, description="The target's id."),),
        result_schema="TargetRollUp",
    ),
    Operation(
        resource="targets",
        name="adjust_allocation",
        http_method="POST",
        path="/v1/targets/{target_id}:adjust-allocation",
        summary="Change one unit's or rep's share by hand",
        description="Managers, directors and admins of the plan's region, with a reason.",
        path_params=(Param("target_id", "string", required=True, description="The target's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("unit_id", "string"),
            Param("rep_id", "string"),
            Param("amount", "object", description="For revenue targets."),
            Param("quantity", "integer", description="For every other metric."),
            Param("reason", "string", required=True),
        ),
        body_schema="AdjustAllocationRequest",
        body_required=True,
        accepts_json=True,
        result_schema="AdjustedAllocation",
    ),
    Operation(
        resource="targets",
        name="allocate",
        http_method="POST",
        path="/v1/targets/{target_id}:allocate",
        summary="Allocate a target down the org tree",
        description="Exact shares for the child units and reps; replaces the target's previous allocation.",
        path_params=(Param("target_id", "string", required=True, description="The target's id."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param(
                "method",
                "string",
                required=True,
                choices=("equal", "weights", "last_period_actuals", "market_potential"),
            ),
            Param(
                "weights",
                "object",
                description="Positive integer weight per child unit or rep id; a group of siblings has a weight for every member or for none (then split equally).",
            ),
            Param("over_allocation_bp", "integer", description="10000 = 100%, 11000 = 110%."),
            Param("depth", "integer", description="Levels below the unit; 0 = down to reps."),
        ),
        body_schema="AllocateTargetRequest",
        body_required=True,
        accepts_json=True,
        result_schema="AllocationResult",
    ),
    Operation(
        resource="territories",
        name="list",
        http_method="GET",
        path="/v1/territories",
        summary="List territories",
        description="Territories of the caller's regions that are not removed.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="TerritoryList",
        items_key="territories",
    ),
    Operation(
        resource="territories",
        name="create",
        http_method="POST",
        path="/v1/territories",
        summary="Create a territory",
        description="An admin or a director; emits planning.territory.changed (version 1).",
        body_fields=(
            Param("name", "string", required=True),
            Param("countries", "array", item_kind="string"),
            Param("industries", "array", item_kind="string"),
            Param("company_sizes", "array", item_kind="string"),
            Param("rep_ids", "array", item_kind="string"),
            Param("market_potential", "object", required=True),
            Param("region", "string", required=True),
        ),
        body_schema="NewTerritory",
        body_required=True,
        accepts_json=True,
        result_schema="Territory",
        success_status=201,
    ),
    Operation(
        resource="territories",
        name="coverage",
        http_method="GET",
        path="/v1/territories/coverage",
        summary="Coverage of a region's territories",
        description="Headcount, capacity, market potential and potential per head; another region is 404.",
        query_params=(Param("region", "string", required=True, description="The region."),),
        result_schema="Coverage",
    ),
    Operation(
        resource="territories",
        name="delete",
        http_method="DELETE",
        path="/v1/territories/{territory_id}",
        summary="Remove a territory",
        description="An admin or a director; emits planning.territory.changed with removed=true.",
        path_params=(Param("territory_id", "string", required=True, description="The territory."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        result_schema="Territory",
    ),
    Operation(
        resource="territories",
        name="update",
        http_method="PUT",
        path="/v1/territories/{territory_id}",
        summary="Replace a territory's rules, reps and potential",
        description="An admin or a director; bumps the version and emits planning.territory.changed.",
        path_params=(Param("territory_id", "string", required=True, description="The territory."),),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("name", "string", required=True),
            Param("countries", "array", item_kind="string"),
            Param("industries", "array", item_kind="string"),
            Param("company_sizes", "array", item_kind="string"),
            Param("rep_ids", "array", item_kind="string"),
            Param("market_potential", "object", required=True),
        ),
        body_schema="TerritoryState",
        body_required=True,
        accepts_json=True,
        result_schema="Territory",
    ),
    Operation(
        resource="territories",
        name="get_market_share",
        http_method="GET",
        path="/v1/territories/{territory_id}/market-share",
        summary="A territory's market share",
        description="Our revenue over each segment's size, and over their total; a missing FX rate is 422.",
        path_params=(Param("territory_id", "string", required=True, description="The territory."),),
        query_params=(Param("period", "string", description="The fiscal period, e.g. FY2027-Q1."),),
        result_schema="MarketShare",
    ),
    Operation(
        resource="tier-thresholds",
        name="list",
        http_method="GET",
        path="/v1/tier-thresholds",
        summary="List tier thresholds",
        description="The thresholds that apply in the caller's regions.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="TierThresholdsList",
        items_key="thresholds",
    ),
    Operation(
        resource="tier-thresholds",
        name="set",
        http_method="PUT",
        path="/v1/tier-thresholds",
        summary="Set tier thresholds",
        description="Admins only; every account the thresholds apply to is re-tiered now.",
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(
            Param("region", "string", description="Empty for the global thresholds."),
            Param("currency", "string", required=True),
            Param("a_revenue_minor", "integer", required=True),
            Param("b_revenue_minor", "integer", required=True),
            Param("a_potential_minor", "integer", required=True),
            Param("b_potential_minor", "integer", required=True),
        ),
        body_schema="SetTierThresholdsRequest",
        body_required=True,
        accepts_json=True,
        result_schema="ThresholdsSet",
    ),
    Operation(
        resource="transfer-requests",
        name="list",
        http_method="GET",
        path="/v1/transfer-requests",
        summary="List transfer requests",
        description="Requests in the caller's scope (a rep: those they asked for, give or receive).",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("customer_id", "string", description="Only requests about this account."),
            Param(
                "status",
                "string",
                choices=("pending", "approved", "rejected", "cancelled"),
                description="Only requests in this status.",
            ),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="OwnershipTransferList",
        items_key="transfers",
    ),
    Operation(
        resource="transfer-requests",
        name="create",
        http_method="POST",
        path="/v1/transfer-requests",
        summary="Ask for an account to change owner",
        description="A pending request for the owner's manager to decide; `Location` points at it.",
        body_fields=(
            Param("customer_id", "string", required=True),
            Param("to_owner_id", "string", required=True),
            Param("reason", "string", required=True),
        ),
        body_schema="NewTransferRequest",
        body_required=True,
        accepts_json=True,
        result_schema="OwnershipTransfer",
        success_status=201,
    ),
    Operation(
        resource="transfer-requests",
        name="get",
        http_method="GET",
        path="/v1/transfer-requests/{transfer_id}",
        summary="Read a transfer request",
        description="A request outside the caller's scope is 404.",
        path_params=(
            Param("transfer_id", "string", required=True, description="The request's id."),
        ),
        result_schema="OwnershipTransfer",
    ),
    Operation(
        resource="transfer-requests",
        name="approve",
        http_method="POST",
        path="/v1/transfer-requests/{transfer_id}:approve",
        summary="Approve a transfer request",
        description="The owner's manager or a director: the account changes owner now.",
        path_params=(
            Param("transfer_id", "string", required=True, description="The request's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("comment", "string"),),
        body_schema="Decision",
        accepts_json=True,
        result_schema="Approved",
    ),
    Operation(
        resource="transfer-requests",
        name="reject",
        http_method="POST",
        path="/v1/transfer-requests/{transfer_id}:reject",
        summary="Reject a transfer request",
        description="The owner's manager or a director; the comment says why.",
        path_params=(
            Param("transfer_id", "string", required=True, description="The request's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("comment", "string"),),
        body_schema="Decision",
        body_required=True,
        accepts_json=True,
        result_schema="OwnershipTransfer",
    ),
    Operation(
        resource="violations",
        name="list",
        http_method="GET",
        path="/v1/violations",
        summary="List violations",
        description="Violations the caller sees (a rep: their own), newest first.",
        query_params=(
            Param(
                "region", "string", description="Only this region; all of the caller's if empty."
            ),
            Param("period", "string", description="Only this fiscal period's."),
            Param(
                "rule",
                "string",
                choices=(
                    "stale_opportunity",
                    "lead_sla_breach",
                    "discount_above_authority",
                    "won_without_contract",
                ),
            ),
            Param("status", "string", choices=("open", "dismissed", "penalised")),
            Param("rep_id", "string", description="Only this rep's."),
            Param("inspection_id", "string", description="Only those this run found first."),
            Param("page_size", "integer", description="1 to 500; default 50."),
            Param("page_token", "string", description="The next_page_token of the previous page."),
        ),
        result_schema="ViolationList",
        items_key="violations",
    ),
    Operation(
        resource="violations",
        name="get",
        http_method="GET",
        path="/v1/violations/{violation_id}",
        summary="Read a violation",
        path_params=(
            Param("violation_id", "string", required=True, description="The violation's id."),
        ),
        header_params=(
            Param(
                "If-None-Match",
                "string",
                python_name="if_none_match",
                description="The ETag of the copy the client holds: 304 without a body if still current.",
            ),
        ),
        result_schema="Violation",
    ),
    Operation(
        resource="violations",
        name="dismiss",
        http_method="POST",
        path="/v1/violations/{violation_id}:dismiss",
        summary="Dismiss a violation",
        description="A director of the region, with a reason; only an open violation.",
        path_params=(
            Param("violation_id", "string", required=True, description="The violation's id."),
        ),
        header_params=(
            Param(
                "If-Match",
                "string",
                python_name="if_match",
                description='The ETag of the record as last read (`"3"`): the change applies only if the record is still at that version, else 412. `*` or no header: no check. A weak tag is 412; a list or an unquoted value is 400.',
            ),
        ),
        body_fields=(Param("reason", "string", required=True),),
        body_schema="Dismissal",
        body_required=True,
        accepts_json=True,
        result_schema="Violation",
    ),
    Operation(
        resource="weighted-pipeline",
        name="get",
        http_method="GET",
        path="/v1/weighted-pipeline",
        summary="Weighted pipeline of a rep or unit",
        description="Exactly one of `org_unit` and `rep`; outside the caller's scope it is 404.",
        query_params=(
            Param(
                "period", "string", required=True, description="A fiscal period, e.g. FY2027-Q1."
            ),
            Param("org_unit", "string", description="A unit (over its subtree); or give rep."),
            Param("rep", "string", description="A rep; or give org_unit."),
        ),
        result_schema="WeightedPipeline",
    ),
)
OPERATIONS_BY_ID: dict[str, Operation] = {
    operation.operation_id: operation for operation in OPERATIONS
}


class ActivitiesResource(ResourceBase):
    """`/v1/activities`."""

    def list(
        self,
        *,
        region: str | None = None,
        lead_id: str | None = None,
        opportunity_id: str | None = None,
        customer_id: str | None = None,
        owner_id: str | None = None,
        type: Literal["call", "meeting", "visit", "email", "task"] | None = None,
        status: Literal["open", "completed"] | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> ActivityList:
        """List activities.

        GET /v1/activities

        Activities in the caller's scope, newest first; filter by at most one target.
        """
        return cast(
            ActivityList,
            self._call(
                "activities.list",
                query={
                    "region": region,
                    "lead_id": lead_id,
                    "opportunity_id": opportunity_id,
                    "customer_id": customer_id,
                    "owner_id": owner_id,
                    "type": type,
                    "status": status,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        lead_id: str | None = None,
        opportunity_id: str | None = None,
        customer_id: str | None = None,
        owner_id: str | None = None,
        type: Literal["call", "meeting", "visit", "email", "task"] | None = None,
        status: Literal["open", "completed"] | None = None,
        page_size: int | None = None,
    ) -> Iterator[Activity]:
        """Every item of `list`, page after page (GET /v1/activities).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "activities.list",
            query={
                "region": region,
                "lead_id": lead_id,
                "opportunity_id": opportunity_id,
                "customer_id": customer_id,
                "owner_id": owner_id,
                "type": type,
                "status": status,
                "page_size": page_size,
            },
        )

    def create(self, body: LogActivityRequest, *, idempotency_key: str | None = None) -> Activity:
        """Log an activity.

        POST /v1/activities

        Record an activity; emits `pipeline.activity.logged`.
        """
        return cast(
            Activity, self._call("activities.create", body=body, idempotency_key=idempotency_key)
        )

    def get(self, activity_id: str) -> Activity:
        """Read an activity.

        GET /v1/activities/{activity_id}

        An activity outside the caller's scope is 404.
        """
        return cast(Activity, self._call("activities.get", path={"activity_id": activity_id}))

    def complete(
        self,
        activity_id: str,
        body: CompleteActivityRequest,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Activity:
        """Complete a task.

        POST /v1/activities/{activity_id}:complete

        Complete an open task with its outcome; emits `pipeline.activity.completed`.
        """
        return cast(
            Activity,
            self._call(
                "activities.complete",
                path={"activity_id": activity_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )


class AssessmentsResource(ResourceBase):
    """`/v1/assessments`."""

    def list(
        self,
        *,
        course_id: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> AssessmentList:
        """List assessments.

        GET /v1/assessments
        """
        return cast(
            AssessmentList,
            self._call(
                "assessments.list",
                query={"course_id": course_id, "page_size": page_size, "page_token": page_token},
            ),
        )

    def list_all(
        self, *, course_id: str | None = None, page_size: int | None = None
    ) -> Iterator[Assessment]:
        """Every item of `list`, page after page (GET /v1/assessments).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "assessments.list", query={"course_id": course_id, "page_size": page_size}
        )

    def create(self, body: NewAssessment, *, idempotency_key: str | None = None) -> Assessment:
        """Create an assessment.

        POST /v1/assessments

        Admins, or directors for their regions' courses.
        """
        return cast(
            Assessment, self._call("assessments.create", body=body, idempotency_key=idempotency_key)
        )

    def get(self, assessment_id: str, *, if_none_match: str | None = None) -> Assessment:
        """Read an assessment.

        GET /v1/assessments/{assessment_id}
        """
        return cast(
            Assessment,
            self._call(
                "assessments.get",
                path={"assessment_id": assessment_id},
                headers={"if_none_match": if_none_match},
            ),
        )

    def update(
        self, assessment_id: str, body: ChangedAssessment, *, if_match: int | str | None = None
    ) -> Assessment:
        """Replace an assessment's settings and questions.

        PUT /v1/assessments/{assessment_id}
        """
        return cast(
            Assessment,
            self._call(
                "assessments.update",
                path={"assessment_id": assessment_id},
                body=body,
                headers={"if_match": if_match},
            ),
        )

    def list_attempts(
        self,
        assessment_id: str,
        *,
        rep_id: str | None = None,
        region: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> AttemptList:
        """List attempts at an assessment.

        GET /v1/assessments/{assessment_id}/attempts
        """
        return cast(
            AttemptList,
            self._call(
                "assessments.list_attempts",
                path={"assessment_id": assessment_id},
                query={
                    "rep_id": rep_id,
                    "region": region,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_attempts_all(
        self,
        assessment_id: str,
        *,
        rep_id: str | None = None,
        region: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[Attempt]:
        """Every item of `list_attempts`, page after page (GET
        /v1/assessments/{assessment_id}/attempts).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "assessments.list_attempts",
            path={"assessment_id": assessment_id},
            query={"rep_id": rep_id, "region": region, "page_size": page_size},
        )

    def submit(
        self,
        assessment_id: str,
        body: Submission,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Attempt:
        """Submit answers to an assessment.

        POST /v1/assessments/{assessment_id}:submit

        Scored now: one attempt of the caller, within the limit, in an open enrollment.
        """
        return cast(
            Attempt,
            self._call(
                "assessments.submit",
                path={"assessment_id": assessment_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )


class AssignmentRulesResource(ResourceBase):
    """`/v1/assignment-rules`."""

    def list(
        self,
        *,
        trigger: Literal[
            "rep_hired", "gap_detected", "violation_recorded", "certification_expiring"
        ]
        | None = None,
        region: str | None = None,
        enabled_only: bool | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> AssignmentRuleList:
        """List assignment rules.

        GET /v1/assignment-rules

        Rules of the caller's regions and of every region, newest first.
        """
        return cast(
            AssignmentRuleList,
            self._call(
                "assignment_rules.list",
                query={
                    "trigger": trigger,
                    "region": region,
                    "enabled_only": enabled_only,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        trigger: Literal[
            "rep_hired", "gap_detected", "violation_recorded", "certification_expiring"
        ]
        | None = None,
        region: str | None = None,
        enabled_only: bool | None = None,
        page_size: int | None = None,
    ) -> Iterator[AssignmentRule]:
        """Every item of `list`, page after page (GET /v1/assignment-rules).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "assignment_rules.list",
            query={
                "trigger": trigger,
                "region": region,
                "enabled_only": enabled_only,
                "page_size": page_size,
            },
        )

    def create(
        self, body: AssignmentRuleBody, *, idempotency_key: str | None = None
    ) -> AssignmentRule:
        """Create an assignment rule.

        POST /v1/assignment-rules
        """
        return cast(
            AssignmentRule,
            self._call("assignment_rules.create", body=body, idempotency_key=idempotency_key),
        )

    def get(self, rule_id: str, *, if_none_match: str | None = None) -> AssignmentRule:
        """Read an assignment rule.

        GET /v1/assignment-rules/{rule_id}
        """
        return cast(
            AssignmentRule,
            self._call(
                "assignment_rules.get",
                path={"rule_id": rule_id},
                headers={"if_none_match": if_none_match},
            ),
        )

    def update(
        self, rule_id: str, body: AssignmentRuleUpdate, *, if_match: int | str | None = None
    ) -> AssignmentRule:
        """Change an assignment rule.

        PUT /v1/assignment-rules/{rule_id}
        """
        return cast(
            AssignmentRule,
            self._call(
                "assignment_rules.update",
                path={"rule_id": rule_id},
                body=body,
                headers={"if_match": if_match},
            ),
        )


class AttainmentResource(ResourceBase):
    """`/v1/attainment`."""

    def get(
        self,
        *,
        period: str | None = None,
        org_unit: str | None = None,
        rep: str | None = None,
        as_of: str | None = None,
    ) -> Attainment:
        """A unit's or rep's attainment for a period.

        GET /v1/attainment

        Exactly one of org_unit and rep; outside the caller's scope the subject is 404.
        """
        return cast(
            Attainment,
            self._call(
                "attainment.get",
                query={"period": period, "org_unit": org_unit, "rep": rep, "as_of": as_of},
            ),
        )

    def checkpoint(
        self, body: RunPaceCheckpointRequest | None = None, *, idempotency_key: str | None = None
    ) -> PaceCheckpoint:
        """Run the pace checkpoint (admins).

        POST /v1/attainment:checkpoint

        Report every unit and rep below the configured share of pace, once per target and day.
        """
        return cast(
            PaceCheckpoint,
            self._call("attainment.checkpoint", body=body, idempotency_key=idempotency_key),
        )


class CaseSlaPoliciesResource(ResourceBase):
    """`/v1/case-sla-policies`."""

    def get(self, region: str) -> CaseSlaPolicy:
        """Read a region's case resolution SLA.

        GET /v1/case-sla-policies/{region}

        Hours per priority: the region's overrides, the platform defaults elsewhere.
        """
        return cast(CaseSlaPolicy, self._call("case_sla_policies.get", path={"region": region}))

    def update(
        self, region: str, body: SetCaseSlaPolicyRequest, *, if_match: int | str | None = None
    ) -> CaseSlaPolicy:
        """Set a region's case resolution SLA.

        PUT /v1/case-sla-policies/{region}

        Admins of the region only. Replaces its overrides; cases already open keep their due
        time.
        """
        return cast(
            CaseSlaPolicy,
            self._call(
                "case_sla_policies.update",
                path={"region": region},
                body=body,
                headers={"if_match": if_match},
            ),
        )


class CasesResource(ResourceBase):
    """`/v1/cases`."""

    def list(
        self,
        *,
        region: str | None = None,
        status: Literal["open", "in_progress", "resolved", "closed"] | None = None,
        priority: Literal["urgent", "high", "normal", "low"] | None = None,
        assignee_id: str | None = None,
        customer_id: str | None = None,
        overdue: bool | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> CaseList:
        """List cases.

        GET /v1/cases

        Cases in the caller's scope, newest first.
        """
        return cast(
            CaseList,
            self._call(
                "cases.list",
                query={
                    "region": region,
                    "status": status,
                    "priority": priority,
                    "assignee_id": assignee_id,
                    "customer_id": customer_id,
                    "overdue": overdue,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        status: Literal["open", "in_progress", "resolved", "closed"] | None = None,
        priority: Literal["urgent", "high", "normal", "low"] | None = None,
        assignee_id: str | None = None,
        customer_id: str | None = None,
        overdue: bool | None = None,
        page_size: int | None = None,
    ) -> Iterator[Case]:
        """Every item of `list`, page after page (GET /v1/cases).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "cases.list",
            query={
                "region": region,
                "status": status,
                "priority": priority,
                "assignee_id": assignee_id,
                "customer_id": customer_id,
                "overdue": overdue,
                "page_size": page_size,
            },
        )

    def create(self, body: OpenCaseRequest, *, idempotency_key: str | None = None) -> Case:
        """Open a case.

        POST /v1/cases

        Open a case for a customer of `region`; its due time follows the priority's SLA.
        """
        return cast(Case, self._call("cases.create", body=body, idempotency_key=idempotency_key))

    def get(self, case_id: str) -> Case:
        """Read a case.

        GET /v1/cases/{case_id}

        A case outside the caller's scope is 404, exactly as if it did not exist.
        """
        return cast(Case, self._call("cases.get", path={"case_id": case_id}))

    def assign(
        self,
        case_id: str,
        body: AssignCaseRequest,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Case:
        """Assign a case.

        POST /v1/cases/{case_id}:assign

        Assign or reassign an open or in-progress case; a rep may only take it themselves.
        """
        return cast(
            Case,
            self._call(
                "cases.assign",
                path={"case_id": case_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def close(
        self,
        case_id: str,
        body: NoFields | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Case:
        """Close a case.

        POST /v1/cases/{case_id}:close

        resolved -> closed, for good.
        """
        return cast(
            Case,
            self._call(
                "cases.close",
                path={"case_id": case_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def reopen(
        self,
        case_id: str,
        body: ReopenCaseRequest,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Case:
        """Reopen a case.

        POST /v1/cases/{case_id}:reopen

        resolved -> in_progress; the resolution is cleared, the due time stays.
        """
        return cast(
            Case,
            self._call(
                "cases.reopen",
                path={"case_id": case_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def resolve(
        self,
        case_id: str,
        body: ResolveCaseRequest,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Case:
        """Resolve a case.

        POST /v1/cases/{case_id}:resolve

        in_progress -> resolved, with a note and, if given, the customer's satisfaction (1-5).
        """
        return cast(
            Case,
            self._call(
                "cases.resolve",
                path={"case_id": case_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def start(
        self,
        case_id: str,
        body: NoFields | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Case:
        """Start work on a case.

        POST /v1/cases/{case_id}:start

        open -> in_progress; an unassigned case is assigned to the caller.
        """
        return cast(
            Case,
            self._call(
                "cases.start",
                path={"case_id": case_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )


class CertificationsResource(ResourceBase):
    """`/v1/certifications`."""

    def list(
        self,
        *,
        region: str | None = None,
        rep_id: str | None = None,
        team_id: str | None = None,
        product_line: str | None = None,
        state: Literal["valid", "expired", "revoked"] | None = None,
        expiring_within_days: int | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> CertificationList:
        """List certifications.

        GET /v1/certifications
        """
        return cast(
            CertificationList,
            self._call(
                "certifications.list",
                query={
                    "region": region,
                    "rep_id": rep_id,
                    "team_id": team_id,
                    "product_line": product_line,
                    "state": state,
                    "expiring_within_days": expiring_within_days,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        rep_id: str | None = None,
        team_id: str | None = None,
        product_line: str | None = None,
        state: Literal["valid", "expired", "revoked"] | None = None,
        expiring_within_days: int | None = None,
        page_size: int | None = None,
    ) -> Iterator[Certification]:
        """Every item of `list`, page after page (GET /v1/certifications).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "certifications.list",
            query={
                "region": region,
                "rep_id": rep_id,
                "team_id": team_id,
                "product_line": product_line,
                "state": state,
                "expiring_within_days": expiring_within_days,
                "page_size": page_size,
            },
        )

    def get(self, certification_id: str, *, if_none_match: str | None = None) -> Certification:
        """Read a certification.

        GET /v1/certifications/{certification_id}
        """
        return cast(
            Certification,
            self._call(
                "certifications.get",
                path={"certification_id": certification_id},
                headers={"if_none_match": if_none_match},
            ),
        )

    def revoke(
        self,
        certification_id: str,
        body: Revocation,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Certification:
        """Revoke a certification.

        POST /v1/certifications/{certification_id}:revoke

        A director or admin of the region, with a reason; final.
        """
        return cast(
            Certification,
            self._call(
                "certifications.revoke",
                path={"certification_id": certification_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def grant(self, body: OutsideGrant, *, idempotency_key: str | None = None) -> Certification:
        """Record a certification obtained elsewhere.

        POST /v1/certifications:grant

        Admins; the same validity rules as a certification course.
        """
        return cast(
            Certification,
            self._call("certifications.grant", body=body, idempotency_key=idempotency_key),
        )

    def run_expiry(self, body: ExpiryCheck, *, idempotency_key: str | None = None) -> ExpiryResult:
        """Run the certification expiry check.

        POST /v1/certifications:run-expiry

        Admins; the worker runs the same check hourly.
        """
        return cast(
            ExpiryResult,
            self._call("certifications.run_expiry", body=body, idempotency_key=idempotency_key),
        )


class CoachingActionsResource(ResourceBase):
    """`/v1/coaching-actions`."""

    def complete(
        self,
        action_id: str,
        body: NoFields | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> CoachingAction:
        """Complete an action item.

        POST /v1/coaching-actions/{action_id}:complete

        The rep completes the actions they own; the coach side any action of the session.
        """
        return cast(
            CoachingAction,
            self._call(
                "coaching_actions.complete",
                path={"action_id": action_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )


class CoachingSessionsResource(ResourceBase):
    """`/v1/coaching-sessions`."""

    def list(
        self,
        *,
        region: str | None = None,
        rep_id: str | None = None,
        team_id: str | None = None,
        focus_skill: str | None = None,
        overdue_only: bool | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> CoachingSessionList:
        """List coaching sessions.

        GET /v1/coaching-sessions

        Sessions the caller sees (a rep: their own), newest first.
        """
        return cast(
            CoachingSessionList,
            self._call(
                "coaching_sessions.list",
                query={
                    "region": region,
                    "rep_id": rep_id,
                    "team_id": team_id,
                    "focus_skill": focus_skill,
                    "overdue_only": overdue_only,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        rep_id: str | None = None,
        team_id: str | None = None,
        focus_skill: str | None = None,
        overdue_only: bool | None = None,
        page_size: int | None = None,
    ) -> Iterator[CoachingSession]:
        """Every item of `list`, page after page (GET /v1/coaching-sessions).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "coaching_sessions.list",
            query={
                "region": region,
                "rep_id": rep_id,
                "team_id": team_id,
                "focus_skill": focus_skill,
                "overdue_only": overdue_only,
                "page_size": page_size,
            },
        )

    def create(
        self, body: CoachingSessionBody, *, idempotency_key: str | None = None
    ) -> CoachingSession:
        """Record a coaching session.

        POST /v1/coaching-sessions
        """
        return cast(
            CoachingSession,
            self._call("coaching_sessions.create", body=body, idempotency_key=idempotency_key),
        )

    def get(self, session_id: str, *, if_none_match: str | None = None) -> CoachingSession:
        """Read a coaching session.

        GET /v1/coaching-sessions/{session_id}
        """
        return cast(
            CoachingSession,
            self._call(
                "coaching_sessions.get",
                path={"session_id": session_id},
                headers={"if_none_match": if_none_match},
            ),
        )

    def update(
        self, session_id: str, body: CoachingSessionChange, *, if_match: int | str | None = None
    ) -> CoachingSession:
        """Change a coaching session.

        PATCH /v1/coaching-sessions/{session_id}
        """
        return cast(
            CoachingSession,
            self._call(
                "coaching_sessions.update",
                path={"session_id": session_id},
                body=body,
                headers={"if_match": if_match},
            ),
        )

    def add_coaching_action(
        self, session_id: str, body: CoachingActionBody, *, idempotency_key: str | None = None
    ) -> ActionAdded:
        """Add an action item.

        POST /v1/coaching-sessions/{session_id}/actions
        """
        return cast(
            ActionAdded,
            self._call(
                "coaching_sessions.add_coaching_action",
                path={"session_id": session_id},
                body=body,
                idempotency_key=idempotency_key,
            ),
        )


class CommissionPlansResource(ResourceBase):
    """`/v1/commission-plans`."""

    def list(
        self,
        *,
        region: str | None = None,
        role: Literal["rep", "manager"] | None = None,
        status: Literal["draft", "approved", "superseded"] | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> CommissionPlanList:
        """List commission plans.

        GET /v1/commission-plans

        Plan versions of the caller's regions, newest first.
        """
        return cast(
            CommissionPlanList,
            self._call(
                "commission_plans.list",
                query={
                    "region": region,
                    "role": role,
                    "status": status,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        role: Literal["rep", "manager"] | None = None,
        status: Literal["draft", "approved", "superseded"] | None = None,
        page_size: int | None = None,
    ) -> Iterator[CommissionPlan]:
        """Every item of `list`, page after page (GET /v1/commission-plans).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "commission_plans.list",
            query={"region": region, "role": role, "status": status, "page_size": page_size},
        )

    def create(
        self, body: CreateCommissionPlanRequest, *, idempotency_key: str | None = None
    ) -> CommissionPlan:
        """Draft a commission plan.

        POST /v1/commission-plans

        A draft for a role and region; `Location` points at it.
        """
        return cast(
            CommissionPlan,
            self._call("commission_plans.create", body=body, idempotency_key=idempotency_key),
        )

    def get(self, plan_id: str) -> CommissionPlanDetail:
        """Read a commission plan and its versions.

        GET /v1/commission-plans/{plan_id}

        One version and every version of the plan; outside the caller's regions it is 404.
        """
        return cast(
            CommissionPlanDetail, self._call("commission_plans.get", path={"plan_id": plan_id})
        )

    def amend(
        self,
        plan_id: str,
        body: AmendCommissionPlanRequest | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> CommissionPlan:
        """Amend a commission plan.

        POST /v1/commission-plans/{plan_id}:amend

        Draft the next version of an approved plan (returned).
        """
        return cast(
            CommissionPlan,
            self._call(
                "commission_plans.amend",
                path={"plan_id": plan_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def approve(
        self,
        plan_id: str,
        body: NoFields | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> CommissionPlan:
        """Approve a commission plan.

        POST /v1/commission-plans/{plan_id}:approve

        A director or admin of the region, not the author; the plan is locked from then on.
        """
        return cast(
            CommissionPlan,
            self._call(
                "commission_plans.approve",
                path={"plan_id": plan_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )


class CommissionStatementsResource(ResourceBase):
    """`/v1/commission-statements`."""

    def list(
        self,
        *,
        region: str | None = None,
        period: str | None = None,
        rep_id: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> CommissionStatementList:
        """List commission statements.

        GET /v1/commission-statements

        Statements in the caller's scope, newest first, without their lines.
        """
        return cast(
            CommissionStatementList,
            self._call(
                "commission_statements.list",
                query={
                    "region": region,
                    "period": period,
                    "rep_id": rep_id,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        period: str | None = None,
        rep_id: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[CommissionStatement]:
        """Every item of `list`, page after page (GET /v1/commission-statements).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "commission_statements.list",
            query={"region": region, "period": period, "rep_id": rep_id, "page_size": page_size},
        )

    def get(
        self, statement_id: str, *, if_none_match: str | None = None
    ) -> CommissionStatementDetail:
        """Read a commission statement.

        GET /v1/commission-statements/{statement_id}

        Every line, explained, and every version; outside the caller's scope it is 404.
        """
        return cast(
            CommissionStatementDetail,
            self._call(
                "commission_statements.get",
                path={"statement_id": statement_id},
                headers={"if_none_match": if_none_match},
            ),
        )

    def calculate(
        self, body: CalculateStatementsRequest, *, idempotency_key: str | None = None
    ) -> CalculationResult:
        """Calculate commission statements.

        POST /v1/commission-statements:calculate

        Calculate or recalculate a region's (or one rep's) statements for a period.
        """
        return cast(
            CalculationResult,
            self._call(
                "commission_statements.calculate", body=body, idempotency_key=idempotency_key
            ),
        )


class CompetitorsResource(ResourceBase):
    """`/v1/competitors`."""

    def list(
        self,
        *,
        include_archived: bool | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> CompetitorList:
        """List competitors.

        GET /v1/competitors

        Every competitor, newest first.
        """
        return cast(
            CompetitorList,
            self._call(
                "competitors.list",
                query={
                    "include_archived": include_archived,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self, *, include_archived: bool | None = None, page_size: int | None = None
    ) -> Iterator[Competitor]:
        """Every item of `list`, page after page (GET /v1/competitors).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "competitors.list", query={"include_archived": include_archived, "page_size": page_size}
        )

    def create(self, body: CompetitorState, *, idempotency_key: str | None = None) -> Competitor:
        """Create a competitor.

        POST /v1/competitors

        A manager, director or admin; a name already taken (once normalised) is 409.
        """
        return cast(
            Competitor, self._call("competitors.create", body=body, idempotency_key=idempotency_key)
        )

    def get(self, competitor_id: str, *, if_none_match: str | None = None) -> Competitor:
        """Read a competitor.

        GET /v1/competitors/{competitor_id}

        One competitor, archived or not.
        """
        return cast(
            Competitor,
            self._call(
                "competitors.get",
                path={"competitor_id": competitor_id},
                headers={"if_none_match": if_none_match},
            ),
        )

    def update(
        self, competitor_id: str, body: CompetitorChange, *, if_match: int | str | None = None
    ) -> Competitor:
        """Replace a competitor's profile.

        PUT /v1/competitors/{competitor_id}

        A stale `version` is 409; an archived competitor does not change (422).
        """
        return cast(
            Competitor,
            self._call(
                "competitors.update",
                path={"competitor_id": competitor_id},
                body=body,
                headers={"if_match": if_match},
            ),
        )

    def archive(
        self,
        competitor_id: str,
        body: NoFields | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Competitor:
        """Archive a competitor.

        POST /v1/competitors/{competitor_id}:archive

        Kept for history; archiving twice changes nothing.
        """
        return cast(
            Competitor,
            self._call(
                "competitors.archive",
                path={"competitor_id": competitor_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )


class ContactsResource(ResourceBase):
    """`/v1/contacts`."""

    def get(self, contact_id: str) -> CustomerContact:
        """Read a contact.

        GET /v1/contacts/{contact_id}

        A contact outside the caller's scope is 404, exactly as if it did not exist.
        """
        return cast(CustomerContact, self._call("contacts.get", path={"contact_id": contact_id}))

    def update(
        self, contact_id: str, body: UpdateContactRequest, *, if_match: int | str | None = None
    ) -> CustomerContact:
        """Change a contact.

        PATCH /v1/contacts/{contact_id}

        Change the fields present in the body; an erased contact cannot be changed (422).
        """
        return cast(
            CustomerContact,
            self._call(
                "contacts.update",
                path={"contact_id": contact_id},
                body=body,
                headers={"if_match": if_match},
            ),
        )

    def get_consent(self, contact_id: str) -> ContactConsent:
        """Read a contact's consent.

        GET /v1/contacts/{contact_id}/consent

        Where consent stands per channel, and the full history of statements.
        """
        return cast(
            ContactConsent, self._call("contacts.get_consent", path={"contact_id": contact_id})
        )

    def record_consent(
        self, contact_id: str, body: ConsentInput, *, idempotency_key: str | None = None
    ) -> ContactConsent:
        """Record a consent statement.

        POST /v1/contacts/{contact_id}/consent

        Append a statement (given with its lawful basis, or withdrawn) to the history.
        """
        return cast(
            ContactConsent,
            self._call(
                "contacts.record_consent",
                path={"contact_id": contact_id},
                body=body,
                idempotency_key=idempotency_key,
            ),
        )

    def erase(
        self,
        contact_id: str,
        body: NoFields | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> ContactErasure:
        """Erase a contact's personal data.

        POST /v1/contacts/{contact_id}:erase

        Irreversibly remove the person's data (the account's history and counts stay); a repeat
        changes nothing. Managers, directors and admins of the region; audited.
        """
        return cast(
            ContactErasure,
            self._call(
                "contacts.erase",
                path={"contact_id": contact_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def export(
        self,
        contact_id: str,
        body: NoFields | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Any:
        """Export everything held about a contact.

        POST /v1/contacts/{contact_id}:export

        One JSON document: the contact, consent history, timeline entries about them, and the
        audit of exports and erasures. Managers, directors and admins of the region; audited.
        """
        return self._call(
            "contacts.export",
            path={"contact_id": contact_id},
            body=body,
            headers={"if_match": if_match},
            idempotency_key=idempotency_key,
        )


class ContractsResource(ResourceBase):
    """`/v1/contracts`."""

    def list(
        self,
        *,
        region: str | None = None,
        customer_id: str | None = None,
        opportunity_id: str | None = None,
        status: Literal["active", "cancelled", "renewed"] | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> ContractList:
        """List contracts.

        GET /v1/contracts

        Contracts in the caller's scope (a rep: those they own or are credited on).
        """
        return cast(
            ContractList,
            self._call(
                "contracts.list",
                query={
                    "region": region,
                    "customer_id": customer_id,
                    "opportunity_id": opportunity_id,
                    "status": status,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        customer_id: str | None = None,
        opportunity_id: str | None = None,
        status: Literal["active", "cancelled", "renewed"] | None = None,
        page_size: int | None = None,
    ) -> Iterator[Contract]:
        """Every item of `list`, page after page (GET /v1/contracts).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "contracts.list",
            query={
                "region": region,
                "customer_id": customer_id,
                "opportunity_id": opportunity_id,
                "status": status,
                "page_size": page_size,
            },
        )

    def get(self, contract_id: str) -> Contract:
        """Read a contract.

        GET /v1/contracts/{contract_id}

        A contract outside the caller's scope is 404.
        """
        return cast(Contract, self._call("contracts.get", path={"contract_id": contract_id}))

    def cancel(
        self,
        contract_id: str,
        body: CancelContractRequest,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Contract:
        """Cancel a contract.

        POST /v1/contracts/{contract_id}:cancel

        Cancel an active contract; emits `pipeline.contract.cancelled` with the credit splits.
        """
        return cast(
            Contract,
            self._call(
                "contracts.cancel",
                path={"contract_id": contract_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def renew(
        self,
        contract_id: str,
        body: RenewContractRequest | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Contract:
        """Renew a contract.

        POST /v1/contracts/{contract_id}:renew

        Sign the follow-on contract (returned); the current one becomes renewed.
        """
        return cast(
            Contract,
            self._call(
                "contracts.renew",
                path={"contract_id": contract_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )


class CoursesResource(ResourceBase):
    """`/v1/courses`."""

    def list(
        self,
        *,
        category: str | None = None,
        skill: str | None = None,
        product_line: str | None = None,
        status: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> CourseList:
        """List courses.

        GET /v1/courses

        Courses of every region and of the caller's regions, newest first.
        """
        return cast(
            CourseList,
            self._call(
                "courses.list",
                query={
                    "category": category,
                    "skill": skill,
                    "product_line": product_line,
                    "status": status,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        category: str | None = None,
        skill: str | None = None,
        product_line: str | None = None,
        status: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[Course]:
        """Every item of `list`, page after page (GET /v1/courses).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "courses.list",
            query={
                "category": category,
                "skill": skill,
                "product_line": product_line,
                "status": status,
                "page_size": page_size,
            },
        )

    def create(self, body: NewCourse, *, idempotency_key: str | None = None) -> Course:
        """Add a course.

        POST /v1/courses

        A new active course.
        """
        return cast(
            Course, self._call("courses.create", body=body, idempotency_key=idempotency_key)
        )

    def get(self, course_id: str, *, if_none_match: str | None = None) -> Course:
        """Read a course.

        GET /v1/courses/{course_id}

        The course and its modules.
        """
        return cast(
            Course,
            self._call(
                "courses.get",
                path={"course_id": course_id},
                headers={"if_none_match": if_none_match},
            ),
        )

    def update(
        self, course_id: str, body: CourseUpdate, *, if_match: int | str | None = None
    ) -> Course:
        """Replace a course.

        PUT /v1/courses/{course_id}

        Every field and module replaced, at the version read.
        """
        return cast(
            Course,
            self._call(
                "courses.update",
                path={"course_id": course_id},
                body=body,
                headers={"if_match": if_match},
            ),
        )

    def retire(
        self,
        course_id: str,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Course:
        """Retire a course.

        POST /v1/courses/{course_id}:retire

        The course stays readable and is no longer assigned.
        """
        return cast(
            Course,
            self._call(
                "courses.retire",
                path={"course_id": course_id},
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )


class CreditsResource(ResourceBase):
    """`/v1/credits`."""

    def list(
        self,
        *,
        rep: str | None = None,
        contract: str | None = None,
        period: str | None = None,
        kind: Literal["direct", "overlay"] | None = None,
        region: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> SalesCreditList:
        """List sales credits.

        GET /v1/credits

        Credits the caller may see, newest first.
        """
        return cast(
            SalesCreditList,
            self._call(
                "credits.list",
                query={
                    "rep": rep,
                    "contract": contract,
                    "period": period,
                    "kind": kind,
                    "region": region,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        rep: str | None = None,
        contract: str | None = None,
        period: str | None = None,
        kind: Literal["direct", "overlay"] | None = None,
        region: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[SalesCredit]:
        """Every item of `list`, page after page (GET /v1/credits).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "credits.list",
            query={
                "rep": rep,
                "contract": contract,
                "period": period,
                "kind": kind,
                "region": region,
                "page_size": page_size,
            },
        )

    def summary(
        self, *, period: str | None = None, rep: str | None = None, team: str | None = None
    ) -> CreditSummary:
        """A rep's or a team's credits of a period.

        GET /v1/credits:summary

        Exactly one of rep and team; outside the caller's scope the subject is 404.
        """
        return cast(
            CreditSummary,
            self._call("credits.summary", query={"period": period, "rep": rep, "team": team}),
        )


class CustomerHealthResource(ResourceBase):
    """`/v1/customer-health`."""

    def list(
        self,
        *,
        region: str | None = None,
        band: Literal["healthy", "watch", "at_risk"] | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> CustomerHealthList:
        """List accounts by health.

        GET /v1/customer-health

        The last stored assessment of each account in the caller's scope.
        """
        return cast(
            CustomerHealthList,
            self._call(
                "customer_health.list",
                query={
                    "region": region,
                    "band": band,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        band: Literal["healthy", "watch", "at_risk"] | None = None,
        page_size: int | None = None,
    ) -> Iterator[CustomerHealth]:
        """Every item of `list`, page after page (GET /v1/customer-health).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "customer_health.list", query={"region": region, "band": band, "page_size": page_size}
        )


class CustomersResource(ResourceBase):
    """`/v1/customers`."""

    def list(
        self,
        *,
        region: str | None = None,
        owner_id: str | None = None,
        status: Literal["prospect", "active", "dormant", "churned", "merged"] | None = None,
        tier: Literal["a", "b", "c"] | None = None,
        tag: str | None = None,
        parent_id: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> CustomerList:
        """List customer accounts.

        GET /v1/customers

        Accounts in the caller's scope (a rep: their own), newest first.
        """
        return cast(
            CustomerList,
            self._call(
                "customers.list",
                query={
                    "region": region,
                    "owner_id": owner_id,
                    "status": status,
                    "tier": tier,
                    "tag": tag,
                    "parent_id": parent_id,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        owner_id: str | None = None,
        status: Literal["prospect", "active", "dormant", "churned", "merged"] | None = None,
        tier: Literal["a", "b", "c"] | None = None,
        tag: str | None = None,
        parent_id: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[Customer]:
        """Every item of `list`, page after page (GET /v1/customers).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "customers.list",
            query={
                "region": region,
                "owner_id": owner_id,
                "status": status,
                "tier": tier,
                "tag": tag,
                "parent_id": parent_id,
                "page_size": page_size,
            },
        )

    def create(
        self, body: CreateCustomerRequest, *, idempotency_key: str | None = None
    ) -> Customer:
        """Open a customer account.

        POST /v1/customers

        Open an account; 409 with `resources` lists likely duplicates. `Location` points at it.
        """
        return cast(
            Customer, self._call("customers.create", body=body, idempotency_key=idempotency_key)
        )

    def get(self, customer_id: str, *, if_none_match: str | None = None) -> Customer:
        """Read a customer account.

        GET /v1/customers/{customer_id}

        The account with its contacts; outside the caller's scope it is 404. A merged account
        reads with status "merged" and `merged_into` naming the survivor.
        """
        return cast(
            Customer,
            self._call(
                "customers.get",
                path={"customer_id": customer_id},
                headers={"if_none_match": if_none_match},
            ),
        )

    def update(
        self, customer_id: str, body: UpdateCustomerRequest, *, if_match: int | str | None = None
    ) -> Customer:
        """Change a customer account.

        PATCH /v1/customers/{customer_id}

        Change the fields present in the body (the owner, their manager or a director). The
        owner changes by transfer, tags at `/tags`, the tier by itself.
        """
        return cast(
            Customer,
            self._call(
                "customers.update",
                path={"customer_id": customer_id},
                body=body,
                headers={"if_match": if_match},
            ),
        )

    def list_contacts(
        self,
        customer_id: str,
        *,
        include_erased: bool | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> ContactList:
        """List a customer's contacts.

        GET /v1/customers/{customer_id}/contacts

        The customer's contacts, newest first; a customer outside the caller's scope is 404.
        """
        return cast(
            ContactList,
            self._call(
                "customers.list_contacts",
                path={"customer_id": customer_id},
                query={
                    "include_erased": include_erased,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_contacts_all(
        self, customer_id: str, *, include_erased: bool | None = None, page_size: int | None = None
    ) -> Iterator[CustomerContact]:
        """Every item of `list_contacts`, page after page (GET
        /v1/customers/{customer_id}/contacts).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "customers.list_contacts",
            path={"customer_id": customer_id},
            query={"include_erased": include_erased, "page_size": page_size},
        )

    def add_contact(
        self, customer_id: str, body: AddContactRequest, *, idempotency_key: str | None = None
    ) -> CustomerContact:
        """Add a contact.

        POST /v1/customers/{customer_id}/contacts

        Add a person to the customer; 409 if a contact of the customer has the email.
        """
        return cast(
            CustomerContact,
            self._call(
                "customers.add_contact",
                path={"customer_id": customer_id},
                body=body,
                idempotency_key=idempotency_key,
            ),
        )

    def get_customer_health(self, customer_id: str) -> CustomerHealth:
        """Read an account's health score.

        GET /v1/customers/{customer_id}/health

        The score as of now with every factor's points and reason; 404 outside the caller's
        scope.
        """
        return cast(
            CustomerHealth,
            self._call("customers.get_customer_health", path={"customer_id": customer_id}),
        )

    def add_note(
        self, customer_id: str, body: NoteInput, *, idempotency_key: str | None = None
    ) -> TimelineEntry:
        """Write a note on a customer.

        POST /v1/customers/{customer_id}/notes

        Add a note to the customer's timeline; it is the newest entry.
        """
        return cast(
            TimelineEntry,
            self._call(
                "customers.add_note",
                path={"customer_id": customer_id},
                body=body,
                idempotency_key=idempotency_key,
            ),
        )

    def ownership_history(
        self, customer_id: str, *, page_size: int | None = None, page_token: str | None = None
    ) -> OwnershipHistory:
        """A customer's owners over time.

        GET /v1/customers/{customer_id}/ownership-history

        Every change of owner, newest first; the first entry is the owner at opening.
        """
        return cast(
            OwnershipHistory,
            self._call(
                "customers.ownership_history",
                path={"customer_id": customer_id},
                query={"page_size": page_size, "page_token": page_token},
            ),
        )

    def ownership_history_all(
        self, customer_id: str, *, page_size: int | None = None
    ) -> Iterator[OwnershipChange]:
        """Every item of `ownership_history`, page after page (GET
        /v1/customers/{customer_id}/ownership-history).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "customers.ownership_history",
            path={"customer_id": customer_id},
            query={"page_size": page_size},
        )

    def update_customer_tags(
        self, customer_id: str, body: TagsRequest, *, idempotency_key: str | None = None
    ) -> Customer:
        """Add and remove a customer's tags.

        POST /v1/customers/{customer_id}/tags

        Add the tags in `add`, remove those in `remove`; the account with its tags after.
        """
        return cast(
            Customer,
            self._call(
                "customers.update_customer_tags",
                path={"customer_id": customer_id},
                body=body,
                idempotency_key=idempotency_key,
            ),
        )

    def list_timeline(
        self,
        customer_id: str,
        *,
        kind: Literal["activity", "opportunity", "contract", "case", "note"] | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> Timeline:
        """Read a customer's timeline.

        GET /v1/customers/{customer_id}/timeline

        Everything that happened with the customer, newest first.
        """
        return cast(
            Timeline,
            self._call(
                "customers.list_timeline",
                path={"customer_id": customer_id},
                query={"kind": kind, "page_size": page_size, "page_token": page_token},
            ),
        )

    def list_timeline_all(
        self,
        customer_id: str,
        *,
        kind: Literal["activity", "opportunity", "contract", "case", "note"] | None = None,
        page_size: int | None = None,
    ) -> Iterator[TimelineEntry]:
        """Every item of `list_timeline`, page after page (GET
        /v1/customers/{customer_id}/timeline).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "customers.list_timeline",
            path={"customer_id": customer_id},
            query={"kind": kind, "page_size": page_size},
        )

    def merge(
        self,
        customer_id: str,
        body: MergeRequest,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Merged:
        """Merge another account into this one.

        POST /v1/customers/{customer_id}:merge

        Every record of `merged_id` (contacts, timeline, revenue, ...) moves to this account;
        the merged one stays as a pointer. Both must be in one region and yours to change.
        """
        return cast(
            Merged,
            self._call(
                "customers.merge",
                path={"customer_id": customer_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def transfer(
        self,
        customer_id: str,
        body: TransferRequest,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Customer:
        """Transfer a customer account.

        POST /v1/customers/{customer_id}:transfer

        Give the account to another rep of its region at once: a manager for their team's
        accounts, a director for any in their regions. Pending requests for it are cancelled.
        """
        return cast(
            Customer,
            self._call(
                "customers.transfer",
                path={"customer_id": customer_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )


class DiscountAuthorityResource(ResourceBase):
    """`/v1/discount-authority`."""

    def get(self) -> DiscountAuthorities:
        """Discount authority by role.

        GET /v1/discount-authority

        The discount each role may grant without approval.
        """
        return cast(DiscountAuthorities, self._call("discount_authority.get"))

    def update(
        self, role: str, body: SetDiscountAuthorityRequest, *, if_match: int | str | None = None
    ) -> DiscountAuthority:
        """Set a role's discount authority.

        PUT /v1/discount-authority/{role}

        Admins of every region only; applies to quotes submitted or decided from now on.
        """
        return cast(
            DiscountAuthority,
            self._call(
                "discount_authority.update",
                path={"role": role},
                body=body,
                headers={"if_match": if_match},
            ),
        )


class DisputesResource(ResourceBase):
    """`/v1/disputes`."""

    def list(
        self,
        *,
        region: str | None = None,
        status: Literal["open", "accepted", "rejected"] | None = None,
        rep_id: str | None = None,
        statement_id: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> DisputeList:
        """List disputes.

        GET /v1/disputes

        Disputes in the caller's scope, newest first.
        """
        return cast(
            DisputeList,
            self._call(
                "disputes.list",
                query={
                    "region": region,
                    "status": status,
                    "rep_id": rep_id,
                    "statement_id": statement_id,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        status: Literal["open", "accepted", "rejected"] | None = None,
        rep_id: str | None = None,
        statement_id: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[Dispute]:
        """Every item of `list`, page after page (GET /v1/disputes).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "disputes.list",
            query={
                "region": region,
                "status": status,
                "rep_id": rep_id,
                "statement_id": statement_id,
                "page_size": page_size,
            },
        )

    def create(self, body: RaiseDisputeRequest, *, idempotency_key: str | None = None) -> Dispute:
        """Dispute a statement line.

        POST /v1/disputes

        Only the statement's rep disputes its lines.
        """
        return cast(
            Dispute, self._call("disputes.create", body=body, idempotency_key=idempotency_key)
        )

    def resolve(
        self,
        dispute_id: str,
        body: ResolveDisputeRequest,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Dispute:
        """Resolve a dispute.

        POST /v1/disputes/{dispute_id}:resolve

        The rep's manager or a director of the region accepts or rejects it with a comment.
        """
        return cast(
            Dispute,
            self._call(
                "disputes.resolve",
                path={"dispute_id": dispute_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )


class EnrollmentsResource(ResourceBase):
    """`/v1/enrollments`."""

    def list(
        self,
        *,
        rep_id: str | None = None,
        team_id: str | None = None,
        region: str | None = None,
        course_id: str | None = None,
        status: str | None = None,
        overdue: bool | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> EnrollmentList:
        """List enrollments.

        GET /v1/enrollments
        """
        return cast(
            EnrollmentList,
            self._call(
                "enrollments.list",
                query={
                    "rep_id": rep_id,
                    "team_id": team_id,
                    "region": region,
                    "course_id": course_id,
                    "status": status,
                    "overdue": overdue,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        rep_id: str | None = None,
        team_id: str | None = None,
        region: str | None = None,
        course_id: str | None = None,
        status: str | None = None,
        overdue: bool | None = None,
        page_size: int | None = None,
    ) -> Iterator[Enrollment]:
        """Every item of `list`, page after page (GET /v1/enrollments).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "enrollments.list",
            query={
                "rep_id": rep_id,
                "team_id": team_id,
                "region": region,
                "course_id": course_id,
                "status": status,
                "overdue": overdue,
                "page_size": page_size,
            },
        )

    def create(
        self, body: NewAssignment, *, idempotency_key: str | None = None
    ) -> AssignmentOutput:
        """Assign a course or a learning path to a rep.

        POST /v1/enrollments
        """
        return cast(
            AssignmentOutput,
            self._call("enrollments.create", body=body, idempotency_key=idempotency_key),
        )

    def get(self, enrollment_id: str, *, if_none_match: str | None = None) -> Enrollment:
        """Read an enrollment.

        GET /v1/enrollments/{enrollment_id}
        """
        return cast(
            Enrollment,
            self._call(
                "enrollments.get",
                path={"enrollment_id": enrollment_id},
                headers={"if_none_match": if_none_match},
            ),
        )

    def complete(
        self,
        enrollment_id: str,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Completion:
        """Mark an enrollment completed.

        POST /v1/enrollments/{enrollment_id}:complete
        """
        return cast(
            Completion,
            self._call(
                "enrollments.complete",
                path={"enrollment_id": enrollment_id},
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def progress(
        self,
        enrollment_id: str,
        body: Progress,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Enrollment:
        """Record progress.

        POST /v1/enrollments/{enrollment_id}:progress
        """
        return cast(
            Enrollment,
            self._call(
                "enrollments.progress",
                path={"enrollment_id": enrollment_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def start(
        self,
        enrollment_id: str,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Enrollment:
        """Start an enrollment.

        POST /v1/enrollments/{enrollment_id}:start
        """
        return cast(
            Enrollment,
            self._call(
                "enrollments.start",
                path={"enrollment_id": enrollment_id},
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def waive(
        self,
        enrollment_id: str,
        body: Waiver,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Enrollment:
        """Waive an enrollment.

        POST /v1/enrollments/{enrollment_id}:waive
        """
        return cast(
            Enrollment,
            self._call(
                "enrollments.waive",
                path={"enrollment_id": enrollment_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def self_enroll(
        self, body: NewSelfEnrollment, *, idempotency_key: str | None = None
    ) -> SelfEnrollment:
        """Enroll yourself in a course.

        POST /v1/enrollments:self-enroll
        """
        return cast(
            SelfEnrollment,
            self._call("enrollments.self_enroll", body=body, idempotency_key=idempotency_key),
        )


class EvaluationsResource(ResourceBase):
    """`/v1/evaluations`."""

    def list(
        self,
        *,
        region: str | None = None,
        rep_id: str | None = None,
        team_id: str | None = None,
        period: str | None = None,
        status: Literal["draft", "shared", "acknowledged", "appealed", "resolved"] | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> EvaluationList:
        """List evaluations.

        GET /v1/evaluations

        The evaluations the caller may see (a rep: their own, once shared), newest first.
        """
        return cast(
            EvaluationList,
            self._call(
                "evaluations.list",
                query={
                    "region": region,
                    "rep_id": rep_id,
                    "team_id": team_id,
                    "period": period,
                    "status": status,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        rep_id: str | None = None,
        team_id: str | None = None,
        period: str | None = None,
        status: Literal["draft", "shared", "acknowledged", "appealed", "resolved"] | None = None,
        page_size: int | None = None,
    ) -> Iterator[Evaluation]:
        """Every item of `list`, page after page (GET /v1/evaluations).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "evaluations.list",
            query={
                "region": region,
                "rep_id": rep_id,
                "team_id": team_id,
                "period": period,
                "status": status,
                "page_size": page_size,
            },
        )

    def create(self, body: NewEvaluation, *, idempotency_key: str | None = None) -> Evaluation:
        """Write a draft evaluation.

        POST /v1/evaluations

        By a manager above the rep; one per rep and period (409 for a second).
        """
        return cast(
            Evaluation, self._call("evaluations.create", body=body, idempotency_key=idempotency_key)
        )

    def get(self, evaluation_id: str, *, if_none_match: str | None = None) -> Evaluation:
        """Read an evaluation.

        GET /v1/evaluations/{evaluation_id}
        """
        return cast(
            Evaluation,
            self._call(
                "evaluations.get",
                path={"evaluation_id": evaluation_id},
                headers={"if_none_match": if_none_match},
            ),
        )

    def update(
        self, evaluation_id: str, body: EvaluationChange, *, if_match: int | str | None = None
    ) -> Evaluation:
        """Change a draft evaluation.

        PATCH /v1/evaluations/{evaluation_id}

        Only while a draft; refreshes the score snapshot.
        """
        return cast(
            Evaluation,
            self._call(
                "evaluations.update",
                path={"evaluation_id": evaluation_id},
                body=body,
                headers={"if_match": if_match},
            ),
        )

    def acknowledge(
        self,
        evaluation_id: str,
        body: NoFields | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Evaluation:
        """Acknowledge an evaluation (the rep).

        POST /v1/evaluations/{evaluation_id}:acknowledge
        """
        return cast(
            Evaluation,
            self._call(
                "evaluations.acknowledge",
                path={"evaluation_id": evaluation_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def appeal(
        self,
        evaluation_id: str,
        body: Appeal,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Evaluation:
        """Appeal an evaluation (the rep).

        POST /v1/evaluations/{evaluation_id}:appeal

        A shared or acknowledged evaluation, with a reason.
        """
        return cast(
            Evaluation,
            self._call(
                "evaluations.appeal",
                path={"evaluation_id": evaluation_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def resolve(
        self,
        evaluation_id: str,
        body: Resolution,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Evaluation:
        """Resolve an appeal (a director).

        POST /v1/evaluations/{evaluation_id}:resolve
        """
        return cast(
            Evaluation,
            self._call(
                "evaluations.resolve",
                path={"evaluation_id": evaluation_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def share(
        self,
        evaluation_id: str,
        body: NoFields | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Evaluation:
        """Share an evaluation with the rep.

        POST /v1/evaluations/{evaluation_id}:share
        """
        return cast(
            Evaluation,
            self._call(
                "evaluations.share",
                path={"evaluation_id": evaluation_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def calibrate(self, body: Calibration, *, idempotency_key: str | None = None) -> Calibrated:
        """Calibrate a team's ratings.

        POST /v1/evaluations:calibrate

        A director of the region; draft and shared evaluations only, each change with a reason.
        """
        return cast(
            Calibrated,
            self._call("evaluations.calibrate", body=body, idempotency_key=idempotency_key),
        )


class FactsResource(ResourceBase):
    """`/v1/facts`."""

    def list(
        self,
        *,
        rep: str | None = None,
        kind: str | None = None,
        period: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> PerformanceFactList:
        """List performance facts.

        GET /v1/facts

        Facts the caller may see, newest first.
        """
        return cast(
            PerformanceFactList,
            self._call(
                "facts.list",
                query={
                    "rep": rep,
                    "kind": kind,
                    "period": period,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        rep: str | None = None,
        kind: str | None = None,
        period: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[PerformanceFact]:
        """Every item of `list`, page after page (GET /v1/facts).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "facts.list", query={"rep": rep, "kind": kind, "period": period, "page_size": page_size}
        )


class ForecastsResource(ResourceBase):
    """`/v1/forecasts`."""

    def list(
        self,
        *,
        region: str | None = None,
        period: str | None = None,
        rep_id: str | None = None,
        org_unit_id: str | None = None,
        status: Literal["submitted", "adjusted"] | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> ForecastList:
        """List forecasts.

        GET /v1/forecasts

        Forecasts the caller may see (a rep: their own), newest first.
        """
        return cast(
            ForecastList,
            self._call(
                "forecasts.list",
                query={
                    "region": region,
                    "period": period,
                    "rep_id": rep_id,
                    "org_unit_id": org_unit_id,
                    "status": status,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        period: str | None = None,
        rep_id: str | None = None,
        org_unit_id: str | None = None,
        status: Literal["submitted", "adjusted"] | None = None,
        page_size: int | None = None,
    ) -> Iterator[Forecast]:
        """Every item of `list`, page after page (GET /v1/forecasts).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "forecasts.list",
            query={
                "region": region,
                "period": period,
                "rep_id": rep_id,
                "org_unit_id": org_unit_id,
                "status": status,
                "page_size": page_size,
            },
        )

    def create(
        self, body: SubmitForecastRequest, *, idempotency_key: str | None = None
    ) -> Forecast:
        """Submit a forecast.

        POST /v1/forecasts

        Submit (or resubmit, as a new version) a forecast; `Location` points at it.
        """
        return cast(
            Forecast, self._call("forecasts.create", body=body, idempotency_key=idempotency_key)
        )

    def get(self, forecast_id: str, *, if_none_match: str | None = None) -> Forecast:
        """Read a forecast.

        GET /v1/forecasts/{forecast_id}

        One forecast with its adjustments; another region's (or rep's) is 404.
        """
        return cast(
            Forecast,
            self._call(
                "forecasts.get",
                path={"forecast_id": forecast_id},
                headers={"if_none_match": if_none_match},
            ),
        )

    def list_forecast_versions(
        self, forecast_id: str, *, page_size: int | None = None, page_token: str | None = None
    ) -> ForecastVersionList:
        """List a forecast's versions.

        GET /v1/forecasts/{forecast_id}/versions

        Every version the rep submitted, newest first.
        """
        return cast(
            ForecastVersionList,
            self._call(
                "forecasts.list_forecast_versions",
                path={"forecast_id": forecast_id},
                query={"page_size": page_size, "page_token": page_token},
            ),
        )

    def list_forecast_versions_all(
        self, forecast_id: str, *, page_size: int | None = None
    ) -> Iterator[ForecastVersion]:
        """Every item of `list_forecast_versions`, page after page (GET
        /v1/forecasts/{forecast_id}/versions).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "forecasts.list_forecast_versions",
            path={"forecast_id": forecast_id},
            query={"page_size": page_size},
        )

    def adjust(
        self,
        forecast_id: str,
        body: AdjustForecastRequest,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Forecast:
        """Adjust a forecast.

        POST /v1/forecasts/{forecast_id}:adjust

        The rep's manager (or one above) or a director of the region; the reason is required.
        """
        return cast(
            Forecast,
            self._call(
                "forecasts.adjust",
                path={"forecast_id": forecast_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def roll_up(self, *, org_unit: str, period: str) -> ForecastRollUp:
        """Roll forecasts up an org unit.

        GET /v1/forecasts:roll-up

        Submitted and adjusted forecasts, weighted pipeline, target and closed-won revenue.
        """
        return cast(
            ForecastRollUp,
            self._call("forecasts.roll_up", query={"org_unit": org_unit, "period": period}),
        )


class FxRatesResource(ResourceBase):
    """`/v1/fx-rates`."""

    def list(
        self,
        *,
        period: str | None = None,
        currency: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> FxRateList:
        """List FX rates.

        GET /v1/fx-rates

        Every rate, or those of a period or a currency.
        """
        return cast(
            FxRateList,
            self._call(
                "fx_rates.list",
                query={
                    "period": period,
                    "currency": currency,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        period: str | None = None,
        currency: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[FxRate]:
        """Every item of `list`, page after page (GET /v1/fx-rates).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "fx_rates.list", query={"period": period, "currency": currency, "page_size": page_size}
        )

    def set_fx_rate(
        self,
        period: str,
        from_currency: str,
        to_currency: str,
        body: SetFxRateRequest,
        *,
        if_match: int | str | None = None,
    ) -> FxRate:
        """Set an FX rate (admins).

        PUT /v1/fx-rates/{period}/{from_currency}/{to_currency}

        Set or replace the rate of a currency pair for a period.
        """
        return cast(
            FxRate,
            self._call(
                "fx_rates.set_fx_rate",
                path={"period": period, "from_currency": from_currency, "to_currency": to_currency},
                body=body,
                headers={"if_match": if_match},
            ),
        )


class ImprovementActionsResource(ResourceBase):
    """`/v1/improvement-actions`."""

    def list(
        self,
        *,
        region: str | None = None,
        org_unit_id: str | None = None,
        owner_id: str | None = None,
        status: Literal["open", "in_progress", "done", "dropped"] | None = None,
        overdue_only: bool | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> ImprovementActionList:
        """List improvement actions.

        GET /v1/improvement-actions

        Actions in the caller's regions (a rep: their team's and their own), newest first.
        """
        return cast(
            ImprovementActionList,
            self._call(
                "improvement_actions.list",
                query={
                    "region": region,
                    "org_unit_id": org_unit_id,
                    "owner_id": owner_id,
                    "status": status,
                    "overdue_only": overdue_only,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        org_unit_id: str | None = None,
        owner_id: str | None = None,
        status: Literal["open", "in_progress", "done", "dropped"] | None = None,
        overdue_only: bool | None = None,
        page_size: int | None = None,
    ) -> Iterator[ImprovementAction]:
        """Every item of `list`, page after page (GET /v1/improvement-actions).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "improvement_actions.list",
            query={
                "region": region,
                "org_unit_id": org_unit_id,
                "owner_id": owner_id,
                "status": status,
                "overdue_only": overdue_only,
                "page_size": page_size,
            },
        )

    def update(
        self, action_id: str, body: ActionChange, *, if_match: int | str | None = None
    ) -> ImprovementAction:
        """Change an improvement action.

        PATCH /v1/improvement-actions/{action_id}

        A status change that the state machine refuses is 422 naming the rule.
        """
        return cast(
            ImprovementAction,
            self._call(
                "improvement_actions.update",
                path={"action_id": action_id},
                body=body,
                headers={"if_match": if_match},
            ),
        )


class InspectionReportsResource(ResourceBase):
    """`/v1/inspection-reports`."""

    def get(self, *, region: str, period: str) -> InspectionReport:
        """A region's inspection report for a period.

        GET /v1/inspection-reports

        Counts by rule, rep and team (only the violations the caller sees), and the runs.
        """
        return cast(
            InspectionReport,
            self._call("inspection_reports.get", query={"region": region, "period": period}),
        )


class InspectionRulesResource(ResourceBase):
    """`/v1/inspection-rules`."""

    def get(self, *, region: str) -> InspectionRuleList:
        """A region's inspection rules.

        GET /v1/inspection-rules

        Every rule as runs apply it: the region's settings or the defaults.
        """
        return cast(
            InspectionRuleList, self._call("inspection_rules.get", query={"region": region})
        )

    def update(
        self, rule: str, body: RuleChange, *, if_match: int | str | None = None
    ) -> InspectionRule:
        """Set one of a region's inspection rules.

        PUT /v1/inspection-rules/{rule}

        A director or admin of the region.
        """
        return cast(
            InspectionRule,
            self._call(
                "inspection_rules.update",
                path={"rule": rule},
                body=body,
                headers={"if_match": if_match},
            ),
        )


class InspectionsResource(ResourceBase):
    """`/v1/inspections`."""

    def list(
        self,
        *,
        region: str | None = None,
        period: str | None = None,
        trigger: Literal["on_demand", "scheduled"] | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> InspectionList:
        """List inspection runs.

        GET /v1/inspections

        Runs of the caller's regions, newest first (a rep sees none).
        """
        return cast(
            InspectionList,
            self._call(
                "inspections.list",
                query={
                    "region": region,
                    "period": period,
                    "trigger": trigger,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        period: str | None = None,
        trigger: Literal["on_demand", "scheduled"] | None = None,
        page_size: int | None = None,
    ) -> Iterator[Inspection]:
        """Every item of `list`, page after page (GET /v1/inspections).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "inspections.list",
            query={"region": region, "period": period, "trigger": trigger, "page_size": page_size},
        )

    def get(self, inspection_id: str) -> InspectionRun:
        """Read an inspection run.

        GET /v1/inspections/{inspection_id}

        The run and the violations it recorded first.
        """
        return cast(
            InspectionRun, self._call("inspections.get", path={"inspection_id": inspection_id})
        )

    def run(self, body: RunRequest, *, idempotency_key: str | None = None) -> InspectionRun:
        """Run an inspection now.

        POST /v1/inspections:run

        A director or admin of the region; new findings become violations.
        """
        return cast(
            InspectionRun, self._call("inspections.run", body=body, idempotency_key=idempotency_key)
        )


class IntelResource(ResourceBase):
    """`/v1/intel`."""

    def list(
        self,
        *,
        q: str | None = None,
        competitor_id: str | None = None,
        territory_id: str | None = None,
        kind: Literal[
            "price_change",
            "new_product",
            "deal_lost",
            "deal_won",
            "promotion",
            "partnership",
            "personnel",
            "other",
        ]
        | None = None,
        region: str | None = None,
        observed_from: str | None = None,
        observed_to: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> IntelList:
        """Search competitive intelligence.

        GET /v1/intel

        Entries in the caller's regions, most recently observed first.
        """
        return cast(
            IntelList,
            self._call(
                "intel.list",
                query={
                    "q": q,
                    "competitor_id": competitor_id,
                    "territory_id": territory_id,
                    "kind": kind,
                    "region": region,
                    "observed_from": observed_from,
                    "observed_to": observed_to,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        q: str | None = None,
        competitor_id: str | None = None,
        territory_id: str | None = None,
        kind: Literal[
            "price_change",
            "new_product",
            "deal_lost",
            "deal_won",
            "promotion",
            "partnership",
            "personnel",
            "other",
        ]
        | None = None,
        region: str | None = None,
        observed_from: str | None = None,
        observed_to: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[IntelEntry]:
        """Every item of `list`, page after page (GET /v1/intel).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "intel.list",
            query={
                "q": q,
                "competitor_id": competitor_id,
                "territory_id": territory_id,
                "kind": kind,
                "region": region,
                "observed_from": observed_from,
                "observed_to": observed_to,
                "page_size": page_size,
            },
        )

    def create(self, body: NewIntel, *, idempotency_key: str | None = None) -> IntelEntry:
        """Record competitive intelligence.

        POST /v1/intel

        About an active competitor, in one of the caller's regions; `Location` points at it.
        """
        return cast(
            IntelEntry, self._call("intel.create", body=body, idempotency_key=idempotency_key)
        )

    def get(self, intel_id: str) -> IntelEntry:
        """Read an intelligence entry.

        GET /v1/intel/{intel_id}

        Outside the caller's regions it is 404.
        """
        return cast(IntelEntry, self._call("intel.get", path={"intel_id": intel_id}))


class KpisResource(ResourceBase):
    """`/v1/kpis`."""

    def list(
        self,
        *,
        role: str | None = None,
        region: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> KpiSetList:
        """List KPI sets.

        GET /v1/kpis

        The all-regions sets and those of the caller's regions, newest first.
        """
        return cast(
            KpiSetList,
            self._call(
                "kpis.list",
                query={
                    "role": role,
                    "region": region,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self, *, role: str | None = None, region: str | None = None, page_size: int | None = None
    ) -> Iterator[KpiSet]:
        """Every item of `list`, page after page (GET /v1/kpis).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "kpis.list", query={"role": role, "region": region, "page_size": page_size}
        )

    def create(self, body: NewKpiSet, *, idempotency_key: str | None = None) -> KpiSet:
        """Define a KPI set.

        POST /v1/kpis

        A new set (or the next version for the same role, region and period).
        """
        return cast(KpiSet, self._call("kpis.create", body=body, idempotency_key=idempotency_key))

    def get(self, kpi_set_id: str) -> KpiSet:
        """Read a KPI set.

        GET /v1/kpis/{kpi_set_id}

        The set and its KPIs.
        """
        return cast(KpiSet, self._call("kpis.get", path={"kpi_set_id": kpi_set_id}))

    def effective(self, *, role: str, period: str, region: str | None = None) -> KpiSet:
        """The KPI set in effect.

        GET /v1/kpis:effective

        The set that scores `role` in `region` for `period`.
        """
        return cast(
            KpiSet,
            self._call("kpis.effective", query={"role": role, "period": period, "region": region}),
        )


class LeadRoutingResource(ResourceBase):
    """`/v1/lead-routing`."""

    def update(
        self, territory_id: str, body: SetLeadRoutingRequest, *, if_match: int | str | None = None
    ) -> TerritoryLeadRouting:
        """Set how a territory routes leads.

        PUT /v1/lead-routing/{territory_id}

        Directors and admins of the territory's region.
        """
        return cast(
            TerritoryLeadRouting,
            self._call(
                "lead_routing.update",
                path={"territory_id": territory_id},
                body=body,
                headers={"if_match": if_match},
            ),
        )


class LeadSlaPoliciesResource(ResourceBase):
    """`/v1/lead-sla-policies`."""

    def list(
        self,
        *,
        region: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> LeadSlaPolicyList:
        """List first-contact SLA policies.

        GET /v1/lead-sla-policies

        The policies of the caller's regions, and the default.
        """
        return cast(
            LeadSlaPolicyList,
            self._call(
                "lead_sla_policies.list",
                query={"region": region, "page_size": page_size, "page_token": page_token},
            ),
        )

    def list_all(
        self, *, region: str | None = None, page_size: int | None = None
    ) -> Iterator[LeadSlaPolicy]:
        """Every item of `list`, page after page (GET /v1/lead-sla-policies).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "lead_sla_policies.list", query={"region": region, "page_size": page_size}
        )

    def update(
        self, region: str, body: SetLeadSlaPolicyRequest, *, if_match: int | str | None = None
    ) -> LeadSlaPolicy:
        """Set a region's first-contact SLA.

        PUT /v1/lead-sla-policies/{region}

        Admins only. Applies to leads captured from now on; due times already set stay.
        """
        return cast(
            LeadSlaPolicy,
            self._call(
                "lead_sla_policies.update",
                path={"region": region},
                body=body,
                headers={"if_match": if_match},
            ),
        )


class LeaderboardsResource(ResourceBase):
    """`/v1/leaderboards`."""

    def get(
        self,
        *,
        period: str,
        team_id: str | None = None,
        region: str | None = None,
        kpi: str | None = None,
    ) -> Leaderboard:
        """Rank a team's or a region's reps.

        GET /v1/leaderboards

        Best first.
        """
        return cast(
            Leaderboard,
            self._call(
                "leaderboards.get",
                query={"period": period, "team_id": team_id, "region": region, "kpi": kpi},
            ),
        )


class LeadsResource(ResourceBase):
    """`/v1/leads`."""

    def list(
        self,
        *,
        region: str | None = None,
        status: Literal["new", "qualified", "disqualified", "converted"] | None = None,
        unassigned: bool | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> LeadList:
        """List leads.

        GET /v1/leads

        Leads in the caller's scope, newest first. The unassigned queue is for managers,
        directors and admins: a rep's list holds only their own leads.
        """
        return cast(
            LeadList,
            self._call(
                "leads.list",
                query={
                    "region": region,
                    "status": status,
                    "unassigned": unassigned,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        status: Literal["new", "qualified", "disqualified", "converted"] | None = None,
        unassigned: bool | None = None,
        page_size: int | None = None,
    ) -> Iterator[Lead]:
        """Every item of `list`, page after page (GET /v1/leads).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "leads.list",
            query={
                "region": region,
                "status": status,
                "unassigned": unassigned,
                "page_size": page_size,
            },
        )

    def create(self, body: CreateLeadRequest, *, idempotency_key: str | None = None) -> Lead:
        """Capture a lead.

        POST /v1/leads

        Create a lead in `region` (one of the caller's); `Location` points at it.
        """
        return cast(Lead, self._call("leads.create", body=body, idempotency_key=idempotency_key))

    def get(self, lead_id: str) -> Lead:
        """Read a lead.

        GET /v1/leads/{lead_id}

        A lead outside the caller's scope is 404, exactly as if it did not exist.
        """
        return cast(Lead, self._call("leads.get", path={"lead_id": lead_id}))

    def assign(
        self,
        lead_id: str,
        body: AssignLeadRequest,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Lead:
        """Assign a lead to a rep.

        POST /v1/leads/{lead_id}:assign

        Give an open lead to a rep (managers, directors and admins), typically from the
        unassigned queue; the reason recorded is "assigned by <you>" and the note.
        """
        return cast(
            Lead,
            self._call(
                "leads.assign",
                path={"lead_id": lead_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def convert(
        self,
        lead_id: str,
        body: NoFields | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Lead:
        """Convert a lead.

        POST /v1/leads/{lead_id}:convert

        Convert a qualified lead; the customers service then opens the account.
        """
        return cast(
            Lead,
            self._call(
                "leads.convert",
                path={"lead_id": lead_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def disqualify(
        self,
        lead_id: str,
        body: DisqualifyLeadRequest,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Lead:
        """Disqualify a lead.

        POST /v1/leads/{lead_id}:disqualify

        Close a new or qualified lead as not worth pursuing; a reason is required.
        """
        return cast(
            Lead,
            self._call(
                "leads.disqualify",
                path={"lead_id": lead_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def mark_contacted(
        self,
        lead_id: str,
        body: MarkContactedRequest | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Lead:
        """Record the first contact with a lead.

        POST /v1/leads/{lead_id}:mark-contacted

        Stop the lead's first-contact SLA clock. The first contact stays the first.
        """
        return cast(
            Lead,
            self._call(
                "leads.mark_contacted",
                path={"lead_id": lead_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def qualify(
        self,
        lead_id: str,
        body: NoFields | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Lead:
        """Qualify a lead.

        POST /v1/leads/{lead_id}:qualify

        Mark a new lead as worth a sales conversation.
        """
        return cast(
            Lead,
            self._call(
                "leads.qualify",
                path={"lead_id": lead_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def import_(
        self,
        csv: bytes | str,
        *,
        region: str | None = None,
        allow_duplicates: bool | None = None,
        idempotency_key: str | None = None,
    ) -> LeadImport:
        """Import leads from a CSV file.

        POST /v1/leads:import

        Capture every row of a CSV file as a lead: each row's result comes back with its row
        number (created, duplicate of an open lead, or invalid naming the fields). A bad row
        never stops the others; a file that is not UTF-8 CSV with a header is refused whole.
        """
        return cast(
            LeadImport,
            self._call(
                "leads.import_",
                query={"region": region, "allow_duplicates": allow_duplicates},
                csv=csv,
                idempotency_key=idempotency_key,
            ),
        )


class LearningPathsResource(ResourceBase):
    """`/v1/learning-paths`."""

    def list(
        self,
        *,
        role: str | None = None,
        region: str | None = None,
        purpose: str | None = None,
        status: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> LearningPathList:
        """List learning paths.

        GET /v1/learning-paths
        """
        return cast(
            LearningPathList,
            self._call(
                "learning_paths.list",
                query={
                    "role": role,
                    "region": region,
                    "purpose": purpose,
                    "status": status,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        role: str | None = None,
        region: str | None = None,
        purpose: str | None = None,
        status: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[LearningPath]:
        """Every item of `list`, page after page (GET /v1/learning-paths).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "learning_paths.list",
            query={
                "role": role,
                "region": region,
                "purpose": purpose,
                "status": status,
                "page_size": page_size,
            },
        )

    def create(self, body: NewLearningPath, *, idempotency_key: str | None = None) -> LearningPath:
        """Add a learning path.

        POST /v1/learning-paths
        """
        return cast(
            LearningPath,
            self._call("learning_paths.create", body=body, idempotency_key=idempotency_key),
        )

    def get(self, path_id: str, *, if_none_match: str | None = None) -> LearningPath:
        """Read a learning path.

        GET /v1/learning-paths/{path_id}
        """
        return cast(
            LearningPath,
            self._call(
                "learning_paths.get",
                path={"path_id": path_id},
                headers={"if_none_match": if_none_match},
            ),
        )

    def update(
        self, path_id: str, body: LearningPathUpdate, *, if_match: int | str | None = None
    ) -> LearningPath:
        """Replace a learning path.

        PUT /v1/learning-paths/{path_id}
        """
        return cast(
            LearningPath,
            self._call(
                "learning_paths.update",
                path={"path_id": path_id},
                body=body,
                headers={"if_match": if_match},
            ),
        )

    def retire(
        self, path_id: str, *, if_match: int | str | None = None, idempotency_key: str | None = None
    ) -> LearningPath:
        """Retire a learning path.

        POST /v1/learning-paths/{path_id}:retire
        """
        return cast(
            LearningPath,
            self._call(
                "learning_paths.retire",
                path={"path_id": path_id},
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )


class MarketSegmentsResource(ResourceBase):
    """`/v1/market-segments`."""

    def list(
        self,
        *,
        region: str | None = None,
        territory_id: str | None = None,
        period: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> MarketSegmentList:
        """List market segments.

        GET /v1/market-segments

        Segments in the caller's regions, newest first.
        """
        return cast(
            MarketSegmentList,
            self._call(
                "market_segments.list",
                query={
                    "region": region,
                    "territory_id": territory_id,
                    "period": period,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        territory_id: str | None = None,
        period: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[MarketSegment]:
        """Every item of `list`, page after page (GET /v1/market-segments).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "market_segments.list",
            query={
                "region": region,
                "territory_id": territory_id,
                "period": period,
                "page_size": page_size,
            },
        )

    def create(self, body: NewSegment, *, idempotency_key: str | None = None) -> MarketSegment:
        """Create a market segment.

        POST /v1/market-segments

        A manager, director or admin of the territory's region; `Location` points at it.
        """
        return cast(
            MarketSegment,
            self._call("market_segments.create", body=body, idempotency_key=idempotency_key),
        )

    def get(self, segment_id: str, *, if_none_match: str | None = None) -> MarketSegment:
        """Read a market segment.

        GET /v1/market-segments/{segment_id}

        Outside the caller's regions it is 404.
        """
        return cast(
            MarketSegment,
            self._call(
                "market_segments.get",
                path={"segment_id": segment_id},
                headers={"if_none_match": if_none_match},
            ),
        )

    def update(
        self, segment_id: str, body: SegmentChange, *, if_match: int | str | None = None
    ) -> MarketSegment:
        """Replace a market segment.

        PUT /v1/market-segments/{segment_id}

        Replace name, figures and notes; a stale `version` is 409 (read it again).
        """
        return cast(
            MarketSegment,
            self._call(
                "market_segments.update",
                path={"segment_id": segment_id},
                body=body,
                headers={"if_match": if_match},
            ),
        )


class NpsResource(ResourceBase):
    """`/v1/nps`."""

    def get(
        self,
        *,
        period: str,
        region: str | None = None,
        segment: str | None = None,
        group_by: Literal["region", "segment", "period"] | None = None,
    ) -> NpsReport:
        """NPS and CSAT of a fiscal period.

        GET /v1/nps

        NPS (promoters minus detractors) and CSAT over the caller's visible responses.
        """
        return cast(
            NpsReport,
            self._call(
                "nps.get",
                query={
                    "period": period,
                    "region": region,
                    "segment": segment,
                    "group_by": group_by,
                },
            ),
        )


class OpportunitiesResource(ResourceBase):
    """`/v1/opportunities`."""

    def list(
        self,
        *,
        region: str | None = None,
        owner_id: str | None = None,
        pipeline_id: str | None = None,
        stage_id: str | None = None,
        customer_id: str | None = None,
        status: Literal["open", "won", "lost"] | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> OpportunityList:
        """List opportunities.

        GET /v1/opportunities

        Deals in the caller's scope (a rep: owned or on the team), newest first.
        """
        return cast(
            OpportunityList,
            self._call(
                "opportunities.list",
                query={
                    "region": region,
                    "owner_id": owner_id,
                    "pipeline_id": pipeline_id,
                    "stage_id": stage_id,
                    "customer_id": customer_id,
                    "status": status,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        owner_id: str | None = None,
        pipeline_id: str | None = None,
        stage_id: str | None = None,
        customer_id: str | None = None,
        status: Literal["open", "won", "lost"] | None = None,
        page_size: int | None = None,
    ) -> Iterator[Opportunity]:
        """Every item of `list`, page after page (GET /v1/opportunities).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "opportunities.list",
            query={
                "region": region,
                "owner_id": owner_id,
                "pipeline_id": pipeline_id,
                "stage_id": stage_id,
                "customer_id": customer_id,
                "status": status,
                "page_size": page_size,
            },
        )

    def create(
        self, body: CreateOpportunityRequest, *, idempotency_key: str | None = None
    ) -> Opportunity:
        """Open an opportunity.

        POST /v1/opportunities

        Open a deal in the first stage of its pipeline; `Location` points at it.
        """
        return cast(
            Opportunity,
            self._call("opportunities.create", body=body, idempotency_key=idempotency_key),
        )

    def get(self, opportunity_id: str, *, if_none_match: str | None = None) -> Opportunity:
        """Read an opportunity.

        GET /v1/opportunities/{opportunity_id}

        A deal outside the caller's scope is 404, exactly as if it did not exist.
        """
        return cast(
            Opportunity,
            self._call(
                "opportunities.get",
                path={"opportunity_id": opportunity_id},
                headers={"if_none_match": if_none_match},
            ),
        )

    def update(
        self,
        opportunity_id: str,
        body: UpdateOpportunityRequest,
        *,
        if_match: int | str | None = None,
    ) -> Opportunity:
        """Change an opportunity.

        PATCH /v1/opportunities/{opportunity_id}

        Change the fields present in the body (the owner, their manager or a director).
        """
        return cast(
            Opportunity,
            self._call(
                "opportunities.update",
                path={"opportunity_id": opportunity_id},
                body=body,
                headers={"if_match": if_match},
            ),
        )

    def stage_history(self, opportunity_id: str) -> StageHistory:
        """An opportunity's stage history.

        GET /v1/opportunities/{opportunity_id}/stage-history

        Every stage the deal entered, with entry and exit times and the time spent there.
        """
        return cast(
            StageHistory,
            self._call("opportunities.stage_history", path={"opportunity_id": opportunity_id}),
        )

    def advance(
        self,
        opportunity_id: str,
        body: AdvanceRequest | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Opportunity:
        """Advance an opportunity.

        POST /v1/opportunities/{opportunity_id}:advance

        Move to the next (or a named later) open stage; 422 lists every unmet gate rule.
        """
        return cast(
            Opportunity,
            self._call(
                "opportunities.advance",
                path={"opportunity_id": opportunity_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def lose(
        self,
        opportunity_id: str,
        body: LoseRequest,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Opportunity:
        """Lose an opportunity.

        POST /v1/opportunities/{opportunity_id}:lose

        Close as lost; a reason is required, the competitor who won is optional.
        """
        return cast(
            Opportunity,
            self._call(
                "opportunities.lose",
                path={"opportunity_id": opportunity_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def reassign(
        self,
        opportunity_id: str,
        body: ReassignRequest,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Opportunity:
        """Reassign an opportunity.

        POST /v1/opportunities/{opportunity_id}:reassign

        Give the deal to another rep: a manager within their team, a director in their regions.
        """
        return cast(
            Opportunity,
            self._call(
                "opportunities.reassign",
                path={"opportunity_id": opportunity_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def win(
        self,
        opportunity_id: str,
        body: WinRequest | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Won:
        """Win an opportunity.

        POST /v1/opportunities/{opportunity_id}:win

        Close as won from the accepted quote and sign the contract (in the answer).
        """
        return cast(
            Won,
            self._call(
                "opportunities.win",
                path={"opportunity_id": opportunity_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )


class OrgUnitsResource(ResourceBase):
    """`/v1/org-units`."""

    def list(
        self,
        *,
        region: str | None = None,
        parent_id: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> OrgUnitList:
        """List org units.

        GET /v1/org-units

        Units of the caller's regions.
        """
        return cast(
            OrgUnitList,
            self._call(
                "org_units.list",
                query={
                    "region": region,
                    "parent_id": parent_id,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        parent_id: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[OrgUnit]:
        """Every item of `list`, page after page (GET /v1/org-units).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "org_units.list",
            query={"region": region, "parent_id": parent_id, "page_size": page_size},
        )

    def create(self, body: NewOrgUnit, *, idempotency_key: str | None = None) -> OrgUnit:
        """Create an org unit.

        POST /v1/org-units

        An admin or a director; `Location` points at the new unit.
        """
        return cast(
            OrgUnit, self._call("org_units.create", body=body, idempotency_key=idempotency_key)
        )

    def get(self, unit_id: str, *, if_none_match: str | None = None) -> OrgUnit:
        """Read an org unit.

        GET /v1/org-units/{unit_id}

        A unit outside the caller's regions is 404.
        """
        return cast(
            OrgUnit,
            self._call(
                "org_units.get", path={"unit_id": unit_id}, headers={"if_none_match": if_none_match}
            ),
        )

    def update(
        self, unit_id: str, body: OrgUnitChange, *, if_match: int | str | None = None
    ) -> OrgUnit:
        """Rename, re-parent or change the manager of an org unit.

        PATCH /v1/org-units/{unit_id}

        An admin or a director; a cycle or a region mismatch is 409 naming the rule.
        """
        return cast(
            OrgUnit,
            self._call(
                "org_units.update",
                path={"unit_id": unit_id},
                body=body,
                headers={"if_match": if_match},
            ),
        )


class PenaltiesResource(ResourceBase):
    """`/v1/penalties`."""

    def list(
        self,
        *,
        region: str | None = None,
        rep_id: str | None = None,
        kind: Literal["warning", "penalty"] | None = None,
        status: Literal["proposed", "granted", "imposed", "rejected"] | None = None,
        period: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> PenaltyList:
        """List penalties and warnings.

        GET /v1/penalties

        Penalties the caller sees (a rep: their own), newest first.
        """
        return cast(
            PenaltyList,
            self._call(
                "penalties.list",
                query={
                    "region": region,
                    "rep_id": rep_id,
                    "kind": kind,
                    "status": status,
                    "period": period,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        rep_id: str | None = None,
        kind: Literal["warning", "penalty"] | None = None,
        status: Literal["proposed", "granted", "imposed", "rejected"] | None = None,
        period: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[Incentive]:
        """Every item of `list`, page after page (GET /v1/penalties).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "penalties.list",
            query={
                "region": region,
                "rep_id": rep_id,
                "kind": kind,
                "status": status,
                "period": period,
                "page_size": page_size,
            },
        )

    def create(self, body: NewPenalty, *, idempotency_key: str | None = None) -> Incentive:
        """Propose a penalty or a warning.

        POST /v1/penalties

        By a manager above the rep or a director of the region; a director decides it.
        """
        return cast(
            Incentive, self._call("penalties.create", body=body, idempotency_key=idempotency_key)
        )

    def get(self, incentive_id: str, *, if_none_match: str | None = None) -> Incentive:
        """Read a penalty.

        GET /v1/penalties/{incentive_id}
        """
        return cast(
            Incentive,
            self._call(
                "penalties.get",
                path={"incentive_id": incentive_id},
                headers={"if_none_match": if_none_match},
            ),
        )

    def approve(
        self,
        incentive_id: str,
        body: NoFields | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Incentive:
        """Approve a proposed penalty.

        POST /v1/penalties/{incentive_id}:approve

        A director of the region other than the proposer; the penalty is imposed, its violations
        penalised and performance.penalty.imposed emitted.
        """
        return cast(
            Incentive,
            self._call(
                "penalties.approve",
                path={"incentive_id": incentive_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def reject(
        self,
        incentive_id: str,
        body: Rejection,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Incentive:
        """Reject a proposed penalty.

        POST /v1/penalties/{incentive_id}:reject

        A director of the region other than the proposer, with a reason.
        """
        return cast(
            Incentive,
            self._call(
                "penalties.reject",
                path={"incentive_id": incentive_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )


class PipelineAnalyticsResource(ResourceBase):
    """`/v1/pipeline-analytics`."""

    def deal_metrics(
        self,
        *,
        period: str,
        group_by: Literal["region", "team", "owner", "pipeline"] | None = None,
        region: str | None = None,
        team_id: str | None = None,
        owner_id: str | None = None,
        pipeline_id: str | None = None,
    ) -> DealMetricsReport:
        """Average deal size and cycle length.

        GET /v1/pipeline-analytics/deal-metrics

        Mean amount per currency and mean days to close of the deals won in the period.
        """
        return cast(
            DealMetricsReport,
            self._call(
                "pipeline_analytics.deal_metrics",
                query={
                    "group_by": group_by,
                    "period": period,
                    "region": region,
                    "team_id": team_id,
                    "owner_id": owner_id,
                    "pipeline_id": pipeline_id,
                },
            ),
        )

    def funnel(
        self,
        *,
        period: str,
        pipeline_id: str,
        region: str | None = None,
        team_id: str | None = None,
        owner_id: str | None = None,
    ) -> Funnel:
        """Funnel and stage conversion of a pipeline.

        GET /v1/pipeline-analytics/funnel

        For the deals created in the period: how many reached each stage, and the conversions.
        """
        return cast(
            Funnel,
            self._call(
                "pipeline_analytics.funnel",
                query={
                    "period": period,
                    "pipeline_id": pipeline_id,
                    "region": region,
                    "team_id": team_id,
                    "owner_id": owner_id,
                },
            ),
        )

    def time_in_stage(
        self,
        *,
        period: str,
        region: str | None = None,
        team_id: str | None = None,
        owner_id: str | None = None,
        pipeline_id: str | None = None,
    ) -> TimeInStageReport:
        """Time in stage.

        GET /v1/pipeline-analytics/time-in-stage

        Mean hours per stage over the stays that ended in the period.
        """
        return cast(
            TimeInStageReport,
            self._call(
                "pipeline_analytics.time_in_stage",
                query={
                    "period": period,
                    "region": region,
                    "team_id": team_id,
                    "owner_id": owner_id,
                    "pipeline_id": pipeline_id,
                },
            ),
        )

    def win_loss(
        self,
        *,
        period: str,
        region: str | None = None,
        team_id: str | None = None,
        owner_id: str | None = None,
        pipeline_id: str | None = None,
    ) -> WinLossReport:
        """Win/loss by reason and by competitor.

        GET /v1/pipeline-analytics/win-loss

        Losses per reason and won/lost deals per competitor, among the deals closed in the
        period.
        """
        return cast(
            WinLossReport,
            self._call(
                "pipeline_analytics.win_loss",
                query={
                    "period": period,
                    "region": region,
                    "team_id": team_id,
                    "owner_id": owner_id,
                    "pipeline_id": pipeline_id,
                },
            ),
        )

    def win_rate(
        self,
        *,
        period: str,
        group_by: Literal["region", "team", "owner", "pipeline"] | None = None,
        region: str | None = None,
        team_id: str | None = None,
        owner_id: str | None = None,
        pipeline_id: str | None = None,
    ) -> WinRateReport:
        """Win rate.

        GET /v1/pipeline-analytics/win-rate

        won / (won + lost) among the deals closed in the period, in total and per group.
        """
        return cast(
            WinRateReport,
            self._call(
                "pipeline_analytics.win_rate",
                query={
                    "group_by": group_by,
                    "period": period,
                    "region": region,
                    "team_id": team_id,
                    "owner_id": owner_id,
                    "pipeline_id": pipeline_id,
                },
            ),
        )


class PipelinesResource(ResourceBase):
    """`/v1/pipelines`."""

    def list(
        self,
        *,
        region: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> PipelineList:
        """List pipelines.

        GET /v1/pipelines

        Pipelines that apply to the caller's regions (global ones included).
        """
        return cast(
            PipelineList,
            self._call(
                "pipelines.list",
                query={"region": region, "page_size": page_size, "page_token": page_token},
            ),
        )

    def list_all(
        self, *, region: str | None = None, page_size: int | None = None
    ) -> Iterator[Pipeline]:
        """Every item of `list`, page after page (GET /v1/pipelines).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate("pipelines.list", query={"region": region, "page_size": page_size})

    def create(
        self, body: CreatePipelineRequest, *, idempotency_key: str | None = None
    ) -> Pipeline:
        """Create a pipeline.

        POST /v1/pipelines

        Admins only; `Location` points at the new pipeline.
        """
        return cast(
            Pipeline, self._call("pipelines.create", body=body, idempotency_key=idempotency_key)
        )

    def get(self, pipeline_id: str) -> Pipeline:
        """Read a pipeline.

        GET /v1/pipelines/{pipeline_id}

        A pipeline with its stages.
        """
        return cast(Pipeline, self._call("pipelines.get", path={"pipeline_id": pipeline_id}))

    def update(
        self, pipeline_id: str, body: UpdatePipelineRequest, *, if_match: int | str | None = None
    ) -> Pipeline:
        """Change a pipeline.

        PATCH /v1/pipelines/{pipeline_id}

        Admins only. A stage left out of `stages` is removed, unless deals are or were in it.
        """
        return cast(
            Pipeline,
            self._call(
                "pipelines.update",
                path={"pipeline_id": pipeline_id},
                body=body,
                headers={"if_match": if_match},
            ),
        )

    def list_stages(self, pipeline_id: str) -> StageList:
        """A pipeline's stages.

        GET /v1/pipelines/{pipeline_id}/stages

        The stages in order, with their probability and forecast category.
        """
        return cast(
            StageList, self._call("pipelines.list_stages", path={"pipeline_id": pipeline_id})
        )


class PlansResource(ResourceBase):
    """`/v1/plans`."""

    def list(
        self,
        *,
        region: str | None = None,
        org_unit_id: str | None = None,
        period: str | None = None,
        status: Literal["draft", "submitted", "approved", "active", "closed"] | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> PlanList:
        """List plans.

        GET /v1/plans

        Plans in the caller's regions, newest first.
        """
        return cast(
            PlanList,
            self._call(
                "plans.list",
                query={
                    "region": region,
                    "org_unit_id": org_unit_id,
                    "period": period,
                    "status": status,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        org_unit_id: str | None = None,
        period: str | None = None,
        status: Literal["draft", "submitted", "approved", "active", "closed"] | None = None,
        page_size: int | None = None,
    ) -> Iterator[Plan]:
        """Every item of `list`, page after page (GET /v1/plans).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "plans.list",
            query={
                "region": region,
                "org_unit_id": org_unit_id,
                "period": period,
                "status": status,
                "page_size": page_size,
            },
        )

    def create(self, body: CreatePlanRequest, *, idempotency_key: str | None = None) -> Plan:
        """Draft a plan.

        POST /v1/plans

        Draft a plan for an org unit in the caller's regions; `Location` points at it.
        """
        return cast(Plan, self._call("plans.create", body=body, idempotency_key=idempotency_key))

    def get(self, plan_id: str, *, if_none_match: str | None = None) -> PlanDetail:
        """Read a plan.

        GET /v1/plans/{plan_id}

        One plan version and what it carries over; outside the caller's regions it is 404.
        """
        return cast(
            PlanDetail,
            self._call(
                "plans.get", path={"plan_id": plan_id}, headers={"if_none_match": if_none_match}
            ),
        )

    def list_targets(
        self, plan_id: str, *, page_size: int | None = None, page_token: str | None = None
    ) -> TargetList:
        """List a plan's targets.

        GET /v1/plans/{plan_id}/targets

        The plan's targets, newest first; outside the caller's regions the plan is 404.
        """
        return cast(
            TargetList,
            self._call(
                "plans.list_targets",
                path={"plan_id": plan_id},
                query={"page_size": page_size, "page_token": page_token},
            ),
        )

    def list_targets_all(self, plan_id: str, *, page_size: int | None = None) -> Iterator[Target]:
        """Every item of `list_targets`, page after page (GET /v1/plans/{plan_id}/targets).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "plans.list_targets", path={"plan_id": plan_id}, query={"page_size": page_size}
        )

    def add_target(
        self, plan_id: str, body: AddTargetRequest, *, idempotency_key: str | None = None
    ) -> Target:
        """Add a target.

        POST /v1/plans/{plan_id}/targets

        Add a target to a draft plan; an approved plan is locked (a precondition problem).
        """
        return cast(
            Target,
            self._call(
                "plans.add_target",
                path={"plan_id": plan_id},
                body=body,
                idempotency_key=idempotency_key,
            ),
        )

    def activate(
        self,
        plan_id: str,
        body: NoFields | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Plan:
        """Activate a plan.

        POST /v1/plans/{plan_id}:activate

        An approved plan becomes its unit's active plan for the period (one at a time).
        """
        return cast(
            Plan,
            self._call(
                "plans.activate",
                path={"plan_id": plan_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def amend(
        self,
        plan_id: str,
        body: AmendPlanRequest | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Plan:
        """Amend a plan.

        POST /v1/plans/{plan_id}:amend

        Draft the next version of an approved or active plan (returned); the old one is kept.
        """
        return cast(
            Plan,
            self._call(
                "plans.amend",
                path={"plan_id": plan_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def approve(
        self,
        plan_id: str,
        body: NoFields | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Plan:
        """Approve a plan.

        POST /v1/plans/{plan_id}:approve

        The parent unit's manager or a director of the region; the plan is then locked.
        """
        return cast(
            Plan,
            self._call(
                "plans.approve",
                path={"plan_id": plan_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def close(
        self,
        plan_id: str,
        body: NoFields | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Plan:
        """Close a plan.

        POST /v1/plans/{plan_id}:close

        An approved or active plan is closed.
        """
        return cast(
            Plan,
            self._call(
                "plans.close",
                path={"plan_id": plan_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def reject(
        self,
        plan_id: str,
        body: RejectPlanRequest,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Plan:
        """Reject a plan.

        POST /v1/plans/{plan_id}:reject

        Return a submitted plan to draft; the reason is required.
        """
        return cast(
            Plan,
            self._call(
                "plans.reject",
                path={"plan_id": plan_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def submit(
        self,
        plan_id: str,
        body: NoFields | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Plan:
        """Submit a plan for approval.

        POST /v1/plans/{plan_id}:submit

        Only a draft; it is locked while submitted.
        """
        return cast(
            Plan,
            self._call(
                "plans.submit",
                path={"plan_id": plan_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )


class QuotesResource(ResourceBase):
    """`/v1/quotes`."""

    def list(
        self,
        *,
        region: str | None = None,
        opportunity_id: str | None = None,
        status: Literal[
            "draft", "pending_approval", "approved", "rejected", "accepted", "superseded"
        ]
        | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> QuoteList:
        """List quotes.

        GET /v1/quotes

        Quotes of the deals in the caller's scope, newest first.
        """
        return cast(
            QuoteList,
            self._call(
                "quotes.list",
                query={
                    "region": region,
                    "opportunity_id": opportunity_id,
                    "status": status,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        opportunity_id: str | None = None,
        status: Literal[
            "draft", "pending_approval", "approved", "rejected", "accepted", "superseded"
        ]
        | None = None,
        page_size: int | None = None,
    ) -> Iterator[Quote]:
        """Every item of `list`, page after page (GET /v1/quotes).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "quotes.list",
            query={
                "region": region,
                "opportunity_id": opportunity_id,
                "status": status,
                "page_size": page_size,
            },
        )

    def create(self, body: CreateQuoteRequest, *, idempotency_key: str | None = None) -> Quote:
        """Draft a quote.

        POST /v1/quotes

        Draft a quote for an open opportunity; `Location` points at it.
        """
        return cast(Quote, self._call("quotes.create", body=body, idempotency_key=idempotency_key))

    def get(self, quote_id: str, *, if_none_match: str | None = None) -> Quote:
        """Read a quote.

        GET /v1/quotes/{quote_id}

        A quote with its lines and decisions; outside the caller's scope it is 404.
        """
        return cast(
            Quote,
            self._call(
                "quotes.get", path={"quote_id": quote_id}, headers={"if_none_match": if_none_match}
            ),
        )

    def accept(
        self,
        quote_id: str,
        body: NoFields | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Quote:
        """Record the customer's acceptance.

        POST /v1/quotes/{quote_id}:accept

        Only an approved quote that has not expired; one accepted quote per deal.
        """
        return cast(
            Quote,
            self._call(
                "quotes.accept",
                path={"quote_id": quote_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def approve(
        self,
        quote_id: str,
        body: DecisionRequest | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Quote:
        """Approve a quote.

        POST /v1/quotes/{quote_id}:approve

        Approve a pending quote; 403 when the caller's authority does not cover its discount.
        """
        return cast(
            Quote,
            self._call(
                "quotes.approve",
                path={"quote_id": quote_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def reject(
        self,
        quote_id: str,
        body: DecisionRequest,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Quote:
        """Reject a quote.

        POST /v1/quotes/{quote_id}:reject

        Reject a pending quote; the comment is required.
        """
        return cast(
            Quote,
            self._call(
                "quotes.reject",
                path={"quote_id": quote_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def revise(
        self,
        quote_id: str,
        body: ReviseQuoteRequest | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Quote:
        """Revise a quote.

        POST /v1/quotes/{quote_id}:revise

        Draft the next version (returned); this one becomes superseded.
        """
        return cast(
            Quote,
            self._call(
                "quotes.revise",
                path={"quote_id": quote_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def submit(
        self,
        quote_id: str,
        body: NoFields | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Quote:
        """Submit a quote.

        POST /v1/quotes/{quote_id}:submit

        Approved at once within the submitter's authority, else pending approval.
        """
        return cast(
            Quote,
            self._call(
                "quotes.submit",
                path={"quote_id": quote_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )


class ReadinessResource(ResourceBase):
    """`/v1/readiness`."""

    def get(
        self, *, rep: str | None = None, team: str | None = None, region: str | None = None
    ) -> ReadinessReport:
        """Readiness of a rep, a team or a region.

        GET /v1/readiness
        """
        return cast(
            ReadinessReport,
            self._call("readiness.get", query={"rep": rep, "team": team, "region": region}),
        )


class RegionsResource(ResourceBase):
    """`/v1/regions`."""

    def region_dashboard(
        self, region: str, *, period: str, pipeline_id: str | None = None
    ) -> RegionDashboard:
        """A region's dashboard: plan, funnel, forecast, people.

        GET /v1/regions/{region}/dashboard

        Every section from its own service, concurrently; a missing one is null and in
        `partial`.
        """
        return cast(
            RegionDashboard,
            self._call(
                "regions.region_dashboard",
                path={"region": region},
                query={"period": period, "pipeline_id": pipeline_id},
            ),
        )

    def region_report(
        self, region: str, *, period: str, format: str | None = None, pipeline_id: str | None = None
    ) -> RegionDashboard:
        """A region's periodic sales report (JSON, CSV or printable HTML).

        GET /v1/regions/{region}/report

        The dashboard's data in the asked format; csv and html come as downloads.
        """
        return cast(
            RegionDashboard,
            self._call(
                "regions.region_report",
                path={"region": region},
                query={"period": period, "format": format, "pipeline_id": pipeline_id},
            ),
        )


class RepsResource(ResourceBase):
    """`/v1/reps`."""

    def list(
        self,
        *,
        region: str | None = None,
        team_unit_id: str | None = None,
        status: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> RepList:
        """List people.

        GET /v1/reps

        People of the caller's regions (a rep: themselves).
        """
        return cast(
            RepList,
            self._call(
                "reps.list",
                query={
                    "region": region,
                    "team_unit_id": team_unit_id,
                    "status": status,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        team_unit_id: str | None = None,
        status: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[Rep]:
        """Every item of `list`, page after page (GET /v1/reps).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "reps.list",
            query={
                "region": region,
                "team_unit_id": team_unit_id,
                "status": status,
                "page_size": page_size,
            },
        )

    def create(self, body: NewHire, *, idempotency_key: str | None = None) -> Rep:
        """Hire a rep.

        POST /v1/reps

        An admin or a director; emits planning.rep.hired.
        """
        return cast(Rep, self._call("reps.create", body=body, idempotency_key=idempotency_key))

    def get(self, rep_id: str) -> RepWithHistory:
        """Read a rep and their assignment history.

        GET /v1/reps/{rep_id}

        A rep outside the caller's scope is 404.
        """
        return cast(RepWithHistory, self._call("reps.get", path={"rep_id": rep_id}))

    def rep_overview(self, rep_id: str, *, period: str) -> RepOverview:
        """A rep's overview: pipeline, attainment, pay, training.

        GET /v1/reps/{rep_id}/overview

        Every section from its own service, concurrently; a missing one is null and in
        `partial`.
        """
        return cast(
            RepOverview,
            self._call("reps.rep_overview", path={"rep_id": rep_id}, query={"period": period}),
        )

    def assign(
        self,
        rep_id: str,
        body: AssignmentInput,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Rep:
        """Change a rep's team, manager, capacity or status.

        POST /v1/reps/{rep_id}:assign

        An admin or a director; emits planning.rep.assigned.
        """
        return cast(
            Rep,
            self._call(
                "reps.assign",
                path={"rep_id": rep_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def leave(
        self,
        rep_id: str,
        body: Leaving,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Rep:
        """Record that a rep left.

        POST /v1/reps/{rep_id}:leave

        An admin or a director; emits planning.rep.left.
        """
        return cast(
            Rep,
            self._call(
                "reps.leave",
                path={"rep_id": rep_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )


class RequiredCertificationsResource(ResourceBase):
    """`/v1/required-certifications`."""

    def list(
        self,
        *,
        product_line: str | None = None,
        region: str | None = None,
        include_unpublished: bool | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> RequiredCertificationList:
        """List required certifications.

        GET /v1/required-certifications
        """
        return cast(
            RequiredCertificationList,
            self._call(
                "required_certifications.list",
                query={
                    "product_line": product_line,
                    "region": region,
                    "include_unpublished": include_unpublished,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        product_line: str | None = None,
        region: str | None = None,
        include_unpublished: bool | None = None,
        page_size: int | None = None,
    ) -> Iterator[RequiredCertification]:
        """Every item of `list`, page after page (GET /v1/required-certifications).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "required_certifications.list",
            query={
                "product_line": product_line,
                "region": region,
                "include_unpublished": include_unpublished,
                "page_size": page_size,
            },
        )

    def set(self, body: Requirement, *, if_match: int | str | None = None) -> RequiredCertification:
        """Set a product line's required certification.

        PUT /v1/required-certifications

        Admins; announced as training.certification_requirement.changed.
        """
        return cast(
            RequiredCertification,
            self._call("required_certifications.set", body=body, headers={"if_match": if_match}),
        )


class ReviewsResource(ResourceBase):
    """`/v1/reviews`."""

    def list(
        self,
        *,
        region: str | None = None,
        org_unit_id: str | None = None,
        period: str | None = None,
        status: Literal["open", "closed"] | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> ReviewList:
        """List period reviews.

        GET /v1/reviews

        Reviews in the caller's regions (a rep: their team's), newest first.
        """
        return cast(
            ReviewList,
            self._call(
                "reviews.list",
                query={
                    "region": region,
                    "org_unit_id": org_unit_id,
                    "period": period,
                    "status": status,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        org_unit_id: str | None = None,
        period: str | None = None,
        status: Literal["open", "closed"] | None = None,
        page_size: int | None = None,
    ) -> Iterator[Review]:
        """Every item of `list`, page after page (GET /v1/reviews).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "reviews.list",
            query={
                "region": region,
                "org_unit_id": org_unit_id,
                "period": period,
                "status": status,
                "page_size": page_size,
            },
        )

    def create(self, body: OpenReview, *, idempotency_key: str | None = None) -> ReviewWithActions:
        """Open a period review.

        POST /v1/reviews

        One per unit and period (409 for a second); lines filled from attainment now.
        """
        return cast(
            ReviewWithActions,
            self._call("reviews.create", body=body, idempotency_key=idempotency_key),
        )

    def get(self, review_id: str) -> ReviewWithActions:
        """Read a period review.

        GET /v1/reviews/{review_id}

        The review, its actions and the open actions carried from earlier reviews.
        """
        return cast(ReviewWithActions, self._call("reviews.get", path={"review_id": review_id}))

    def update(
        self, review_id: str, body: ReviewChange, *, if_match: int | str | None = None
    ) -> Review:
        """Change a review's findings.

        PATCH /v1/reviews/{review_id}

        Only while open: a closed review is locked (422).
        """
        return cast(
            Review,
            self._call(
                "reviews.update",
                path={"review_id": review_id},
                body=body,
                headers={"if_match": if_match},
            ),
        )

    def list_review_actions(
        self, review_id: str, *, page_size: int | None = None, page_token: str | None = None
    ) -> ImprovementActionList:
        """List a review's improvement actions.

        GET /v1/reviews/{review_id}/actions

        The actions raised in this review, newest first.
        """
        return cast(
            ImprovementActionList,
            self._call(
                "reviews.list_review_actions",
                path={"review_id": review_id},
                query={"page_size": page_size, "page_token": page_token},
            ),
        )

    def list_review_actions_all(
        self, review_id: str, *, page_size: int | None = None
    ) -> Iterator[ImprovementAction]:
        """Every item of `list_review_actions`, page after page (GET
        /v1/reviews/{review_id}/actions).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "reviews.list_review_actions",
            path={"review_id": review_id},
            query={"page_size": page_size},
        )

    def add_action(
        self, review_id: str, body: NewAction, *, idempotency_key: str | None = None
    ) -> ImprovementAction:
        """Add an improvement action.

        POST /v1/reviews/{review_id}/actions

        To an open review; the owner is a rep of the organisation.
        """
        return cast(
            ImprovementAction,
            self._call(
                "reviews.add_action",
                path={"review_id": review_id},
                body=body,
                idempotency_key=idempotency_key,
            ),
        )

    def close(
        self,
        review_id: str,
        body: ReviewChange | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Review:
        """Close and lock a review.

        POST /v1/reviews/{review_id}:close

        Optionally with final findings; emits planning.review.closed.
        """
        return cast(
            Review,
            self._call(
                "reviews.close",
                path={"review_id": review_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def refresh(
        self,
        review_id: str,
        body: NoFields | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Review:
        """Fill a review again from attainment.

        POST /v1/reviews/{review_id}:refresh

        Only while open.
        """
        return cast(
            Review,
            self._call(
                "reviews.refresh",
                path={"review_id": review_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )


class RewardsResource(ResourceBase):
    """`/v1/rewards`."""

    def list(
        self,
        *,
        region: str | None = None,
        rep_id: str | None = None,
        kind: Literal["award", "bonus", "points"] | None = None,
        status: Literal["proposed", "granted", "imposed", "rejected"] | None = None,
        period: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> RewardList:
        """List rewards.

        GET /v1/rewards

        Rewards the caller sees (a rep: their own), newest first.
        """
        return cast(
            RewardList,
            self._call(
                "rewards.list",
                query={
                    "region": region,
                    "rep_id": rep_id,
                    "kind": kind,
                    "status": status,
                    "period": period,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        rep_id: str | None = None,
        kind: Literal["award", "bonus", "points"] | None = None,
        status: Literal["proposed", "granted", "imposed", "rejected"] | None = None,
        period: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[Incentive]:
        """Every item of `list`, page after page (GET /v1/rewards).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "rewards.list",
            query={
                "region": region,
                "rep_id": rep_id,
                "kind": kind,
                "status": status,
                "period": period,
                "page_size": page_size,
            },
        )

    def create(self, body: NewReward, *, idempotency_key: str | None = None) -> Incentive:
        """Propose a reward.

        POST /v1/rewards

        By a manager above the rep or a director of the region; a director decides it.
        """
        return cast(
            Incentive, self._call("rewards.create", body=body, idempotency_key=idempotency_key)
        )

    def get(self, incentive_id: str, *, if_none_match: str | None = None) -> Incentive:
        """Read a reward.

        GET /v1/rewards/{incentive_id}
        """
        return cast(
            Incentive,
            self._call(
                "rewards.get",
                path={"incentive_id": incentive_id},
                headers={"if_none_match": if_none_match},
            ),
        )

    def approve(
        self,
        incentive_id: str,
        body: NoFields | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Incentive:
        """Approve a proposed reward.

        POST /v1/rewards/{incentive_id}:approve

        A director of the region other than the proposer; the reward is granted and
        performance.reward.granted emitted.
        """
        return cast(
            Incentive,
            self._call(
                "rewards.approve",
                path={"incentive_id": incentive_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def reject(
        self,
        incentive_id: str,
        body: Rejection,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Incentive:
        """Reject a proposed reward.

        POST /v1/rewards/{incentive_id}:reject

        A director of the region other than the proposer, with a reason.
        """
        return cast(
            Incentive,
            self._call(
                "rewards.reject",
                path={"incentive_id": incentive_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )


class ScorecardsResource(ResourceBase):
    """`/v1/scorecards`."""

    def list(
        self,
        *,
        region: str | None = None,
        period: str | None = None,
        team_id: str | None = None,
        rep_id: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> ScorecardList:
        """List published scorecards.

        GET /v1/scorecards

        Published scorecards the caller may see, newest first.
        """
        return cast(
            ScorecardList,
            self._call(
                "scorecards.list",
                query={
                    "region": region,
                    "period": period,
                    "team_id": team_id,
                    "rep_id": rep_id,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        period: str | None = None,
        team_id: str | None = None,
        rep_id: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[Scorecard]:
        """Every item of `list`, page after page (GET /v1/scorecards).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "scorecards.list",
            query={
                "region": region,
                "period": period,
                "team_id": team_id,
                "rep_id": rep_id,
                "page_size": page_size,
            },
        )

    def get_scorecard(
        self, rep_id: str, period_code: str, *, preview: bool | None = None
    ) -> Scorecard:
        """Read a rep's scorecard.

        GET /v1/scorecards/{rep_id}/{period_code}

        The published scorecard, else a live preview computed now.
        """
        return cast(
            Scorecard,
            self._call(
                "scorecards.get_scorecard",
                path={"rep_id": rep_id, "period_code": period_code},
                query={"preview": preview},
            ),
        )

    def detect_gaps(self, body: GapScan, *, idempotency_key: str | None = None) -> DetectedGaps:
        """Look for KPI gaps now (directors).

        POST /v1/scorecards:detect-gaps

        A running period's live scorecards of a region; the worker does it daily too.
        """
        return cast(
            DetectedGaps,
            self._call("scorecards.detect_gaps", body=body, idempotency_key=idempotency_key),
        )

    def publish(self, body: Publication, *, idempotency_key: str | None = None) -> Published:
        """Publish a closed period's scorecards.

        POST /v1/scorecards:publish

        At or after the period's close (422 before); each published once, immutable.
        """
        return cast(
            Published, self._call("scorecards.publish", body=body, idempotency_key=idempotency_key)
        )


class SkillProfilesResource(ResourceBase):
    """`/v1/skill-profiles`."""

    def list(
        self,
        *,
        role: str | None = None,
        region: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> SkillProfileList:
        """List role skill profiles.

        GET /v1/skill-profiles
        """
        return cast(
            SkillProfileList,
            self._call(
                "skill_profiles.list",
                query={
                    "role": role,
                    "region": region,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self, *, role: str | None = None, region: str | None = None, page_size: int | None = None
    ) -> Iterator[SkillProfile]:
        """Every item of `list`, page after page (GET /v1/skill-profiles).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "skill_profiles.list", query={"role": role, "region": region, "page_size": page_size}
        )

    def set(self, body: SkillLevel, *, if_match: int | str | None = None) -> SkillProfile:
        """Set a role's skill level.

        PUT /v1/skill-profiles
        """
        return cast(
            SkillProfile,
            self._call("skill_profiles.set", body=body, headers={"if_match": if_match}),
        )

    def delete(self, profile_id: str, *, if_match: int | str | None = None) -> None:
        """Remove a skill from a role's profile.

        DELETE /v1/skill-profiles/{profile_id}
        """
        self._call(
            "skill_profiles.delete", path={"profile_id": profile_id}, headers={"if_match": if_match}
        )


class StageGatesResource(ResourceBase):
    """`/v1/stage-gates`."""

    def get(
        self, stage_id: str, *, version: int | None = None, if_none_match: str | None = None
    ) -> StageGate:
        """Read a stage's exit criteria.

        GET /v1/stage-gates/{stage_id}

        The current version of the criteria, or the one asked for.
        """
        return cast(
            StageGate,
            self._call(
                "stage_gates.get",
                path={"stage_id": stage_id},
                query={"version": version},
                headers={"if_none_match": if_none_match},
            ),
        )

    def update(
        self, stage_id: str, body: SetStageGateRequest, *, if_match: int | str | None = None
    ) -> StageGate:
        """Set a stage's exit criteria.

        PUT /v1/stage-gates/{stage_id}

        Admins only. Stores a new version; deals are checked against it from now on.
        """
        return cast(
            StageGate,
            self._call(
                "stage_gates.update",
                path={"stage_id": stage_id},
                body=body,
                headers={"if_match": if_match},
            ),
        )

    def list_stage_gate_versions(self, stage_id: str) -> StageGateVersions:
        """A stage's exit criteria history.

        GET /v1/stage-gates/{stage_id}/versions

        Every version of the criteria, newest first.
        """
        return cast(
            StageGateVersions,
            self._call("stage_gates.list_stage_gate_versions", path={"stage_id": stage_id}),
        )


class SurveysResource(ResourceBase):
    """`/v1/surveys`."""

    def list(
        self,
        *,
        customer_id: str | None = None,
        kind: Literal["csat", "nps"] | None = None,
        region: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> SurveyResponseList:
        """List survey responses.

        GET /v1/surveys

        Responses in the caller's scope (a rep: their accounts'), newest first.
        """
        return cast(
            SurveyResponseList,
            self._call(
                "surveys.list",
                query={
                    "customer_id": customer_id,
                    "kind": kind,
                    "region": region,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        customer_id: str | None = None,
        kind: Literal["csat", "nps"] | None = None,
        region: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[SurveyResponse]:
        """Every item of `list`, page after page (GET /v1/surveys).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "surveys.list",
            query={
                "customer_id": customer_id,
                "kind": kind,
                "region": region,
                "page_size": page_size,
            },
        )

    def create(
        self, body: RecordSurveyResponse, *, idempotency_key: str | None = None
    ) -> SurveyResponse:
        """Record a survey response.

        POST /v1/surveys

        Record one CSAT or NPS answer of a customer the caller may change.
        """
        return cast(
            SurveyResponse, self._call("surveys.create", body=body, idempotency_key=idempotency_key)
        )

    def import_(
        self,
        body: dict[str, Any] | None = None,
        *,
        csv: bytes | str | None = None,
        idempotency_key: str | None = None,
    ) -> SurveyImport:
        """Import survey responses (JSON or CSV).

        POST /v1/surveys:import

        Record many responses: each row's result comes back with its number (recorded, duplicate
        of a known external_id, or invalid naming the fields). A bad row never stops the others;
        a body that is not JSON or UTF-8 CSV with a header is refused whole.
        """
        return cast(
            SurveyImport,
            self._call("surveys.import_", body=body, csv=csv, idempotency_key=idempotency_key),
        )


class TargetsResource(ResourceBase):
    """`/v1/targets`."""

    def get_target_roll_up(self, target_id: str) -> TargetRollUp:
        """Roll a target's allocation back up.

        GET /v1/targets/{target_id}/roll-up

        Per parent unit: amount, children's sum, what they should sum to, and whether they do.
        """
        return cast(
            TargetRollUp, self._call("targets.get_target_roll_up", path={"target_id": target_id})
        )

    def adjust_allocation(
        self,
        target_id: str,
        body: AdjustAllocationRequest,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> AdjustedAllocation:
        """Change one unit's or rep's share by hand.

        POST /v1/targets/{target_id}:adjust-allocation

        Managers, directors and admins of the plan's region, with a reason.
        """
        return cast(
            AdjustedAllocation,
            self._call(
                "targets.adjust_allocation",
                path={"target_id": target_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def allocate(
        self,
        target_id: str,
        body: AllocateTargetRequest,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> AllocationResult:
        """Allocate a target down the org tree.

        POST /v1/targets/{target_id}:allocate

        Exact shares for the child units and reps; replaces the target's previous allocation.
        """
        return cast(
            AllocationResult,
            self._call(
                "targets.allocate",
                path={"target_id": target_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )


class TerritoriesResource(ResourceBase):
    """`/v1/territories`."""

    def list(
        self,
        *,
        region: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> TerritoryList:
        """List territories.

        GET /v1/territories

        Territories of the caller's regions that are not removed.
        """
        return cast(
            TerritoryList,
            self._call(
                "territories.list",
                query={"region": region, "page_size": page_size, "page_token": page_token},
            ),
        )

    def list_all(
        self, *, region: str | None = None, page_size: int | None = None
    ) -> Iterator[Territory]:
        """Every item of `list`, page after page (GET /v1/territories).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate("territories.list", query={"region": region, "page_size": page_size})

    def create(self, body: NewTerritory, *, idempotency_key: str | None = None) -> Territory:
        """Create a territory.

        POST /v1/territories

        An admin or a director; emits planning.territory.changed (version 1).
        """
        return cast(
            Territory, self._call("territories.create", body=body, idempotency_key=idempotency_key)
        )

    def coverage(self, *, region: str) -> Coverage:
        """Coverage of a region's territories.

        GET /v1/territories/coverage

        Headcount, capacity, market potential and potential per head; another region is 404.
        """
        return cast(Coverage, self._call("territories.coverage", query={"region": region}))

    def delete(self, territory_id: str, *, if_match: int | str | None = None) -> Territory:
        """Remove a territory.

        DELETE /v1/territories/{territory_id}

        An admin or a director; emits planning.territory.changed with removed=true.
        """
        return cast(
            Territory,
            self._call(
                "territories.delete",
                path={"territory_id": territory_id},
                headers={"if_match": if_match},
            ),
        )

    def update(
        self, territory_id: str, body: TerritoryState, *, if_match: int | str | None = None
    ) -> Territory:
        """Replace a territory's rules, reps and potential.

        PUT /v1/territories/{territory_id}

        An admin or a director; bumps the version and emits planning.territory.changed.
        """
        return cast(
            Territory,
            self._call(
                "territories.update",
                path={"territory_id": territory_id},
                body=body,
                headers={"if_match": if_match},
            ),
        )

    def get_market_share(self, territory_id: str, *, period: str | None = None) -> MarketShare:
        """A territory's market share.

        GET /v1/territories/{territory_id}/market-share

        Our revenue over each segment's size, and over their total; a missing FX rate is 422.
        """
        return cast(
            MarketShare,
            self._call(
                "territories.get_market_share",
                path={"territory_id": territory_id},
                query={"period": period},
            ),
        )


class TierThresholdsResource(ResourceBase):
    """`/v1/tier-thresholds`."""

    def list(
        self,
        *,
        region: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> TierThresholdsList:
        """List tier thresholds.

        GET /v1/tier-thresholds

        The thresholds that apply in the caller's regions.
        """
        return cast(
            TierThresholdsList,
            self._call(
                "tier_thresholds.list",
                query={"region": region, "page_size": page_size, "page_token": page_token},
            ),
        )

    def list_all(
        self, *, region: str | None = None, page_size: int | None = None
    ) -> Iterator[TierThresholds]:
        """Every item of `list`, page after page (GET /v1/tier-thresholds).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "tier_thresholds.list", query={"region": region, "page_size": page_size}
        )

    def set(
        self, body: SetTierThresholdsRequest, *, if_match: int | str | None = None
    ) -> ThresholdsSet:
        """Set tier thresholds.

        PUT /v1/tier-thresholds

        Admins only; every account the thresholds apply to is re-tiered now.
        """
        return cast(
            ThresholdsSet,
            self._call("tier_thresholds.set", body=body, headers={"if_match": if_match}),
        )


class TransferRequestsResource(ResourceBase):
    """`/v1/transfer-requests`."""

    def list(
        self,
        *,
        region: str | None = None,
        customer_id: str | None = None,
        status: Literal["pending", "approved", "rejected", "cancelled"] | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> OwnershipTransferList:
        """List transfer requests.

        GET /v1/transfer-requests

        Requests in the caller's scope (a rep: those they asked for, give or receive).
        """
        return cast(
            OwnershipTransferList,
            self._call(
                "transfer_requests.list",
                query={
                    "region": region,
                    "customer_id": customer_id,
                    "status": status,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        customer_id: str | None = None,
        status: Literal["pending", "approved", "rejected", "cancelled"] | None = None,
        page_size: int | None = None,
    ) -> Iterator[OwnershipTransfer]:
        """Every item of `list`, page after page (GET /v1/transfer-requests).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "transfer_requests.list",
            query={
                "region": region,
                "customer_id": customer_id,
                "status": status,
                "page_size": page_size,
            },
        )

    def create(
        self, body: NewTransferRequest, *, idempotency_key: str | None = None
    ) -> OwnershipTransfer:
        """Ask for an account to change owner.

        POST /v1/transfer-requests

        A pending request for the owner's manager to decide; `Location` points at it.
        """
        return cast(
            OwnershipTransfer,
            self._call("transfer_requests.create", body=body, idempotency_key=idempotency_key),
        )

    def get(self, transfer_id: str) -> OwnershipTransfer:
        """Read a transfer request.

        GET /v1/transfer-requests/{transfer_id}

        A request outside the caller's scope is 404.
        """
        return cast(
            OwnershipTransfer,
            self._call("transfer_requests.get", path={"transfer_id": transfer_id}),
        )

    def approve(
        self,
        transfer_id: str,
        body: Decision | None = None,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Approved:
        """Approve a transfer request.

        POST /v1/transfer-requests/{transfer_id}:approve

        The owner's manager or a director: the account changes owner now.
        """
        return cast(
            Approved,
            self._call(
                "transfer_requests.approve",
                path={"transfer_id": transfer_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )

    def reject(
        self,
        transfer_id: str,
        body: Decision,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> OwnershipTransfer:
        """Reject a transfer request.

        POST /v1/transfer-requests/{transfer_id}:reject

        The owner's manager or a director; the comment says why.
        """
        return cast(
            OwnershipTransfer,
            self._call(
                "transfer_requests.reject",
                path={"transfer_id": transfer_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )


class ViolationsResource(ResourceBase):
    """`/v1/violations`."""

    def list(
        self,
        *,
        region: str | None = None,
        period: str | None = None,
        rule: Literal[
            "stale_opportunity",
            "lead_sla_breach",
            "discount_above_authority",
            "won_without_contract",
        ]
        | None = None,
        status: Literal["open", "dismissed", "penalised"] | None = None,
        rep_id: str | None = None,
        inspection_id: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> ViolationList:
        """List violations.

        GET /v1/violations

        Violations the caller sees (a rep: their own), newest first.
        """
        return cast(
            ViolationList,
            self._call(
                "violations.list",
                query={
                    "region": region,
                    "period": period,
                    "rule": rule,
                    "status": status,
                    "rep_id": rep_id,
                    "inspection_id": inspection_id,
                    "page_size": page_size,
                    "page_token": page_token,
                },
            ),
        )

    def list_all(
        self,
        *,
        region: str | None = None,
        period: str | None = None,
        rule: Literal[
            "stale_opportunity",
            "lead_sla_breach",
            "discount_above_authority",
            "won_without_contract",
        ]
        | None = None,
        status: Literal["open", "dismissed", "penalised"] | None = None,
        rep_id: str | None = None,
        inspection_id: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[Violation]:
        """Every item of `list`, page after page (GET /v1/violations).

        Pages are fetched as the iteration reaches them; `page_size` sets their size.
        """
        return self._iterate(
            "violations.list",
            query={
                "region": region,
                "period": period,
                "rule": rule,
                "status": status,
                "rep_id": rep_id,
                "inspection_id": inspection_id,
                "page_size": page_size,
            },
        )

    def get(self, violation_id: str, *, if_none_match: str | None = None) -> Violation:
        """Read a violation.

        GET /v1/violations/{violation_id}
        """
        return cast(
            Violation,
            self._call(
                "violations.get",
                path={"violation_id": violation_id},
                headers={"if_none_match": if_none_match},
            ),
        )

    def dismiss(
        self,
        violation_id: str,
        body: Dismissal,
        *,
        if_match: int | str | None = None,
        idempotency_key: str | None = None,
    ) -> Violation:
        """Dismiss a violation.

        POST /v1/violations/{violation_id}:dismiss

        A director of the region, with a reason; only an open violation.
        """
        return cast(
            Violation,
            self._call(
                "violations.dismiss",
                path={"violation_id": violation_id},
                body=body,
                headers={"if_match": if_match},
                idempotency_key=idempotency_key,
            ),
        )


class WeightedPipelineResource(ResourceBase):
    """`/v1/weighted-pipeline`."""

    def get(
        self, *, period: str, org_unit: str | None = None, rep: str | None = None
    ) -> WeightedPipeline:
        """Weighted pipeline of a rep or unit.

        GET /v1/weighted-pipeline

        Exactly one of `org_unit` and `rep`; outside the caller's scope it is 404.
        """
        return cast(
            WeightedPipeline,
            self._call(
                "weighted_pipeline.get", query={"period": period, "org_unit": org_unit, "rep": rep}
            ),
        )


class Resources:
    """Every resource of the gateway, one attribute each."""

    def __init__(self, transport: Transport) -> None:
        self.activities = ActivitiesResource(transport, OPERATIONS_BY_ID)
        self.assessments = AssessmentsResource(transport, OPERATIONS_BY_ID)
        self.assignment_rules = AssignmentRulesResource(transport, OPERATIONS_BY_ID)
        self.attainment = AttainmentResource(transport, OPERATIONS_BY_ID)
        self.case_sla_policies = CaseSlaPoliciesResource(transport, OPERATIONS_BY_ID)
        self.cases = CasesResource(transport, OPERATIONS_BY_ID)
        self.certifications = CertificationsResource(transport, OPERATIONS_BY_ID)
        self.coaching_actions = CoachingActionsResource(transport, OPERATIONS_BY_ID)
        self.coaching_sessions = CoachingSessionsResource(transport, OPERATIONS_BY_ID)
        self.commission_plans = CommissionPlansResource(transport, OPERATIONS_BY_ID)
        self.commission_statements = CommissionStatementsResource(transport, OPERATIONS_BY_ID)
        self.competitors = CompetitorsResource(transport, OPERATIONS_BY_ID)
        self.contacts = ContactsResource(transport, OPERATIONS_BY_ID)
        self.contracts = ContractsResource(transport, OPERATIONS_BY_ID)
        self.courses = CoursesResource(transport, OPERATIONS_BY_ID)
        self.credits = CreditsResource(transport, OPERATIONS_BY_ID)
        self.customer_health = CustomerHealthResource(transport, OPERATIONS_BY_ID)
        self.customers = CustomersResource(transport, OPERATIONS_BY_ID)
        self.discount_authority = DiscountAuthorityResource(transport, OPERATIONS_BY_ID)
        self.disputes = DisputesResource(transport, OPERATIONS_BY_ID)
        self.enrollments = EnrollmentsResource(transport, OPERATIONS_BY_ID)
        self.evaluations = EvaluationsResource(transport, OPERATIONS_BY_ID)
        self.facts = FactsResource(transport, OPERATIONS_BY_ID)
        self.forecasts = ForecastsResource(transport, OPERATIONS_BY_ID)
        self.fx_rates = FxRatesResource(transport, OPERATIONS_BY_ID)
        self.improvement_actions = ImprovementActionsResource(transport, OPERATIONS_BY_ID)
        self.inspection_reports = InspectionReportsResource(transport, OPERATIONS_BY_ID)
        self.inspection_rules = InspectionRulesResource(transport, OPERATIONS_BY_ID)
        self.inspections = InspectionsResource(transport, OPERATIONS_BY_ID)
        self.intel = IntelResource(transport, OPERATIONS_BY_ID)
        self.kpis = KpisResource(transport, OPERATIONS_BY_ID)
        self.lead_routing = LeadRoutingResource(transport, OPERATIONS_BY_ID)
        self.lead_sla_policies = LeadSlaPoliciesResource(transport, OPERATIONS_BY_ID)
        self.leaderboards = LeaderboardsResource(transport, OPERATIONS_BY_ID)
        self.leads = LeadsResource(transport, OPERATIONS_BY_ID)
        self.learning_paths = LearningPathsResource(transport, OPERATIONS_BY_ID)
        self.market_segments = MarketSegmentsResource(transport, OPERATIONS_BY_ID)
        self.nps = NpsResource(transport, OPERATIONS_BY_ID)
        self.opportunities = OpportunitiesResource(transport, OPERATIONS_BY_ID)
        self.org_units = OrgUnitsResource(transport, OPERATIONS_BY_ID)
        self.penalties = PenaltiesResource(transport, OPERATIONS_BY_ID)
        self.pipeline_analytics = PipelineAnalyticsResource(transport, OPERATIONS_BY_ID)
        self.pipelines = PipelinesResource(transport, OPERATIONS_BY_ID)
        self.plans = PlansResource(transport, OPERATIONS_BY_ID)
        self.quotes = QuotesResource(transport, OPERATIONS_BY_ID)
        self.readiness = ReadinessResource(transport, OPERATIONS_BY_ID)
        self.regions = RegionsResource(transport, OPERATIONS_BY_ID)
        self.reps = RepsResource(transport, OPERATIONS_BY_ID)
        self.required_certifications = RequiredCertificationsResource(transport, OPERATIONS_BY_ID)
        self.reviews = ReviewsResource(transport, OPERATIONS_BY_ID)
        self.rewards = RewardsResource(transport, OPERATIONS_BY_ID)
        self.scorecards = ScorecardsResource(transport, OPERATIONS_BY_ID)
        self.skill_profiles = SkillProfilesResource(transport, OPERATIONS_BY_ID)
        self.stage_gates = StageGatesResource(transport, OPERATIONS_BY_ID)
        self.surveys = SurveysResource(transport, OPERATIONS_BY_ID)
        self.targets = TargetsResource(transport, OPERATIONS_BY_ID)
        self.territories = TerritoriesResource(transport, OPERATIONS_BY_ID)
        self.tier_thresholds = TierThresholdsResource(transport, OPERATIONS_BY_ID)
        self.transfer_requests = TransferRequestsResource(transport, OPERATIONS_BY_ID)
        self.violations = ViolationsResource(transport, OPERATIONS_BY_ID)
        self.weighted_pipeline = WeightedPipelineResource(transport, OPERATIONS_BY_ID)
