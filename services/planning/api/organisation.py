"""OrganisationService: the org unit tree, people and their assignments, territories.

Changes need an admin or a director writing in the region; reads are scoped
to the caller's regions (a record elsewhere is NotFound and absent from lists).
People and territory changes emit `planning.rep.hired`, `planning.rep.assigned`,
`planning.rep.left` and `planning.territory.changed` in their transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, timedelta

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.events.v1 import planning_events_pb2 as events
from salesops.planning.v1 import organisation_pb2 as pb
from salesops.planning.v1 import organisation_pb2_grpc
from sqlalchemy.orm import Session

from services.kit.db import Database, utcnow
from services.kit.errors import AlreadyExists, InvalidArgument, NotFound, Validator
from services.kit.identity import Caller, current_caller
from services.kit.normalize import clean_text
from services.kit.outbox import record_event
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import timestamp
from services.kit.records import load_visible
from services.planning.domain import organisation as domain
from services.planning.models.organisation import (
    OrgUnitRecord,
    PersonRecord,
    RepAssignmentRecord,
    TerritoryRecord,
    TerritoryRepRecord,
)


def unit_to_proto(unit: OrgUnitRecord) -> pb.OrgUnit:
    return pb.OrgUnit(
        unit_id=unit.unit_id,
        code=unit.code,
        name=unit.name,
        parent_id=unit.parent_id or "",
        region=unit.region,
        manager_id=unit.manager_id,
        kind=unit.kind,
        create_time=timestamp(unit.created_at),
        update_time=timestamp(unit.updated_at),
        version=unit.version,
    )


def rep_to_proto(person: PersonRecord) -> pb.Rep:
    return pb.Rep(
        rep_id=person.rep_id,
        name=person.name,
        email=person.email,
        role=person.role,
        team_unit_id=person.team_unit_id,
        manager_id=person.manager_id,
        region=person.region,
        hire_date=person.hire_date.isoformat(),
        status=person.status,
        capacity=person.capacity,
        create_time=timestamp(person.created_at),
        update_time=timestamp(person.updated_at),
    )


def _rep_ids(session: Session, territory_id: str) -> list[str]:
    return list(
        session.scalars(
            sa.select(TerritoryRepRecord.rep_id)
            .where(TerritoryRepRecord.territory_id == territory_id)
            .order_by(TerritoryRepRecord.rep_id)
        )
    )


def territory_to_proto(session: Session, territory: TerritoryRecord) -> pb.Territory:
    return pb.Territory(
        territory_id=territory.territory_id,
        name=territory.name,
        region=territory.region,
        countries=domain.split_list(territory.countries),
        industries=domain.split_list(territory.industries),
        company_sizes=domain.split_list(territory.company_sizes),
        rep_ids=_rep_ids(session, territory.territory_id),
        market_potential=common_pb2.Money(
            currency=territory.currency, amount_minor=territory.market_potential_minor
        ),
        version=territory.version,
        removed=territory.removed,
        create_time=timestamp(territory.created_at),
        update_time=timestamp(territory.updated_at),
    )


def load_unit(
    session: Session,
    caller: Caller,
    unit_id: str,
    field_name: str = "unit_id",
    *,
    for_update: bool = False,
) -> OrgUnitRecord:
    """The unit if the caller sees its region; NotFound otherwise."""
    caller.require_reader()
    return load_visible(
        session,
        OrgUnitRecord,
        unit_id,
        kind="org unit",
        field_name=field_name,
        visible=lambda unit: caller.has_region(unit.region),
        for_update=for_update,
    )


def load_person(
    session: Session, caller: Caller, rep_id: str, *, for_update: bool = False
) -> PersonRecord:
    """The person if the caller sees them (a rep: only themselves); NotFound otherwise."""
    caller.require_reader()
    return load_visible(
        session,
        PersonRecord,
        rep_id,
        kind="rep",
        field_name="rep_id",
        visible=lambda person: caller.can_read(person.region, person.rep_id),
        for_update=for_update,
    )


def load_territory(
    session: Session, caller: Caller, territory_id: str, *, for_update: bool = False
) -> TerritoryRecord:
    """The territory if the caller sees its region; NotFound otherwise."""
    caller.require_reader()
    return load_visible(
        session,
        TerritoryRecord,
        territory_id,
        kind="territory",
        field_name="territory_id",
        visible=lambda territory: caller.has_region(territory.region),
        for_update=for_update,
    )


def _parent_of(session: Session) -> Callable[[str], str | None]:
    def parent_of(unit_id: str) -> str | None:
        return session.scalar(
            sa.select(OrgUnitRecord.parent_id).where(OrgUnitRecord.unit_id == unit_id)
        )

    return parent_of


def _record_assigned(
    session: Session, caller: Caller, person: PersonRecord, effective: date
) -> None:
    record_event(
        session,
        "planning.rep.assigned",
        events.RepAssigned(
            rep_id=person.rep_id,
            region=person.region,
            team_id=person.team_unit_id,
            manager_id=person.manager_id,
            capacity=person.capacity,
            status=person.status,
            effective_date=effective.isoformat(),
        ),
        region=person.region,
        caller=caller,
    )


def _record_territory(session: Session, caller: Caller, territory: TerritoryRecord) -> None:
    record_event(
        session,
        "planning.territory.changed",
        events.TerritoryChanged(
            territory_id=territory.territory_id,
            name=territory.name,
            region=territory.region,
            rules=events.TerritoryRules(
                countries=domain.split_list(territory.countries),
                industries=domain.split_list(territory.industries),
                company_sizes=domain.split_list(territory.company_sizes),
            ),
            rep_ids=_rep_ids(session, territory.territory_id),
            removed=territory.removed,
            version=territory.version,
        ),
        region=territory.region,
        caller=caller,
    )


class OrganisationServicer(organisation_pb2_grpc.OrganisationServiceServicer):
    """Org units, people and territories."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- org units ---------------------------------------------------------

    def CreateOrgUnit(
        self, request: pb.CreateOrgUnitRequest, context: grpc.ServicerContext
    ) -> pb.CreateOrgUnitResponse:
        caller = current_caller()
        new = domain.check_new_unit(
            request.code,
            request.name,
            request.parent_id,
            request.region,
            request.manager_id,
            request.kind,
        )
        domain.require_organiser(caller.roles)
        caller.require_writer(new.region)
        now = utcnow()
        with self.db.transaction() as session:
            if new.parent_id:
                parent = load_unit(session, caller, new.parent_id, "parent_id")
                domain.check_placement(
                    "", new.region, parent.unit_id, parent.region, parent.kind, []
                )
            existing = session.scalar(
                sa.select(OrgUnitRecord.unit_id).where(OrgUnitRecord.code == new.code)
            )
            if existing:
                raise AlreadyExists(
                    "org unit", existing, f"an org unit with code '{new.code}' exists"
                )
            unit = OrgUnitRecord(
                unit_id=str(uuid.uuid4()),
                code=new.code,
                name=new.name,
                parent_id=new.parent_id or None,
                region=new.region,
                manager_id=new.manager_id,
                kind=new.kind,
                created_at=now,
                updated_at=now,
                version=1,
            )
            session.add(unit)
            session.flush()
            return pb.CreateOrgUnitResponse(unit=unit_to_proto(unit))

    def GetOrgUnit(
        self, request: pb.GetOrgUnitRequest, context: grpc.ServicerContext
    ) -> pb.GetOrgUnitResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            return pb.GetOrgUnitResponse(
                unit=unit_to_proto(load_unit(session, caller, request.unit_id))
            )

    def ListOrgUnits(
        self, request: pb.ListOrgUnitsRequest, context: grpc.ServicerContext
    ) -> pb.ListOrgUnitsResponse:
        caller = current_caller()
        caller.require_reader()
        region = domain.clean_region(request.region)
        regions = caller.readable_regions(region)
        query = sa.select(OrgUnitRecord)
        if regions is not None:
            query = query.where(OrgUnitRecord.region.in_(sorted(regions)))
        parent_id = request.parent_id.strip()
        if parent_id:
            query = query.where(OrgUnitRecord.parent_id == parent_id)
        with self.db.transaction() as session:
            units, next_token = keyset_page(
                session,
                query,
                created=OrgUnitRecord.created_at,
                key=OrgUnitRecord.unit_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"region": region, "parent_id": parent_id},
                cursor_of=lambda u: Cursor(u.created_at, u.unit_id),
            )
            return pb.ListOrgUnitsResponse(
                units=[unit_to_proto(u) for u in units],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def UpdateOrgUnit(
        self, request: pb.UpdateOrgUnitRequest, context: grpc.ServicerContext
    ) -> pb.UpdateOrgUnitResponse:
        caller = current_caller()
        name = clean_text(request.name)
        check = Validator()
        check.optional("name", name)
        check.optional("manager_id", request.manager_id.strip(), max_length=100)
        check.raise_if_any()
        with self.db.transaction() as session:
            unit = load_unit(session, caller, request.unit_id, for_update=True)
            domain.require_organiser(caller.roles)
            caller.require_writer(unit.region)
            parent_id = request.parent_id.strip()
            if parent_id and parent_id != unit.parent_id:
                if unit.kind == "company":
                    raise InvalidArgument.of("parent_id", "the company root has no parent")
                parent = load_unit(session, caller, parent_id, "parent_id")
                domain.check_placement(
                    unit.unit_id,
                    unit.region,
                    parent.unit_id,
                    parent.region,
                    parent.kind,
                    domain.ancestry(parent.unit_id, _parent_of(session)),
                )
                unit.parent_id = parent.unit_id
            if name:
                unit.name = name
            if request.manager_id.strip():
                unit.manager_id = request.manager_id.strip()
            if session.is_modified(unit):
                unit.updated_at = utcnow()
                unit.version += 1
            session.flush()
            return pb.UpdateOrgUnitResponse(unit=unit_to_proto(unit))

    # -- people ------------------------------------------------------------

    def HireRep(
        self, request: pb.HireRepRequest, context: grpc.ServicerContext
    ) -> pb.HireRepResponse:
        caller = current_caller()
        new = domain.check_hire(
            request.rep_id,
            request.name,
            request.email,
            request.role,
            request.team_unit_id,
            request.manager_id,
            request.capacity,
            request.hire_date,
        )
        domain.require_organiser(caller.roles)
        now = utcnow()
        with self.db.transaction() as session:
            team = load_unit(session, caller, new.team_unit_id, "team_unit_id")
            caller.require_writer(team.region)
            if session.get(PersonRecord, new.rep_id) is not None:
                raise AlreadyExists("rep", new.rep_id)
            person = PersonRecord(
                rep_id=new.rep_id,
                name=new.name,
                email=new.email,
                role=new.role,
                team_unit_id=team.unit_id,
                manager_id=new.manager_id or team.manager_id,
                region=team.region,
                hire_date=new.hire_date,
                status="active",
                capacity=new.capacity,
                created_at=now,
                updated_at=now,
            )
            session.add(person)
            session.add(
                RepAssignmentRecord(
                    id=str(uuid.uuid4()),
                    rep_id=person.rep_id,
                    unit_id=team.unit_id,
                    effective_from=new.hire_date,
                    effective_to=None,
                )
            )
            record_event(
                session,
                "planning.rep.hired",
                events.RepHired(
                    rep_id=person.rep_id,
                    name=person.name,
                    email=person.email,
                    region=person.region,
                    team_id=person.team_unit_id,
                    manager_id=person.manager_id,
                    role=person.role,
                    capacity=person.capacity,
                    hire_date=person.hire_date.isoformat(),
                ),
                region=person.region,
                caller=caller,
            )
            session.flush()
            return pb.HireRepResponse(rep=rep_to_proto(person))

    def _open_assignment(self, session: Session, rep_id: str) -> RepAssignmentRecord | None:
        return session.scalar(
            sa.select(RepAssignmentRecord).where(
                RepAssignmentRecord.rep_id == rep_id, RepAssignmentRecord.effective_to.is_(None)
            )
        )

    def AssignRep(
        self, request: pb.AssignRepRequest, context: grpc.ServicerContext
    ) -> pb.AssignRepResponse:
        caller = current_caller()
        check = Validator()
        effective = domain.parse_date(check, "effective_date", request.effective_date)
        status = request.status.strip().lower()
        if status:
            check.check(
                status in domain.ASSIGNABLE_STATUSES,
                "status",
                f"must be one of {', '.join(domain.ASSIGNABLE_STATUSES)}",
            )
        check.check(0 <= request.capacity <= 100_000, "capacity", "must be between 0 and 100000")
        check.optional("manager_id", request.manager_id.strip(), max_length=100)
        check.raise_if_any()
        domain.require_organiser(caller.roles)
        with self.db.transaction() as session:
            person = load_person(session, caller, request.rep_id, for_update=True)
            caller.require_writer(person.region)
            domain.require_not_left(person.rep_id, person.status)
            team_unit_id = request.team_unit_id.strip()
            if team_unit_id and team_unit_id != person.team_unit_id:
                team = load_unit(session, caller, team_unit_id, "team_unit_id")
                caller.require_writer(team.region)
                current = self._open_assignment(session, person.rep_id)
                if current is not None:
                    domain.require_after(
                        person.rep_id, "effective date", effective, current.effective_from
                    )
                    current.effective_to = max(
                        current.effective_from, effective - timedelta(days=1)
                    )
                session.add(
                    RepAssignmentRecord(
                        id=str(uuid.uuid4()),
                        rep_id=person.rep_id,
                        unit_id=team.unit_id,
                        effective_from=effective,
                        effective_to=None,
                    )
                )
                person.team_unit_id = team.unit_id
                person.region = team.region
                if not request.manager_id.strip():
                    person.manager_id = team.manager_id
            if request.manager_id.strip():
                person.manager_id = request.manager_id.strip()
            if request.capacity:
                person.capacity = request.capacity
            if status:
                person.status = status
            person.updated_at = utcnow()
            _record_assigned(session, caller, person, effective)
            session.flush()
            return pb.AssignRepResponse(rep=rep_to_proto(person))

    def RepLeaves(
        self, request: pb.RepLeavesRequest, context: grpc.ServicerContext
    ) -> pb.RepLeavesResponse:
        caller = current_caller()
        check = Validator()
        left = domain.parse_date(check, "left_date", request.left_date)
        check.raise_if_any()
        domain.require_organiser(caller.roles)
        with self.db.transaction() as session:
            person = load_person(session, caller, request.rep_id, for_update=True)
            caller.require_writer(person.region)
            domain.require_not_left(person.rep_id, person.status)
            current = self._open_assignment(session, person.rep_id)
            if current is not None:
                domain.require_after(person.rep_id, "left date", left, current.effective_from)
                current.effective_to = left
            person.status = "left"
            person.updated_at = utcnow()
            # The territories they worked lose them: each changes (version, event).
            worked = session.scalars(
                sa.select(TerritoryRecord)
                .join(
                    TerritoryRepRecord,
                    TerritoryRepRecord.territory_id == TerritoryRecord.territory_id,
                )
                .where(TerritoryRepRecord.rep_id == person.rep_id)
                .order_by(TerritoryRecord.territory_id)
                .with_for_update()
            ).all()
            session.execute(
                sa.delete(TerritoryRepRecord).where(TerritoryRepRecord.rep_id == person.rep_id)
            )
            session.flush()
            for territory in worked:
                territory.version += 1
                territory.updated_at = utcnow()
                _record_territory(session, caller, territory)
            record_event(
                session,
                "planning.rep.left",
                events.RepLeft(
                    rep_id=person.rep_id, region=person.region, left_date=left.isoformat()
                ),
                region=person.region,
                caller=caller,
            )
            session.flush()
            return pb.RepLeavesResponse(rep=rep_to_proto(person))

    def GetRep(self, request: pb.GetRepRequest, context: grpc.ServicerContext) -> pb.GetRepResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            person = load_person(session, caller, request.rep_id)
            history = session.scalars(
                sa.select(RepAssignmentRecord)
                .where(RepAssignmentRecord.rep_id == person.rep_id)
                .order_by(RepAssignmentRecord.effective_from.desc(), RepAssignmentRecord.id)
            )
            return pb.GetRepResponse(
                rep=rep_to_proto(person),
                assignments=[
                    pb.RepAssignment(
                        unit_id=a.unit_id,
                        effective_from=a.effective_from.isoformat(),
                        effective_to=a.effective_to.isoformat() if a.effective_to else "",
                    )
                    for a in history
                ],
            )

    def ListReps(
        self, request: pb.ListRepsRequest, context: grpc.ServicerContext
    ) -> pb.ListRepsResponse:
        caller = current_caller()
        caller.require_reader()
        region = domain.clean_region(request.region)
        regions = caller.readable_regions(region)
        query = sa.select(PersonRecord)
        if regions is not None:
            query = query.where(PersonRecord.region.in_(sorted(regions)))
        if caller.own_records_only:
            query = query.where(PersonRecord.rep_id == caller.subject)
        team_unit_id = request.team_unit_id.strip()
        if team_unit_id:
            query = query.where(PersonRecord.team_unit_id == team_unit_id)
        status = request.status.strip().lower()
        if status:
            query = query.where(PersonRecord.status == status)
        with self.db.transaction() as session:
            people, next_token = keyset_page(
                session,
                query,
                created=PersonRecord.created_at,
                key=PersonRecord.rep_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"region": region, "team_unit_id": team_unit_id, "status": status},
                cursor_of=lambda p: Cursor(p.created_at, p.rep_id),
            )
            return pb.ListRepsResponse(
                reps=[rep_to_proto(p) for p in people],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    # -- territories -------------------------------------------------------

    def _check_reps(
        self, session: Session, caller: Caller, region: str, rep_ids: list[str]
    ) -> None:
        check = Validator()
        for rep_id in rep_ids:
            person = session.get(PersonRecord, rep_id)
            if person is None or not caller.has_region(person.region):
                check.add("rep_ids", f"'{rep_id}' is not a known rep")
            elif person.region != region:
                check.add("rep_ids", f"'{rep_id}' works in {person.region}, not {region}")
            elif person.status == "left":
                check.add("rep_ids", f"'{rep_id}' has left")
        check.raise_if_any()

    def _set_reps(self, session: Session, territory_id: str, rep_ids: list[str]) -> None:
        session.execute(
            sa.delete(TerritoryRepRecord).where(TerritoryRepRecord.territory_id == territory_id)
        )
        for rep_id in rep_ids:
            session.add(TerritoryRepRecord(territory_id=territory_id, rep_id=rep_id))
        session.flush()

    def CreateTerritory(
        self, request: pb.CreateTerritoryRequest, context: grpc.ServicerContext
    ) -> pb.CreateTerritoryResponse:
        caller = current_caller()
        region = domain.clean_region(request.region)
        check = Validator()
        check.require("region", region, max_length=32)
        try:
            check.raise_if_any()
            fields = domain.check_territory(
                request.name,
                request.countries,
                request.industries,
                request.company_sizes,
                request.rep_ids,
                request.market_potential.currency,
                request.market_potential.amount_minor,
            )
        except InvalidArgument as error:
            raise InvalidArgument(check.violations + error.violations) from None
        domain.require_organiser(caller.roles)
        caller.require_writer(region)
        now = utcnow()
        with self.db.transaction() as session:
            self._check_reps(session, caller, region, fields.rep_ids)
            territory = TerritoryRecord(
                territory_id=str(uuid.uuid4()),
                name=fields.name,
                region=region,
                countries=domain.join_list(fields.countries),
                industries=domain.join_list(fields.industries),
                company_sizes=domain.join_list(fields.company_sizes),
                market_potential_minor=fields.market_potential_minor,
                currency=fields.currency,
                version=1,
                removed=False,
                created_at=now,
                updated_at=now,
            )
            session.add(territory)
            session.flush()
            self._set_reps(session, territory.territory_id, fields.rep_ids)
            _record_territory(session, caller, territory)
            return pb.CreateTerritoryResponse(territory=territory_to_proto(session, territory))

    def UpdateTerritory(
        self, request: pb.UpdateTerritoryRequest, context: grpc.ServicerContext
    ) -> pb.UpdateTerritoryResponse:
        caller = current_caller()
        fields = domain.check_territory(
            request.name,
            request.countries,
            request.industries,
            request.company_sizes,
            request.rep_ids,
            request.market_potential.currency,
            request.market_potential.amount_minor,
        )
        with self.db.transaction() as session:
            territory = load_territory(session, caller, request.territory_id, for_update=True)
            domain.require_organiser(caller.roles)
            caller.require_writer(territory.region)
            if territory.removed:
                raise NotFound("territory", territory.territory_id)
            self._check_reps(session, caller, territory.region, fields.rep_ids)
            territory.name = fields.name
            territory.countries = domain.join_list(fields.countries)
            territory.industries = domain.join_list(fields.industries)
            territory.company_sizes = domain.join_list(fields.company_sizes)
            territory.market_potential_minor = fields.market_potential_minor
            territory.currency = fields.currency
            territory.version += 1
            territory.updated_at = utcnow()
            self._set_reps(session, territory.territory_id, fields.rep_ids)
            _record_territory(session, caller, territory)
            return pb.UpdateTerritoryResponse(territory=territory_to_proto(session, territory))

    def RemoveTerritory(
        self, request: pb.RemoveTerritoryRequest, context: grpc.ServicerContext
    ) -> pb.RemoveTerritoryResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            territory = load_territory(session, caller, request.territory_id, for_update=True)
            domain.require_organiser(caller.roles)
            caller.require_writer(territory.region)
            if territory.removed:
                raise NotFound("territory", territory.territory_id)
            territory.removed = True
            territory.version += 1
            territory.updated_at = utcnow()
            session.flush()
            _record_territory(session, caller, territory)
            return pb.RemoveTerritoryResponse(territory=territory_to_proto(session, territory))

    def ListTerritories(
        self, request: pb.ListTerritoriesRequest, context: grpc.ServicerContext
    ) -> pb.ListTerritoriesResponse:
        caller = current_caller()
        caller.require_reader()
        region = domain.clean_region(request.region)
        regions = caller.readable_regions(region)
        query = sa.select(TerritoryRecord).where(TerritoryRecord.removed.is_(False))
        if regions is not None:
            query = query.where(TerritoryRecord.region.in_(sorted(regions)))
        with self.db.transaction() as session:
            territories, next_token = keyset_page(
                session,
                query,
                created=TerritoryRecord.created_at,
                key=TerritoryRecord.territory_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"region": region},
                cursor_of=lambda t: Cursor(t.created_at, t.territory_id),
            )
            return pb.ListTerritoriesResponse(
                territories=[territory_to_proto(session, t) for t in territories],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def GetTerritoryCoverage(
        self, request: pb.GetTerritoryCoverageRequest, context: grpc.ServicerContext
    ) -> pb.GetTerritoryCoverageResponse:
        caller = current_caller()
        caller.require_reader()
        region = domain.clean_region(request.region)
        if not region:
            raise InvalidArgument.of("region", "is required")
        if not caller.has_region(region):
            raise NotFound("region", region)
        with self.db.transaction() as session:
            territories = list(
                session.scalars(
                    sa.select(TerritoryRecord)
                    .where(TerritoryRecord.region == region, TerritoryRecord.removed.is_(False))
                    .order_by(TerritoryRecord.name, TerritoryRecord.territory_id)
                )
            )
            currencies = {t.currency for t in territories}
            if len(currencies) > 1:
                raise InvalidArgument.of(
                    "region",
                    f"territories of {region} use several currencies: {sorted(currencies)}",
                )
            currency = currencies.pop() if currencies else ""
            rows = []
            all_capacities: dict[str, int] = {}
            total_potential = 0
            for territory in territories:
                reps = session.execute(
                    sa.select(PersonRecord.rep_id, PersonRecord.capacity)
                    .join(TerritoryRepRecord, TerritoryRepRecord.rep_id == PersonRecord.rep_id)
                    .where(
                        TerritoryRepRecord.territory_id == territory.territory_id,
                        PersonRecord.status == "active",
                    )
                ).all()
                figures = domain.coverage(
                    [capacity for _, capacity in reps], territory.market_potential_minor
                )
                all_capacities.update({rep_id: capacity for rep_id, capacity in reps})
                total_potential += territory.market_potential_minor
                rows.append(
                    pb.TerritoryCoverage(
                        territory_id=territory.territory_id,
                        name=territory.name,
                        headcount=figures.headcount,
                        total_capacity=figures.total_capacity,
                        market_potential=common_pb2.Money(
                            currency=currency, amount_minor=figures.market_potential_minor
                        ),
                        potential_per_head=common_pb2.Money(
                            currency=currency, amount_minor=figures.potential_per_head_minor
                        ),
                    )
                )
            # A rep working several territories counts once in the region's totals.
            total = domain.coverage(list(all_capacities.values()), total_potential)
            return pb.GetTerritoryCoverageResponse(
                region=region,
                territories=rows,
                headcount=total.headcount,
                total_capacity=total.total_capacity,
                market_potential=common_pb2.Money(
                    currency=currency, amount_minor=total.market_potential_minor
                ),
                potential_per_head=common_pb2.Money(
                    currency=currency, amount_minor=total.potential_per_head_minor
                ),
            )


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the organisation servicer to `server`; return its full service name."""
    organisation_pb2_grpc.add_OrganisationServiceServicer_to_server(
        OrganisationServicer(db), server
    )
    return [pb.DESCRIPTOR.services_by_name["OrganisationService"].full_name]
