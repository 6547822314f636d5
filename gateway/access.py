"""Who may call which gateway route: one declarative table, the gateway's role gate.

Every business route has exactly one row: (HTTP method, route template) ->
the roles that may call it, and the upstream service and RPC it serves. The
rows mirror the rules each service enforces again on its own (defence in
depth): admin-only configuration, organisers (directors and admins), catalog
and KPI writers, inspectors, privacy officers, transfer and incentive
deciders, and so on. A role listed here may still find a given record out of
reach: the service narrows every call to the role's scope (`ROLE_SCOPES`), and
a record outside it does not exist for the caller (404).

`python -m gateway.access --markdown` prints the route x role matrix that
docs/security.md embeds; a test fails when the two differ, and another when a
route has no row.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from services.kit.identity import READER_ROLES, ROLES, WRITER_ROLES

# The role sets the services' rules come in (names say who, not which route).
READERS = READER_ROLES  # rep, manager, director, executive, admin
WRITERS = WRITER_ROLES  # rep, manager, director, admin: changes within their scope
ADMINS = frozenset({"admin"})  # configuration: policies, pipelines, thresholds, FX rates
ORGANISERS = frozenset({"director", "admin"})  # organisation, catalog, KPI sets, inspections
MANAGERS_AND_UP = frozenset({"manager", "director", "admin"})  # act for a team or region
MANAGERS_AND_DIRECTORS = frozenset({"manager", "director"})  # incentives, scorecard publishing
MANAGERS = frozenset({"manager"})  # evaluations are written by a manager above the rep
DIRECTORS = frozenset({"director"})  # calibration, appeals, incentive and violation decisions
REGION_VIEWERS = READERS - {"rep"}  # views over a region's people: not for a rep

# The `upstream` of a view the gateway composes from several services' RPCs.
COMPOSED = "gateway"

# Role order of the matrix columns.
ROLE_ORDER = ("rep", "manager", "director", "executive", "admin", "platform")

ROLE_SCOPES: Mapping[str, str] = {
    "rep": "own records: the leads, deals, accounts, forecasts and training they own",
    "manager": "their team: records owned by reps of the units they manage (and below)",
    "director": "their regions: every record of the regions in the token",
    "executive": "all regions, read only",
    "admin": "configuration of their regions (all regions with region `*`), and writes there",
    "platform": "health and metrics only (/healthz, /readyz, /metrics); no business route",
}

# Served to anyone, token or not: probes and Prometheus scrape them.
PUBLIC_ROUTES = frozenset({("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics")})


@dataclass(frozen=True)
class RouteAccess:
    """One route's rule: who may call it, and the upstream RPC it serves.

    A view the gateway composes has `upstream` COMPOSED and names itself in
    `rpc`; each RPC behind it is checked by its own service.
    """

    method: str
    path: str
    roles: frozenset[str]
    upstream: str
    rpc: str
    # A setting of every region at once: only a token for every region (`*`) may change it.
    all_regions: bool = False
    # Other RPCs of the same upstream the route calls instead, depending on its input
    # (readiness of a rep, a team or a region; consent given or withdrawn).
    alternatives: tuple[str, ...] = ()

    def allows(self, roles: Iterable[str]) -> bool:
        """Whether a caller holding `roles` passes the gate (any one role suffices)."""
        return bool(self.roles & set(roles))


ROUTES: tuple[RouteAccess, ...] = (
    # activities
    RouteAccess("POST", "/v1/activities", WRITERS, "pipeline", "LogActivity"),
    RouteAccess("GET", "/v1/activities", READERS, "pipeline", "ListActivities"),
    RouteAccess("GET", "/v1/activities/{activity_id}", READERS, "pipeline", "GetActivity"),
    RouteAccess(
        "POST", "/v1/activities/{activity_id}:complete", WRITERS, "pipeline", "CompleteActivity"
    ),
    # assessments
    RouteAccess("GET", "/v1/assessments", READERS, "training", "ListAssessments"),
    RouteAccess("POST", "/v1/assessments", ORGANISERS, "training", "CreateAssessment"),
    RouteAccess("GET", "/v1/assessments/{assessment_id}", READERS, "training", "GetAssessment"),
    RouteAccess(
        "PUT", "/v1/assessments/{assessment_id}", ORGANISERS, "training", "UpdateAssessment"
    ),
    RouteAccess(
        "POST", "/v1/assessments/{assessment_id}:submit", WRITERS, "training", "SubmitAssessment"
    ),
    RouteAccess(
        "GET",
        "/v1/assessments/{assessment_id}/attempts",
        READERS,
        "training",
        "ListAssessmentAttempts",
    ),
    # assignment_rules
    RouteAccess("POST", "/v1/assignment-rules", ORGANISERS, "training", "CreateAssignmentRule"),
    RouteAccess("GET", "/v1/assignment-rules", READERS, "training", "ListAssignmentRules"),
    RouteAccess("GET", "/v1/assignment-rules/{rule_id}", READERS, "training", "GetAssignmentRule"),
    RouteAccess(
        "PUT", "/v1/assignment-rules/{rule_id}", ORGANISERS, "training", "UpdateAssignmentRule"
    ),
    # attainment
    RouteAccess("GET", "/v1/attainment", READERS, "planning", "GetAttainment"),
    RouteAccess("POST", "/v1/attainment:checkpoint", ADMINS, "planning", "RunPaceCheckpoint"),
    # cases
    RouteAccess("POST", "/v1/cases", WRITERS, "pipeline", "OpenCase"),
    RouteAccess("GET", "/v1/cases/{case_id}", READERS, "pipeline", "GetCase"),
    RouteAccess("GET", "/v1/cases", READERS, "pipeline", "ListCases"),
    RouteAccess("POST", "/v1/cases/{case_id}:assign", WRITERS, "pipeline", "AssignCase"),
    RouteAccess("POST", "/v1/cases/{case_id}:start", WRITERS, "pipeline", "StartCase"),
    RouteAccess("POST", "/v1/cases/{case_id}:resolve", WRITERS, "pipeline", "ResolveCase"),
    RouteAccess("POST", "/v1/cases/{case_id}:close", WRITERS, "pipeline", "CloseCase"),
    RouteAccess("POST", "/v1/cases/{case_id}:reopen", WRITERS, "pipeline", "ReopenCase"),
    RouteAccess("GET", "/v1/case-sla-policies/{region}", READERS, "pipeline", "GetCaseSlaPolicy"),
    RouteAccess("PUT", "/v1/case-sla-policies/{region}", ADMINS, "pipeline", "UpdateCaseSlaPolicy"),
    # certifications
    RouteAccess("GET", "/v1/certifications", READERS, "training", "ListCertifications"),
    RouteAccess("POST", "/v1/certifications:grant", ADMINS, "training", "GrantCertification"),
    RouteAccess(
        "POST",
        "/v1/certifications:run-expiry",
        ADMINS,
        "training",
        "RunCertificationExpiry",
        all_regions=True,
    ),
    RouteAccess(
        "GET", "/v1/certifications/{certification_id}", READERS, "training", "GetCertification"
    ),
    RouteAccess(
        "POST",
        "/v1/certifications/{certification_id}:revoke",
        ORGANISERS,
        "training",
        "RevokeCertification",
    ),
    # coaching_sessions
    RouteAccess(
        "POST", "/v1/coaching-sessions", MANAGERS_AND_UP, "training", "CreateCoachingSession"
    ),
    RouteAccess("GET", "/v1/coaching-sessions", READERS, "training", "ListCoachingSessions"),
    RouteAccess(
        "GET", "/v1/coaching-sessions/{session_id}", READERS, "training", "GetCoachingSession"
    ),
    RouteAccess(
        "PATCH",
        "/v1/coaching-sessions/{session_id}",
        MANAGERS_AND_UP,
        "training",
        "UpdateCoachingSession",
    ),
    RouteAccess(
        "POST",
        "/v1/coaching-sessions/{session_id}/actions",
        MANAGERS_AND_UP,
        "training",
        "AddCoachingAction",
    ),
    RouteAccess(
        "POST",
        "/v1/coaching-actions/{action_id}:complete",
        WRITERS,
        "training",
        "CompleteCoachingAction",
    ),
    # commission_plans
    RouteAccess(
        "POST", "/v1/commission-plans", MANAGERS_AND_UP, "performance", "CreateCommissionPlan"
    ),
    RouteAccess("GET", "/v1/commission-plans", READERS, "performance", "ListCommissionPlans"),
    RouteAccess(
        "GET", "/v1/commission-plans/{plan_id}", READERS, "performance", "GetCommissionPlan"
    ),
    RouteAccess(
        "POST",
        "/v1/commission-plans/{plan_id}:approve",
        ORGANISERS,
        "performance",
        "ApproveCommissionPlan",
    ),
    RouteAccess(
        "POST",
        "/v1/commission-plans/{plan_id}:amend",
        MANAGERS_AND_UP,
        "performance",
        "AmendCommissionPlan",
    ),
    # commission_statements
    RouteAccess(
        "POST",
        "/v1/commission-statements:calculate",
        MANAGERS_AND_UP,
        "performance",
        "CalculateStatements",
    ),
    RouteAccess(
        "GET", "/v1/commission-statements", READERS, "performance", "ListCommissionStatements"
    ),
    RouteAccess(
        "GET",
        "/v1/commission-statements/{statement_id}",
        READERS,
        "performance",
        "GetCommissionStatement",
    ),
    # competitors
    RouteAccess("POST", "/v1/competitors", MANAGERS_AND_UP, "planning", "CreateCompetitor"),
    RouteAccess("GET", "/v1/competitors", READERS, "planning", "ListCompetitors"),
    RouteAccess("GET", "/v1/competitors/{competitor_id}", READERS, "planning", "GetCompetitor"),
    RouteAccess(
        "PUT", "/v1/competitors/{competitor_id}", MANAGERS_AND_UP, "planning", "UpdateCompetitor"
    ),
    RouteAccess(
        "POST",
        "/v1/competitors/{competitor_id}:archive",
        MANAGERS_AND_UP,
        "planning",
        "ArchiveCompetitor",
    ),
    # contacts
    RouteAccess(
        "GET", "/v1/customers/{customer_id}/contacts", READERS, "customers", "ListContacts"
    ),
    RouteAccess("POST", "/v1/customers/{customer_id}/contacts", WRITERS, "customers", "AddContact"),
    RouteAccess("GET", "/v1/contacts/{contact_id}", READERS, "customers", "GetContact"),
    RouteAccess("PATCH", "/v1/contacts/{contact_id}", WRITERS, "customers", "UpdateContact"),
    RouteAccess("GET", "/v1/contacts/{contact_id}/consent", READERS, "customers", "GetConsent"),
    RouteAccess(
        "POST",
        "/v1/contacts/{contact_id}/consent",
        WRITERS,
        "customers",
        "RecordConsent",
        alternatives=("WithdrawConsent",),
    ),
    RouteAccess(
        "POST", "/v1/contacts/{contact_id}:export", MANAGERS_AND_UP, "customers", "ExportContact"
    ),
    RouteAccess(
        "POST", "/v1/contacts/{contact_id}:erase", MANAGERS_AND_UP, "customers", "EraseContact"
    ),
    # contracts
    RouteAccess("GET", "/v1/contracts", READERS, "pipeline", "ListContracts"),
    RouteAccess("GET", "/v1/contracts/{contract_id}", READERS, "pipeline", "GetContract"),
    RouteAccess(
        "POST", "/v1/contracts/{contract_id}:cancel", WRITERS, "pipeline", "CancelContract"
    ),
    RouteAccess("POST", "/v1/contracts/{contract_id}:renew", WRITERS, "pipeline", "RenewContract"),
    # courses
    RouteAccess("POST", "/v1/courses", ORGANISERS, "training", "CreateCourse"),
    RouteAccess("GET", "/v1/courses", READERS, "training", "ListCourses"),
    RouteAccess("GET", "/v1/courses/{course_id}", READERS, "training", "GetCourse"),
    RouteAccess("PUT", "/v1/courses/{course_id}", ORGANISERS, "training", "UpdateCourse"),
    RouteAccess("POST", "/v1/courses/{course_id}:retire", ORGANISERS, "training", "RetireCourse"),
    # credits
    RouteAccess("GET", "/v1/credits", READERS, "performance", "ListCredits"),
    RouteAccess("GET", "/v1/credits:summary", READERS, "performance", "GetCreditSummary"),
    # customer_health
    RouteAccess(
        "GET", "/v1/customers/{customer_id}/health", READERS, "customers", "GetCustomerHealth"
    ),
    RouteAccess("GET", "/v1/customer-health", READERS, "customers", "ListCustomerHealth"),
    # customers
    RouteAccess("POST", "/v1/customers", WRITERS, "customers", "CreateCustomer"),
    RouteAccess("GET", "/v1/customers/{customer_id}", READERS, "customers", "GetCustomer"),
    RouteAccess("GET", "/v1/customers", READERS, "customers", "ListCustomers"),
    RouteAccess("PATCH", "/v1/customers/{customer_id}", WRITERS, "customers", "UpdateCustomer"),
    RouteAccess(
        "POST", "/v1/customers/{customer_id}:merge", WRITERS, "customers", "MergeCustomers"
    ),
    RouteAccess(
        "POST", "/v1/customers/{customer_id}:transfer", WRITERS, "customers", "TransferCustomer"
    ),
    RouteAccess(
        "POST", "/v1/customers/{customer_id}/tags", WRITERS, "customers", "UpdateCustomerTags"
    ),
    RouteAccess(
        "GET",
        "/v1/customers/{customer_id}/ownership-history",
        READERS,
        "customers",
        "ListOwnershipHistory",
    ),
    # disputes
    RouteAccess("POST", "/v1/disputes", WRITERS, "performance", "DisputeStatementLine"),
    RouteAccess("GET", "/v1/disputes", READERS, "performance", "ListDisputes"),
    RouteAccess(
        "POST",
        "/v1/disputes/{dispute_id}:resolve",
        MANAGERS_AND_UP,
        "performance",
        "ResolveDispute",
    ),
    # enrollments
    RouteAccess("POST", "/v1/enrollments", MANAGERS_AND_UP, "training", "AssignEnrollment"),
    RouteAccess("POST", "/v1/enrollments:self-enroll", WRITERS, "training", "SelfEnroll"),
    RouteAccess("GET", "/v1/enrollments", READERS, "training", "ListEnrollments"),
    RouteAccess("GET", "/v1/enrollments/{enrollment_id}", READERS, "training", "GetEnrollment"),
    RouteAccess(
        "POST", "/v1/enrollments/{enrollment_id}:start", WRITERS, "training", "StartEnrollment"
    ),
    RouteAccess(
        "POST",
        "/v1/enrollments/{enrollment_id}:progress",
        WRITERS,
        "training",
        "UpdateEnrollmentProgress",
    ),
    RouteAccess(
        "POST",
        "/v1/enrollments/{enrollment_id}:complete",
        WRITERS,
        "training",
        "CompleteEnrollment",
    ),
    RouteAccess(
        "POST",
        "/v1/enrollments/{enrollment_id}:waive",
        MANAGERS_AND_UP,
        "training",
        "WaiveEnrollment",
    ),
    # evaluations
    RouteAccess("POST", "/v1/evaluations", MANAGERS, "performance", "CreateEvaluation"),
    RouteAccess("GET", "/v1/evaluations", READERS, "performance", "ListEvaluations"),
    RouteAccess("POST", "/v1/evaluations:calibrate", DIRECTORS, "performance", "CalibrateTeam"),
    RouteAccess("GET", "/v1/evaluations/{evaluation_id}", READERS, "performance", "GetEvaluation"),
    RouteAccess(
        "PATCH", "/v1/evaluations/{evaluation_id}", MANAGERS, "performance", "UpdateEvaluation"
    ),
    RouteAccess(
        "POST", "/v1/evaluations/{evaluation_id}:share", MANAGERS, "performance", "ShareEvaluation"
    ),
    RouteAccess(
        "POST",
        "/v1/evaluations/{evaluation_id}:acknowledge",
        WRITERS,
        "performance",
        "AcknowledgeEvaluation",
    ),
    RouteAccess(
        "POST", "/v1/evaluations/{evaluation_id}:appeal", WRITERS, "performance", "AppealEvaluation"
    ),
    RouteAccess(
        "POST", "/v1/evaluations/{evaluation_id}:resolve", DIRECTORS, "performance", "ResolveAppeal"
    ),
    # facts
    RouteAccess("GET", "/v1/facts", READERS, "performance", "ListFacts"),
    # forecasts
    RouteAccess("POST", "/v1/forecasts", WRITERS, "planning", "SubmitForecast"),
    RouteAccess("GET", "/v1/forecasts", READERS, "planning", "ListForecasts"),
    RouteAccess("GET", "/v1/forecasts:roll-up", READERS, "planning", "GetForecastRollUp"),
    RouteAccess("GET", "/v1/forecasts/{forecast_id}", READERS, "planning", "GetForecast"),
    RouteAccess(
        "GET", "/v1/forecasts/{forecast_id}/versions", READERS, "planning", "ListForecastVersions"
    ),
    RouteAccess(
        "POST", "/v1/forecasts/{forecast_id}:adjust", MANAGERS_AND_UP, "planning", "AdjustForecast"
    ),
    # fx_rates
    RouteAccess("GET", "/v1/fx-rates", READERS, "planning", "ListFxRates"),
    RouteAccess(
        "PUT",
        "/v1/fx-rates/{period}/{from_currency}/{to_currency}",
        ADMINS,
        "planning",
        "SetFxRate",
    ),
    # improvement_actions
    RouteAccess(
        "PATCH",
        "/v1/improvement-actions/{action_id}",
        WRITERS,
        "planning",
        "UpdateImprovementAction",
    ),
    RouteAccess("GET", "/v1/improvement-actions", READERS, "planning", "ListImprovementActions"),
    # inspections
    RouteAccess("POST", "/v1/inspections:run", ORGANISERS, "performance", "RunInspection"),
    RouteAccess("GET", "/v1/inspections", READERS, "performance", "ListInspections"),
    RouteAccess("GET", "/v1/inspections/{inspection_id}", READERS, "performance", "GetInspection"),
    RouteAccess("GET", "/v1/inspection-reports", READERS, "performance", "GetInspectionReport"),
    RouteAccess("GET", "/v1/inspection-rules", READERS, "performance", "ListInspectionRules"),
    RouteAccess(
        "PUT", "/v1/inspection-rules/{rule}", ORGANISERS, "performance", "SetInspectionRule"
    ),
    # intel
    RouteAccess("POST", "/v1/intel", WRITERS, "planning", "RecordIntel"),
    RouteAccess("GET", "/v1/intel", READERS, "planning", "ListIntel"),
    RouteAccess("GET", "/v1/intel/{intel_id}", READERS, "planning", "GetIntel"),
    # kpis
    RouteAccess("POST", "/v1/kpis", ORGANISERS, "performance", "DefineKpiSet"),
    RouteAccess("GET", "/v1/kpis", READERS, "performance", "ListKpiSets"),
    RouteAccess("GET", "/v1/kpis:effective", READERS, "performance", "GetEffectiveKpis"),
    RouteAccess("GET", "/v1/kpis/{kpi_set_id}", READERS, "performance", "GetKpiSet"),
    # lead_routing
    RouteAccess(
        "PUT", "/v1/lead-routing/{territory_id}", ORGANISERS, "pipeline", "SetLeadRoutingStrategy"
    ),
    # lead_sla_policies
    RouteAccess("GET", "/v1/lead-sla-policies", READERS, "pipeline", "ListLeadSlaPolicies"),
    RouteAccess("PUT", "/v1/lead-sla-policies/{region}", ADMINS, "pipeline", "SetLeadSlaPolicy"),
    # leaderboards
    RouteAccess("GET", "/v1/leaderboards", READERS, "performance", "GetLeaderboard"),
    # leads
    RouteAccess("POST", "/v1/leads", WRITERS, "pipeline", "CreateLead"),
    RouteAccess("GET", "/v1/leads/{lead_id}", READERS, "pipeline", "GetLead"),
    RouteAccess("GET", "/v1/leads", READERS, "pipeline", "ListLeads"),
    RouteAccess("POST", "/v1/leads/{lead_id}:qualify", WRITERS, "pipeline", "QualifyLead"),
    RouteAccess("POST", "/v1/leads/{lead_id}:disqualify", WRITERS, "pipeline", "DisqualifyLead"),
    RouteAccess("POST", "/v1/leads/{lead_id}:convert", WRITERS, "pipeline", "ConvertLead"),
    RouteAccess("POST", "/v1/leads/{lead_id}:assign", MANAGERS_AND_UP, "pipeline", "AssignLead"),
    RouteAccess(
        "POST", "/v1/leads/{lead_id}:mark-contacted", WRITERS, "pipeline", "MarkLeadContacted"
    ),
    RouteAccess("POST", "/v1/leads:import", WRITERS, "pipeline", "ImportLeads"),
    # learning_paths
    RouteAccess("POST", "/v1/learning-paths", ORGANISERS, "training", "CreateLearningPath"),
    RouteAccess("GET", "/v1/learning-paths", READERS, "training", "ListLearningPaths"),
    RouteAccess("GET", "/v1/learning-paths/{path_id}", READERS, "training", "GetLearningPath"),
    RouteAccess(
        "PUT", "/v1/learning-paths/{path_id}", ORGANISERS, "training", "UpdateLearningPath"
    ),
    RouteAccess(
        "POST", "/v1/learning-paths/{path_id}:retire", ORGANISERS, "training", "RetireLearningPath"
    ),
    # market_segments
    RouteAccess("POST", "/v1/market-segments", MANAGERS_AND_UP, "planning", "CreateMarketSegment"),
    RouteAccess("GET", "/v1/market-segments", READERS, "planning", "ListMarketSegments"),
    RouteAccess("GET", "/v1/market-segments/{segment_id}", READERS, "planning", "GetMarketSegment"),
    RouteAccess(
        "PUT",
        "/v1/market-segments/{segment_id}",
        MANAGERS_AND_UP,
        "planning",
        "UpdateMarketSegment",
    ),
    RouteAccess(
        "GET", "/v1/territories/{territory_id}/market-share", READERS, "planning", "GetMarketShare"
    ),
    # nps
    RouteAccess("GET", "/v1/nps", READERS, "customers", "GetNps"),
    # opportunities
    RouteAccess("POST", "/v1/opportunities", WRITERS, "pipeline", "CreateOpportunity"),
    RouteAccess("GET", "/v1/opportunities", READERS, "pipeline", "ListOpportunities"),
    RouteAccess("GET", "/v1/opportunities/{opportunity_id}", READERS, "pipeline", "GetOpportunity"),
    RouteAccess(
        "PATCH", "/v1/opportunities/{opportunity_id}", WRITERS, "pipeline", "UpdateOpportunity"
    ),
    RouteAccess(
        "POST",
        "/v1/opportunities/{opportunity_id}:advance",
        WRITERS,
        "pipeline",
        "AdvanceOpportunity",
    ),
    RouteAccess(
        "POST", "/v1/opportunities/{opportunity_id}:win", WRITERS, "pipeline", "WinOpportunity"
    ),
    RouteAccess(
        "POST", "/v1/opportunities/{opportunity_id}:lose", WRITERS, "pipeline", "LoseOpportunity"
    ),
    RouteAccess(
        "POST",
        "/v1/opportunities/{opportunity_id}:reassign",
        MANAGERS_AND_UP,
        "pipeline",
        "ReassignOpportunity",
    ),
    RouteAccess(
        "GET",
        "/v1/opportunities/{opportunity_id}/stage-history",
        READERS,
        "pipeline",
        "ListOpportunityStageHistory",
    ),
    # org_units
    RouteAccess("POST", "/v1/org-units", ORGANISERS, "planning", "CreateOrgUnit"),
    RouteAccess("GET", "/v1/org-units", READERS, "planning", "ListOrgUnits"),
    RouteAccess("GET", "/v1/org-units/{unit_id}", READERS, "planning", "GetOrgUnit"),
    RouteAccess("PATCH", "/v1/org-units/{unit_id}", ORGANISERS, "planning", "UpdateOrgUnit"),
    # penalties
    RouteAccess("POST", "/v1/penalties", MANAGERS_AND_DIRECTORS, "performance", "ProposeIncentive"),
    RouteAccess("GET", "/v1/penalties", READERS, "performance", "ListIncentives"),
    # rewards
    RouteAccess("GET", "/v1/penalties/{incentive_id}", READERS, "performance", "GetIncentive"),
    RouteAccess(
        "POST", "/v1/penalties/{incentive_id}:approve", DIRECTORS, "performance", "ApproveIncentive"
    ),
    RouteAccess(
        "POST", "/v1/penalties/{incentive_id}:reject", DIRECTORS, "performance", "RejectIncentive"
    ),
    # pipeline_analytics
    RouteAccess("GET", "/v1/pipeline-analytics/funnel", READERS, "pipeline", "GetFunnel"),
    RouteAccess("GET", "/v1/pipeline-analytics/win-rate", READERS, "pipeline", "GetWinRate"),
    RouteAccess(
        "GET", "/v1/pipeline-analytics/deal-metrics", READERS, "pipeline", "GetDealMetrics"
    ),
    RouteAccess(
        "GET", "/v1/pipeline-analytics/time-in-stage", READERS, "pipeline", "GetTimeInStage"
    ),
    RouteAccess(
        "GET", "/v1/pipeline-analytics/win-loss", READERS, "pipeline", "GetWinLossBreakdown"
    ),
    # pipelines
    RouteAccess("POST", "/v1/pipelines", ADMINS, "pipeline", "CreatePipeline"),
    RouteAccess("GET", "/v1/pipelines", READERS, "pipeline", "ListPipelines"),
    RouteAccess("GET", "/v1/pipelines/{pipeline_id}", READERS, "pipeline", "GetPipeline"),
    RouteAccess("GET", "/v1/pipelines/{pipeline_id}/stages", READERS, "pipeline", "GetPipeline"),
    RouteAccess("PATCH", "/v1/pipelines/{pipeline_id}", ADMINS, "pipeline", "UpdatePipeline"),
    # plans
    RouteAccess("POST", "/v1/plans", WRITERS, "planning", "CreatePlan"),
    RouteAccess("GET", "/v1/plans", READERS, "planning", "ListPlans"),
    RouteAccess("GET", "/v1/plans/{plan_id}", READERS, "planning", "GetPlan"),
    RouteAccess("POST", "/v1/plans/{plan_id}:submit", WRITERS, "planning", "SubmitPlan"),
    RouteAccess("POST", "/v1/plans/{plan_id}:approve", MANAGERS_AND_UP, "planning", "ApprovePlan"),
    RouteAccess("POST", "/v1/plans/{plan_id}:reject", MANAGERS_AND_UP, "planning", "RejectPlan"),
    RouteAccess("POST", "/v1/plans/{plan_id}:activate", WRITERS, "planning", "ActivatePlan"),
    RouteAccess("POST", "/v1/plans/{plan_id}:close", WRITERS, "planning", "ClosePlan"),
    RouteAccess("POST", "/v1/plans/{plan_id}:amend", WRITERS, "planning", "AmendPlan"),
    # quotes
    RouteAccess("POST", "/v1/quotes", WRITERS, "pipeline", "CreateQuote"),
    RouteAccess("GET", "/v1/quotes", READERS, "pipeline", "ListQuotes"),
    RouteAccess("GET", "/v1/quotes/{quote_id}", READERS, "pipeline", "GetQuote"),
    RouteAccess("POST", "/v1/quotes/{quote_id}:submit", WRITERS, "pipeline", "SubmitQuote"),
    RouteAccess("POST", "/v1/quotes/{quote_id}:approve", WRITERS, "pipeline", "ApproveQuote"),
    RouteAccess("POST", "/v1/quotes/{quote_id}:reject", WRITERS, "pipeline", "RejectQuote"),
    RouteAccess("POST", "/v1/quotes/{quote_id}:accept", WRITERS, "pipeline", "AcceptQuote"),
    RouteAccess("POST", "/v1/quotes/{quote_id}:revise", WRITERS, "pipeline", "ReviseQuote"),
    RouteAccess("GET", "/v1/discount-authority", READERS, "pipeline", "ListDiscountAuthorities"),
    RouteAccess(
        "PUT",
        "/v1/discount-authority/{role}",
        ADMINS,
        "pipeline",
        "SetDiscountAuthority",
        all_regions=True,
    ),
    # readiness
    RouteAccess(
        "GET",
        "/v1/readiness",
        READERS,
        "training",
        "GetRepReadiness",
        alternatives=("GetTeamReadiness", "GetRegionReadiness"),
    ),
    # reps
    RouteAccess("POST", "/v1/reps", ORGANISERS, "planning", "HireRep"),
    RouteAccess("GET", "/v1/reps", READERS, "planning", "ListReps"),
    RouteAccess("GET", "/v1/reps/{rep_id}", READERS, "planning", "GetRep"),
    RouteAccess("POST", "/v1/reps/{rep_id}:assign", ORGANISERS, "planning", "AssignRep"),
    RouteAccess("POST", "/v1/reps/{rep_id}:leave", ORGANISERS, "planning", "RepLeaves"),
    # required_certifications
    RouteAccess(
        "GET", "/v1/required-certifications", READERS, "training", "ListRequiredCertifications"
    ),
    RouteAccess(
        "PUT", "/v1/required-certifications", ADMINS, "training", "SetRequiredCertification"
    ),
    # reviews
    RouteAccess("POST", "/v1/reviews", MANAGERS_AND_UP, "planning", "OpenReview"),
    RouteAccess("GET", "/v1/reviews", READERS, "planning", "ListReviews"),
    RouteAccess("GET", "/v1/reviews/{review_id}", READERS, "planning", "GetReview"),
    RouteAccess("PATCH", "/v1/reviews/{review_id}", MANAGERS_AND_UP, "planning", "UpdateReview"),
    RouteAccess(
        "POST", "/v1/reviews/{review_id}:refresh", MANAGERS_AND_UP, "planning", "RefreshReview"
    ),
    RouteAccess(
        "POST", "/v1/reviews/{review_id}:close", MANAGERS_AND_UP, "planning", "UpdateReview"
    ),
    RouteAccess(
        "POST",
        "/v1/reviews/{review_id}/actions",
        MANAGERS_AND_UP,
        "planning",
        "AddImprovementAction",
    ),
    RouteAccess(
        "GET", "/v1/reviews/{review_id}/actions", READERS, "planning", "ListImprovementActions"
    ),
    # rewards
    RouteAccess("POST", "/v1/rewards", MANAGERS_AND_DIRECTORS, "performance", "ProposeIncentive"),
    RouteAccess("GET", "/v1/rewards", READERS, "performance", "ListIncentives"),
    RouteAccess("GET", "/v1/rewards/{incentive_id}", READERS, "performance", "GetIncentive"),
    RouteAccess(
        "POST", "/v1/rewards/{incentive_id}:approve", DIRECTORS, "performance", "ApproveIncentive"
    ),
    RouteAccess(
        "POST", "/v1/rewards/{incentive_id}:reject", DIRECTORS, "performance", "RejectIncentive"
    ),
    # scorecards
    RouteAccess("GET", "/v1/scorecards", READERS, "performance", "ListScorecards"),
    RouteAccess(
        "POST", "/v1/scorecards:publish", MANAGERS_AND_DIRECTORS, "performance", "PublishScorecards"
    ),
    RouteAccess("POST", "/v1/scorecards:detect-gaps", ORGANISERS, "performance", "DetectGaps"),
    RouteAccess(
        "GET", "/v1/scorecards/{rep_id}/{period_code}", READERS, "performance", "GetScorecard"
    ),
    # skill_profiles
    RouteAccess("PUT", "/v1/skill-profiles", ORGANISERS, "training", "SetSkillProfile"),
    RouteAccess("GET", "/v1/skill-profiles", READERS, "training", "ListSkillProfiles"),
    RouteAccess(
        "DELETE", "/v1/skill-profiles/{profile_id}", ORGANISERS, "training", "DeleteSkillProfile"
    ),
    # stage_gates
    RouteAccess("GET", "/v1/stage-gates/{stage_id}", READERS, "pipeline", "GetStageGate"),
    RouteAccess(
        "GET", "/v1/stage-gates/{stage_id}/versions", READERS, "pipeline", "ListStageGateVersions"
    ),
    RouteAccess("PUT", "/v1/stage-gates/{stage_id}", ADMINS, "pipeline", "SetStageGate"),
    # surveys
    RouteAccess("POST", "/v1/surveys", WRITERS, "customers", "RecordSurveyResponse"),
    RouteAccess("GET", "/v1/surveys", READERS, "customers", "ListSurveyResponses"),
    RouteAccess("POST", "/v1/surveys:import", WRITERS, "customers", "ImportSurveyResponses"),
    # targets
    RouteAccess("POST", "/v1/plans/{plan_id}/targets", WRITERS, "planning", "AddTarget"),
    RouteAccess("GET", "/v1/plans/{plan_id}/targets", READERS, "planning", "ListTargets"),
    RouteAccess("POST", "/v1/targets/{target_id}:allocate", WRITERS, "planning", "AllocateTarget"),
    RouteAccess("GET", "/v1/targets/{target_id}/roll-up", READERS, "planning", "GetTargetRollUp"),
    RouteAccess(
        "POST", "/v1/targets/{target_id}:adjust-allocation", WRITERS, "planning", "AdjustAllocation"
    ),
    # territories
    RouteAccess("POST", "/v1/territories", ORGANISERS, "planning", "CreateTerritory"),
    RouteAccess("GET", "/v1/territories", READERS, "planning", "ListTerritories"),
    RouteAccess("GET", "/v1/territories/coverage", READERS, "planning", "GetTerritoryCoverage"),
    RouteAccess("PUT", "/v1/territories/{territory_id}", ORGANISERS, "planning", "UpdateTerritory"),
    RouteAccess(
        "DELETE", "/v1/territories/{territory_id}", ORGANISERS, "planning", "RemoveTerritory"
    ),
    # tier_thresholds
    RouteAccess("GET", "/v1/tier-thresholds", READERS, "customers", "ListTierThresholds"),
    RouteAccess("PUT", "/v1/tier-thresholds", ADMINS, "customers", "SetTierThresholds"),
    # timeline
    RouteAccess(
        "GET", "/v1/customers/{customer_id}/timeline", READERS, "customers", "ListTimeline"
    ),
    RouteAccess("POST", "/v1/customers/{customer_id}/notes", WRITERS, "customers", "AddNote"),
    # transfer_requests
    RouteAccess("POST", "/v1/transfer-requests", WRITERS, "customers", "RequestOwnershipTransfer"),
    RouteAccess("GET", "/v1/transfer-requests", READERS, "customers", "ListOwnershipTransfers"),
    RouteAccess(
        "GET", "/v1/transfer-requests/{transfer_id}", READERS, "customers", "GetOwnershipTransfer"
    ),
    RouteAccess(
        "POST",
        "/v1/transfer-requests/{transfer_id}:approve",
        MANAGERS_AND_UP,
        "customers",
        "ApproveOwnershipTransfer",
    ),
    RouteAccess(
        "POST",
        "/v1/transfer-requests/{transfer_id}:reject",
        MANAGERS_AND_UP,
        "customers",
        "RejectOwnershipTransfer",
    ),
    # violations
    RouteAccess("GET", "/v1/violations", READERS, "performance", "ListViolations"),
    RouteAccess("GET", "/v1/violations/{violation_id}", READERS, "performance", "GetViolation"),
    RouteAccess(
        "POST",
        "/v1/violations/{violation_id}:dismiss",
        DIRECTORS,
        "performance",
        "DismissViolation",
    ),
    # weighted_pipeline
    RouteAccess("GET", "/v1/weighted-pipeline", READERS, "planning", "GetWeightedPipeline"),
    # composed views: several upstream RPCs in parallel
    RouteAccess("GET", "/v1/regions/{region}/dashboard", REGION_VIEWERS, COMPOSED, "dashboard"),
    RouteAccess("GET", "/v1/regions/{region}/report", REGION_VIEWERS, COMPOSED, "report"),
    RouteAccess("GET", "/v1/reps/{rep_id}/overview", READERS, COMPOSED, "rep overview"),
)

ACCESS: Mapping[tuple[str, str], RouteAccess] = {(r.method, r.path): r for r in ROUTES}
assert len(ACCESS) == len(ROUTES), "a route has two rows in ROUTES"
assert all(r.roles <= ROLES - {"platform"} for r in ROUTES), "a row names an unknown role"


def access_for(method: str, path: str) -> RouteAccess | None:
    """The rule of a route template (`/v1/leads/{lead_id}`), or None when it has none."""
    return ACCESS.get((method.upper(), path))


def markdown() -> str:
    """The route x role matrix as a Markdown table, one row per route, in table order."""
    lines = [
        "| method | route | upstream RPC | " + " | ".join(ROLE_ORDER) + " |",
        "|---|---|---|" + "---|" * len(ROLE_ORDER),
    ]
    for method, path in sorted(PUBLIC_ROUTES, key=lambda item: item[1]):
        cells = " | ".join("yes" for _ in ROLE_ORDER)
        lines.append(f"| {method} | `{path}` | (gateway, no token) | {cells} |")
    for rule in ROUTES:
        allowed = "yes (`*`)" if rule.all_regions else "yes"
        cells = " | ".join(allowed if role in rule.roles else "-" for role in ROLE_ORDER)
        lines.append(f"| {rule.method} | `{rule.path}` | {rule.upstream}.{rule.rpc} | {cells} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """`python -m gateway.access --markdown`: print the matrix for docs/security.md."""
    parser = argparse.ArgumentParser(prog="python -m gateway.access", description=__doc__)
    parser.add_argument("--markdown", action="store_true", help="print the route x role matrix")
    arguments = parser.parse_args(argv)
    if not arguments.markdown:
        parser.print_help()
        return 2
    sys.stdout.write(markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
