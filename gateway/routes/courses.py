"""`/v1/courses`: the training catalog's courses and their modules (CatalogService).

Admins write every course, directors their regions' (region "" = every
region, an admin's). Everyone signed in reads them. Codes are unique (409);
category is product_knowledge, selling_skills, sales_process or
compliance_ethics; format e_learning, classroom, webinar or on_the_job;
skills "skill:level" (level 1-5); prerequisites are course codes that exist
(422 `PREREQUISITE_EXISTS`) and never loop back (422 `PREREQUISITE_CYCLE`).
`PUT` replaces a course at the `version` read (422 `VERSION_MATCHES`);
courses are retired (`:retire`), never deleted.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.training.v1 import catalog_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import (
    Audit,
    FlatSpecModel,
    PageSize,
    PageToken,
    ProtoModel,
    page_request,
)
from gateway.upstreams import OpenUpstreams

COURSES = "/v1/courses"
router = APIRouter(prefix=COURSES, tags=["courses"], responses=PROBLEM_RESPONSES)

CourseId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The course's id.")
]


class CourseModule(ProtoModel):
    """A module of a course, in order."""

    module_id: str
    position: int
    title: str
    duration_minutes: int


class CourseSpec(ProtoModel):
    """A course's fields."""

    code: str
    title: str
    description: str
    category: str
    format: str
    duration_minutes: int
    skills: list[str] = Field(description='Each "skill:level", level 1-5.')
    product_lines: list[str]
    prerequisites: list[str] = Field(description="Course codes to complete first.")
    completes_on_assessment: bool
    certifies_product_line: str
    certification_valid_months: int
    region: str = Field(description="Empty: every region.")
    modules: list[CourseModule]


class Course(CourseSpec, Audit, FlatSpecModel):
    """A course of the catalog."""

    course_id: str
    status: str = Field(description="active or retired.")
    version: int


class CourseList(BaseModel):
    """One page of courses, newest first."""

    courses: list[Course]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class NewModule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    duration_minutes: int = 0


class NewCourse(BaseModel):
    """A course as a writer gives it."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(examples=["negotiation-101"])
    title: str
    description: str = ""
    category: str = Field(examples=["selling_skills"])
    format: str = Field(examples=["e_learning"])
    duration_minutes: int
    skills: list[str] = Field(default=[], examples=[["negotiation:2"]])
    product_lines: list[str] = []
    prerequisites: list[str] = []
    completes_on_assessment: bool = False
    certifies_product_line: str = ""
    certification_valid_months: int = 0
    region: str = ""
    modules: list[NewModule] = []


class CourseUpdate(NewCourse):
    """The whole course again, at the version read."""

    version: int


def spec_of(body: NewCourse) -> pb.CourseSpec:
    return pb.CourseSpec(
        code=body.code,
        title=body.title,
        description=body.description,
        category=body.category,
        format=body.format,
        duration_minutes=body.duration_minutes,
        skills=body.skills,
        product_lines=body.product_lines,
        prerequisites=body.prerequisites,
        completes_on_assessment=body.completes_on_assessment,
        certifies_product_line=body.certifies_product_line,
        certification_valid_months=body.certification_valid_months,
        region=body.region,
        modules=[
            pb.CourseModule(title=m.title, duration_minutes=m.duration_minutes)
            for m in body.modules
        ],
    )


@router.post("", status_code=201, summary="Add a course")
async def create_course(
    body: NewCourse, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> Course:
    """A new active course."""
    reply = await upstreams.call(
        "training", "CreateCourse", pb.CreateCourseRequest(spec=spec_of(body)), caller
    )
    course = Course.from_proto(reply.course)
    response.headers["Location"] = f"{COURSES}/{course.course_id}"
    return course


@router.get("", summary="List courses")
async def list_courses(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    category: Annotated[str, Query(description="Only this category.")] = "",
    skill: Annotated[str, Query(description="Only courses teaching this skill.")] = "",
    product_line: Annotated[str, Query(description="Only courses of this product line.")] = "",
    status: Annotated[str, Query(description="active (default), retired or all.")] = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> CourseList:
    """Courses of every region and of the caller's regions, newest first."""
    request = pb.ListCoursesRequest(
        category=category,
        skill=skill,
        product_line=product_line,
        status=status,
        page=page_request(page_size, page_token),
    )
    reply = await upstreams.call("training", "ListCourses", request, caller)
    return CourseList(
        courses=[Course.from_proto(c) for c in reply.courses],
        next_page_token=reply.page.next_page_token,
    )


@router.get("/{course_id}", summary="Read a course")
async def get_course(
    course_id: CourseId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> Course:
    """The course and its modules."""
    reply = await upstreams.call(
        "training", "GetCourse", pb.GetCourseRequest(course_id=course_id), caller
    )
    return Course.from_proto(reply.course)


@router.put("/{course_id}", summary="Replace a course")
async def update_course(
    course_id: CourseId, body: CourseUpdate, caller: WritingCaller, upstreams: OpenUpstreams
) -> Course:
    """Every field and module replaced, at the version read."""
    request = pb.UpdateCourseRequest(course_id=course_id, version=body.version, spec=spec_of(body))
    reply = await upstreams.call("training", "UpdateCourse", request, caller)
    return Course.from_proto(reply.course)


@router.post("/{course_id}:retire", summary="Retire a course")
async def retire_course(
    course_id: CourseId, caller: WritingCaller, upstreams: OpenUpstreams
) -> Course:
    """The course stays readable and is no longer assigned."""
    reply = await upstreams.call(
        "training", "RetireCourse", pb.RetireCourseRequest(course_id=course_id), caller
    )
    return Course.from_proto(reply.course)
