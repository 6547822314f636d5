"""KPI sets over gRPC: who defines them, the weights rule, versions and the set in effect."""

from __future__ import annotations

import grpc
import pytest
from salesops.performance.v1 import kpis_pb2 as pb
from salesops.performance.v1 import kpis_pb2_grpc

from services.kit.db import Database
from services.performance.tests.scorecards_support import (
    ADMIN,
    APAC_DIRECTOR,
    DIRECTOR,
    MANAGER_A,
    REP_1,
    bad_fields,
    channel,
    db,
    failure,
    rule_types,
)

__all__ = ["channel", "db"]


@pytest.fixture
def stub(channel: grpc.Channel) -> kpis_pb2_grpc.KpiServiceStub:
    return kpis_pb2_grpc.KpiServiceStub(channel)


def two_kpis(win_weight: int = 6_000, activity_weight: int = 4_000) -> list[pb.Kpi]:
    return [
        pb.Kpi(
            code="win_rate",
            name="Win rate",
            source=pb.KPI_SOURCE_WIN_RATE,
            target_value=3_000,
            floor_bp=5_000,
            target_score=80,
            stretch_bp=15_000,
            weight_bp=win_weight,
        ),
        pb.Kpi(
            code="activities",
            name="Activities",
            source=pb.KPI_SOURCE_ACTIVITY_VOLUME,
            target_kind=pb.KPI_TARGET_KIND_QUOTA,
            floor_bp=5_000,
            target_score=80,
            stretch_bp=15_000,
            weight_bp=activity_weight,
            skill_area="prospecting",
        ),
    ]


def define(
    stub: kpis_pb2_grpc.KpiServiceStub,
    metadata: list[tuple[str, str]],
    *,
    region: str = "EMEA",
    effective_from: str = "FY2027-Q1",
    kpis: list[pb.Kpi] | None = None,
) -> pb.KpiSet:
    return stub.DefineKpiSet(
        pb.DefineKpiSetRequest(
            role="rep",
            region=region,
            effective_from=effective_from,
            kpis=two_kpis() if kpis is None else kpis,
        ),
        metadata=metadata,
    ).kpi_set


def effective(
    stub: kpis_pb2_grpc.KpiServiceStub,
    period: str,
    region: str = "EMEA",
    role: str = "rep",
    metadata: list[tuple[str, str]] = REP_1,
) -> pb.KpiSet:
    request = pb.GetEffectiveKpisRequest(role=role, region=region, period_code=period)
    return stub.GetEffectiveKpis(request, metadata=metadata).kpi_set


def test_the_default_sets_are_seeded_and_in_effect_everywhere(
    stub: kpis_pb2_grpc.KpiServiceStub,
) -> None:
    rep_set = effective(stub, "FY2027-Q1")
    assert (rep_set.region, rep_set.effective_from, rep_set.created_by) == ("", "FY2000", "system")
    assert [k.code for k in rep_set.kpis] == [
        "revenue",
        "new_customers",
        "win_rate",
        "activities",
        "csat",
        "training",
        "coverage",
    ]
    assert sum(k.weight_bp for k in rep_set.kpis) == 10_000
    assert {k.source for k in rep_set.kpis} == set(pb.KpiSource.values()) - {0}
    manager_set = effective(stub, "FY2027", role="manager")
    assert sum(k.weight_bp for k in manager_set.kpis) == 10_000


