"""`/v1/learning-paths`: ordered courses per role, each required or optional (CatalogService).

Purpose is onboarding, development, recertification or compliance; region
"" = every region (an admin's), directors write their regions' paths. A
retired course is not added (422 `COURSE_RETIRED`). `PUT` replaces a path at
the `version` read; paths are retired (`:retire`), never deleted.
Assigning a path to a rep is `POST /v1/enrollments` with `path_id`.
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

PATHS = "/v1/learning-paths"
router = APIRouter(prefix=PATHS, tags=["learning-paths"], responses=PROBLEM_RESPONSES)

PathId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The path's id.")
]


class LearningPathItem(ProtoModel):
    course_id: str
    course_code: str
    required: bool
    position: int


class LearningPathSpec(ProtoModel):
    code: str
    name: str
    description: str
    role: str
    region: str = Field(description="Empty: every region.")
    purpose: str
    items: list[LearningPathItem]


class LearningPath(LearningPathSpec, Audit, FlatSpecModel):
    """A learning path with its courses in order."""

    path_id: str
    status: str = Field(description="active or retired.")
    version: int


class LearningPathList(BaseModel):
    paths: list[LearningPath]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class NewItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    course_id: str
    required: bool = True


class NewLearningPath(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(examples=["onboarding-rep"])
    name: str
    description: str = ""
    role: str = Field(examples=["rep"])
    region: str = ""
    purpose: str = Field(examples=["onboarding"])
    items: list[NewItem] = []


class LearningPathUpdate(NewLearningPath):
    version: int


def spec_of(body: NewLearningPath) -> pb.LearningPathSpec:
    return pb.LearningPathSpec(
        code=body.code,
        name=body.name,
        description=body.description,
        role=body.role,
        region=body.region,
        purpose=body.purpose,
        items=[pb.LearningPathItem(course_id=i.course_id, required=i.required) for i in body.items],
    )


@router.post("", status_code=201, summary="Add a learning path")
async def create_learning_path(
    body: NewLearningPath, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> LearningPath:
    request = pb.CreateLearningPathRequest(spec=spec_of(body))
    reply = await upstreams.call("training", "CreateLearningPath", request, caller)
    path = LearningPath.from_proto(reply.path)
    response.headers["Location"] = f"{PATHS}/{path.path_id}"
    return path


@router.get("", summary="List learning paths")
async def list_learning_paths(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    role: Annotated[str, Query(description="Only paths for this role.")] = "",
    region: Annotated[str, Query(description="This region's paths and every region's.")] = "",
    purpose: Annotated[str, Query(description="Only paths of this purpose.")] = "",
    status: Annotated[str, Query(description="active (default), retired or all.")] = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> LearningPathList:
    request = pb.ListLearningPathsRequest(
        role=role,
        region=region,
        purpose=purpose,
        status=status,
        page=page_request(page_size, page_token),
    )
    reply = await upstreams.call("training", "ListLearningPaths", request, caller)
    return LearningPathList(
        paths=[LearningPath.from_proto(p) for p in reply.paths],
        next_page_token=reply.page.next_page_token,
    )


@router.get("/{path_id}", summary="Read a learning path")
async def get_learning_path(
    path_id: PathId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> LearningPath:
    reply = await upstreams.call(
        "training", "GetLearningPath", pb.GetLearningPathRequest(path_id=path_id), caller
    )
    return LearningPath.from_proto(reply.path)


@router.put("/{path_id}", summary="Replace a learning path")
async def update_learning_path(
    path_id: PathId, body: LearningPathUpdate, caller: WritingCaller, upstreams: OpenUpstreams
) -> LearningPath:
    request = pb.UpdateLearningPathRequest(
        path_id=path_id, version=body.version, spec=spec_of(body)
    )
    reply = await upstreams.call("training", "UpdateLearningPath", request, caller)
    return LearningPath.from_proto(reply.path)


@router.post("/{path_id}:retire", summary="Retire a learning path")
async def retire_learning_path(
    path_id: PathId, caller: WritingCaller, upstreams: OpenUpstreams
) -> LearningPath:
    request = pb.RetireLearningPathRequest(path_id=path_id)
    reply = await upstreams.call("training", "RetireLearningPath", request, caller)
    return LearningPath.from_proto(reply.path)
