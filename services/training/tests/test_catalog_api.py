"""The catalog over gRPC on SQLite and PostgreSQL: course validation, prerequisite cycles,
optimistic updates, retirement, filters, learning paths, skill profiles, who writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
import pytest
from salesops.training.v1 import catalog_pb2 as pb
from salesops.training.v1 import catalog_pb2_grpc

from services.kit.db import Database
from services.kit.grpc_server import error_details
from services.training.tests.training_support import (
    ADMIN,
    APAC_DIRECTOR,
    DIRECTOR,
    MANAGER_A,
    REP_1,
)

Stub = catalog_pb2_grpc.CatalogServiceStub


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    return migrated("training", database_url)


@pytest.fixture
def stub(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> Stub:
    return Stub(serve_api("training", db))


def failure(call: Callable[[], Any]) -> dict[str, Any]:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return error_details(caught.value)


def spec(code: str, **fields: Any) -> pb.CourseSpec:
    values: dict[str, Any] = {
        "code": code,
        "title": code.title(),
        "category": "selling_skills",
        "format": "e_learning",
        "duration_minutes": 45,
        "skills": ["negotiation:2"],
    }
    values.update(fields)
    return pb.CourseSpec(**values)


def create(stub: Stub, code: str, who: Any = ADMIN, **fields: Any) -> pb.Course:
    return stub.CreateCourse(pb.CreateCourseRequest(spec=spec(code, **fields)), metadata=who).course


def test_create_and_read_a_course_with_modules(stub: Stub) -> None:
    course = create(
        stub,
        "Widgets-101",
        category="product_knowledge",
        skills=["Widgets:3", "demo:1"],
        product_lines=["widgets"],
        modules=[
            pb.CourseModule(title="Intro", duration_minutes=10),
            pb.CourseModule(title="Demo"),
        ],
    )
    assert course.spec.code == "widgets-101"
    assert list(course.spec.skills) == ["widgets:3", "demo:1"]
    assert [(m.position, m.title) for m in course.spec.modules] == [(1, "Intro"), (2, "Demo")]
    assert course.status == "active" and course.version == 1 and course.created_by == "admin"
    read = stub.GetCourse(pb.GetCourseRequest(course_id=course.course_id), metadata=REP_1).course
    assert read == course


def test_bad_course_fields_are_named_all_at_once(stub: Stub) -> None:
    bad = failure(
        lambda: create(
            stub,
            "bad code!",
            title="",
            category="astrology",
            format="podcast",
            duration_minutes=0,
            skills=["negotiation:6", "prospecting", "negotiation:1"],
            certifies_product_line="widgets",
            certification_valid_months=0,
        )
    )
    assert bad["code"] == grpc.StatusCode.INVALID_ARGUMENT
    assert {v["field"] for v in bad["field_violations"]} == {
        "spec.code",
        "spec.title",
        "spec.category",
        "spec.format",
        "spec.duration_minutes",
        "spec.skills[0]",
        "spec.skills[1]",
        "spec.skills[2]",
        "spec.certification_valid_months",
    }
    assert failure(lambda: create(stub, "x", skills=["a:0"]))["field_violations"] == [
        {"field": "spec.skills[0]", "description": "must be 1-5"}
    ]


def test_code_is_unique(stub: Stub) -> None:
    create(stub, "dup")
    taken = failure(lambda: create(stub, "DUP"))
    assert taken["code"] == grpc.StatusCode.ALREADY_EXISTS


def test_prerequisites_must_exist_and_never_loop(stub: Stub) -> None:
    missing = failure(lambda: create(stub, "c", prerequisites=["nowhere"]))
    assert [v["type"] for v in missing["precondition_violations"]] == ["PREREQUISITE_EXISTS"]
    a = create(stub, "a")
    b = create(stub, "b", prerequisites=["a"])
    create(stub, "c", prerequisites=["b"])
    loop = failure(
        lambda: stub.UpdateCourse(
            pb.UpdateCourseRequest(
                course_id=a.course_id, version=1, spec=spec("a", prerequisites=["c"])
            ),
            metadata=ADMIN,
        )
    )
    assert loop["code"] == grpc.StatusCode.FAILED_PRECONDITION
    assert [v["type"] for v in loop["precondition_violations"]] == ["PREREQUISITE_CYCLE"]
    assert "a -> c -> b -> a" in loop["precondition_violations"][0]["description"]
    itself = failure(lambda: create(stub, "d", prerequisites=["d"]))
    assert itself["code"] == grpc.StatusCode.INVALID_ARGUMENT
    # Nothing was written by the refused update.
    assert (
        stub.GetCourse(pb.GetCourseRequest(course_id=a.course_id), metadata=ADMIN).course.version
        == 1
    )
    assert list(
        stub.GetCourse(
            pb.GetCourseRequest(course_id=b.course_id), metadata=ADMIN
        ).course.spec.prerequisites
    ) == ["a"]


def test_update_needs_the_version_read_and_a_retired_course_is_not_changed(stub: Stub) -> None:
    course = create(stub, "v")
    updated = stub.UpdateCourse(
        pb.UpdateCourseRequest(
            course_id=course.course_id, version=1, spec=spec("v", duration_minutes=90)
        ),
        metadata=ADMIN,
    ).course
    assert updated.version == 2 and updated.spec.duration_minutes == 90
    stale = failure(
        lambda: stub.UpdateCourse(
            pb.UpdateCourseRequest(course_id=course.course_id, version=1, spec=spec("v")),
            metadata=ADMIN,
        )
    )
    assert [v["type"] for v in stale["precondition_violations"]] == ["VERSION_MATCHES"]
    retired = stub.RetireCourse(
        pb.RetireCourseRequest(course_id=course.course_id), metadata=ADMIN
    ).course
    assert retired.status == "retired" and retired.version == 3
    changed = failure(
        lambda: stub.UpdateCourse(
            pb.UpdateCourseRequest(course_id=course.course_id, version=3, spec=spec("v")),
            metadata=ADMIN,
        )
    )
    assert [v["type"] for v in changed["precondition_violations"]] == ["COURSE_RETIRED"]


def test_certification_course(stub: Stub) -> None:
    course = create(
        stub,
        "cert-w",
        certifies_product_line="Widgets",
        certification_valid_months=24,
        completes_on_assessment=True,
    )
    assert course.spec.certifies_product_line == "widgets"
    assert course.spec.certification_valid_months == 24
    only_for_certification = failure(lambda: create(stub, "plain", certification_valid_months=12))
    assert [v["field"] for v in only_for_certification["field_violations"]] == [
        "spec.certification_valid_months"
    ]


def test_list_filters_and_pages(stub: Stub) -> None:
    create(stub, "n1", skills=["negotiation:1"], product_lines=["widgets", "gadgets"])
    create(stub, "n2", skills=["closing:2", "negotiation:3"], category="sales_process")
    create(stub, "p1", skills=["prospecting:1"], product_lines=["gadgets-pro"])
    old = create(stub, "old", skills=["negotiation:1"])
    stub.RetireCourse(pb.RetireCourseRequest(course_id=old.course_id), metadata=ADMIN)

    def codes(**filters: Any) -> set[str]:
        reply = stub.ListCourses(pb.ListCoursesRequest(**filters), metadata=REP_1)
        return {c.spec.code for c in reply.courses}

    assert codes() == {"n1", "n2", "p1"}
    assert codes(skill="negotiation") == {"n1", "n2"}
    assert codes(skill="negotiation", status="all") == {"n1", "n2", "old"}
    assert codes(status="retired") == {"old"}
    assert codes(category="sales_process") == {"n2"}
    assert codes(product_line="gadgets") == {"n1"}
    first = stub.ListCourses(pb.ListCoursesRequest(page={"page_size": 2}), metadata=REP_1)
    second = stub.ListCourses(
        pb.ListCoursesRequest(page={"page_size": 2, "page_token": first.page.next_page_token}),
        metadata=REP_1,
    )
    assert len(first.courses) == 2 and len(second.courses) == 1
    assert second.page.next_page_token == ""
    assert {c.spec.code for c in [*first.courses, *second.courses]} == {"n1", "n2", "p1"}
    bad = failure(lambda: stub.ListCourses(pb.ListCoursesRequest(status="gone"), metadata=REP_1))
    assert [v["field"] for v in bad["field_violations"]] == ["status"]


def test_who_writes_the_catalog(stub: Stub) -> None:
    denied = failure(lambda: create(stub, "m", who=MANAGER_A, region="EMEA"))
    assert denied["code"] == grpc.StatusCode.PERMISSION_DENIED
    assert (
        failure(lambda: create(stub, "all", who=DIRECTOR))["code"]
        == grpc.StatusCode.PERMISSION_DENIED
    )
    emea = create(stub, "emea-only", who=DIRECTOR, region="emea")
    assert emea.spec.region == "EMEA"
    assert failure(lambda: create(stub, "apac", who=DIRECTOR, region="APAC"))["code"] == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    # Another region's course does not exist for a caller of APAC.
    hidden = failure(
        lambda: stub.GetCourse(
            pb.GetCourseRequest(course_id=emea.course_id), metadata=APAC_DIRECTOR
        )
    )
    assert hidden["code"] == grpc.StatusCode.NOT_FOUND
    listed = stub.ListCourses(pb.ListCoursesRequest(), metadata=APAC_DIRECTOR).courses
    assert emea.course_id not in {c.course_id for c in listed}
    retire = failure(
        lambda: stub.RetireCourse(pb.RetireCourseRequest(course_id=emea.course_id), metadata=REP_1)
    )
    assert retire["code"] == grpc.StatusCode.PERMISSION_DENIED


def test_learning_paths(stub: Stub) -> None:
    intro = create(stub, "intro")
    product = create(stub, "product")
    retired = create(stub, "retired")
    stub.RetireCourse(pb.RetireCourseRequest(course_id=retired.course_id), metadata=ADMIN)
    path_spec = pb.LearningPathSpec(
        code="onboarding-rep",
        name="Onboarding",
        role="Rep",
        purpose="onboarding",
        items=[
            pb.LearningPathItem(course_id=intro.course_id, required=True),
            pb.LearningPathItem(course_id=product.course_id, required=False),
        ],
    )
    path = stub.CreateLearningPath(
        pb.CreateLearningPathRequest(spec=path_spec), metadata=ADMIN
    ).path
    assert path.spec.role == "rep"
    assert [(i.position, i.course_code, i.required) for i in path.spec.items] == [
        (1, "intro", True),
        (2, "product", False),
    ]
    with_retired = pb.LearningPathSpec()
    with_retired.CopyFrom(path_spec)
    with_retired.code = "other"
    with_retired.items.append(pb.LearningPathItem(course_id=retired.course_id, required=True))
    refused = failure(
        lambda: stub.CreateLearningPath(
            pb.CreateLearningPathRequest(spec=with_retired), metadata=ADMIN
        )
    )
    assert [v["type"] for v in refused["precondition_violations"]] == ["COURSE_RETIRED"]
    bad = pb.LearningPathSpec(
        code="x",
        name="",
        role="",
        purpose="fun",
        items=[pb.LearningPathItem(), pb.LearningPathItem()],
    )
    invalid = failure(
        lambda: stub.CreateLearningPath(pb.CreateLearningPathRequest(spec=bad), metadata=ADMIN)
    )
    assert {v["field"] for v in invalid["field_violations"]} == {
        "spec.name",
        "spec.role",
        "spec.purpose",
        "spec.items[0].course_id",
        "spec.items[1].course_id",
    }
    reordered = pb.LearningPathSpec()
    reordered.CopyFrom(path_spec)
    del reordered.items[:]
    reordered.items.extend(
        [
            pb.LearningPathItem(course_id=product.course_id, required=True),
            pb.LearningPathItem(course_id=intro.course_id),
        ]
    )
    updated = stub.UpdateLearningPath(
        pb.UpdateLearningPathRequest(path_id=path.path_id, version=1, spec=reordered),
        metadata=ADMIN,
    ).path
    assert [(i.course_code, i.required) for i in updated.spec.items] == [
        ("product", True),
        ("intro", False),
    ]
    assert updated.version == 2
    listed = stub.ListLearningPaths(
        pb.ListLearningPathsRequest(role="rep", purpose="onboarding"), metadata=REP_1
    )
    assert [p.path_id for p in listed.paths] == [path.path_id]
    stub.RetireLearningPath(pb.RetireLearningPathRequest(path_id=path.path_id), metadata=ADMIN)
    assert stub.ListLearningPaths(pb.ListLearningPathsRequest(), metadata=REP_1).paths == []


def test_skill_profiles(stub: Stub) -> None:
    set_profile = stub.SetSkillProfile
    first = set_profile(
        pb.SetSkillProfileRequest(role="rep", skill="negotiation", level=2), metadata=ADMIN
    ).profile
    again = set_profile(
        pb.SetSkillProfileRequest(role="rep", skill="Negotiation", level=3), metadata=ADMIN
    ).profile
    assert again.profile_id == first.profile_id and again.level == 3 and again.version == 2
    emea = set_profile(
        pb.SetSkillProfileRequest(role="rep", region="EMEA", skill="closing", level=4),
        metadata=DIRECTOR,
    ).profile
    bad = failure(
        lambda: set_profile(
            pb.SetSkillProfileRequest(role="", skill="no way", level=9), metadata=ADMIN
        )
    )
    assert {v["field"] for v in bad["field_violations"]} == {"role", "skill", "level"}
    denied = failure(
        lambda: set_profile(
            pb.SetSkillProfileRequest(role="rep", skill="x", level=1), metadata=DIRECTOR
        )
    )
    assert denied["code"] == grpc.StatusCode.PERMISSION_DENIED
    seen = stub.ListSkillProfiles(pb.ListSkillProfilesRequest(role="rep"), metadata=REP_1).profiles
    assert {(p.skill, p.level, p.region) for p in seen} == {
        ("negotiation", 3, ""),
        ("closing", 4, "EMEA"),
    }
    apac = stub.ListSkillProfiles(
        pb.ListSkillProfilesRequest(role="rep"), metadata=APAC_DIRECTOR
    ).profiles
    assert {p.skill for p in apac} == {"negotiation"}
    stub.DeleteSkillProfile(
        pb.DeleteSkillProfileRequest(profile_id=emea.profile_id), metadata=DIRECTOR
    )
    seen = stub.ListSkillProfiles(pb.ListSkillProfilesRequest(role="rep"), metadata=REP_1).profiles
    assert {p.skill for p in seen} == {"negotiation"}