def test_directors_define_their_regions_sets_and_the_newest_in_effect_wins(
    stub: kpis_pb2_grpc.KpiServiceStub,
) -> None:
    first = define(stub, DIRECTOR)
    assert (first.region, first.effective_from, first.set_version) == ("EMEA", "FY2027-Q1", 1)
    assert [k.skill_area for k in first.kpis] == ["negotiation", "prospecting"]
    assert first.kpis[0].direction == pb.KPI_DIRECTION_HIGHER_IS_BETTER
    assert first.kpis[1].target_kind == pb.KPI_TARGET_KIND_QUOTA
    second = define(stub, DIRECTOR, kpis=two_kpis(5_000, 5_000))
    assert second.set_version == 2
    later = define(stub, ADMIN, effective_from="FY2027-Q3", kpis=two_kpis(7_000, 3_000))

    assert effective(stub, "FY2026-Q4").region == ""  # before it: the default
    assert effective(stub, "FY2027-Q1").kpi_set_id == second.kpi_set_id
    assert effective(stub, "FY2027-M05").kpi_set_id == second.kpi_set_id
    assert effective(stub, "FY2027-Q3").kpi_set_id == later.kpi_set_id
    # No APAC set: the default; and another region's sets do not exist for the caller.
    assert effective(stub, "FY2027-Q3", region="APAC", metadata=ADMIN).region == ""
    unseen = failure(lambda: effective(stub, "FY2027-Q3", region="APAC"))
    assert unseen.code() == grpc.StatusCode.NOT_FOUND

    got = stub.GetKpiSet(pb.GetKpiSetRequest(kpi_set_id=first.kpi_set_id), metadata=MANAGER_A)
    assert [k.weight_bp for k in got.kpi_set.kpis] == [6_000, 4_000]
    hidden = failure(
        lambda: stub.GetKpiSet(
            pb.GetKpiSetRequest(kpi_set_id=first.kpi_set_id), metadata=APAC_DIRECTOR
        )
    )
    assert hidden.code() == grpc.StatusCode.NOT_FOUND
    listed = stub.ListKpiSets(pb.ListKpiSetsRequest(role="rep"), metadata=APAC_DIRECTOR)
    assert [s.region for s in listed.kpi_sets] == [""]
    emea = stub.ListKpiSets(pb.ListKpiSetsRequest(region="EMEA"), metadata=DIRECTOR)
    assert len(emea.kpi_sets) == 3
    elsewhere = stub.ListKpiSets(pb.ListKpiSetsRequest(region="EMEA"), metadata=APAC_DIRECTOR)
    assert list(elsewhere.kpi_sets) == []


def test_only_admins_and_directors_of_the_region_define_sets(
    stub: kpis_pb2_grpc.KpiServiceStub,
) -> None:
    for metadata, region in (
        (REP_1, "EMEA"),
        (MANAGER_A, "EMEA"),
        (APAC_DIRECTOR, "EMEA"),
        (DIRECTOR, ""),  # the all-regions set is an admin's
    ):
        error = failure(lambda m=metadata, r=region: define(stub, m, region=r))  # type: ignore[misc]
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED, (metadata, region)
    assert define(stub, ADMIN, region="").region == ""


def test_weights_must_sum_to_10000_and_bad_fields_are_named(
    stub: kpis_pb2_grpc.KpiServiceStub, db: Database
) -> None:
    error = failure(lambda: define(stub, DIRECTOR, kpis=two_kpis(6_000, 3_000)))
    assert rule_types(error) == ["KPI_WEIGHTS_SUM"]
    assert "9000" in error.details()

    broken = two_kpis()
    broken[0].stretch_bp = 9_000
    broken[1].code = "win_rate"
    error = failure(
        lambda: stub.DefineKpiSet(
            pb.DefineKpiSetRequest(role="boss", region="EMEA", effective_from="2027", kpis=broken),
            metadata=DIRECTOR,
        )
    )
    assert bad_fields(error) == ["effective_from", "kpis[0].stretch_bp", "kpis[1].code", "role"]
    empty = failure(lambda: define(stub, DIRECTOR, kpis=[]))
    assert bad_fields(empty) == ["kpis"]
    # Nothing was written by the failed calls: only the seeded sets are listed.
    listed = stub.ListKpiSets(pb.ListKpiSetsRequest(), metadata=ADMIN)
    assert sorted(s.role for s in listed.kpi_sets) == ["manager", "rep"]
