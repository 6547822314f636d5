"""Probes and metrics: no authentication, so kubelets and Prometheus can reach them."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from pydantic import BaseModel, Field

from gateway.circuit import CircuitLabel
from gateway.upstreams import OpenUpstreams

router = APIRouter(tags=["operations"])


class Liveness(BaseModel):
    """The process serves HTTP."""

    status: Literal["ok"]


class Readiness(BaseModel):
    """Whether every upstream answers its gRPC health check with SERVING, and the state of
    the gateway's circuit breaker to each."""

    status: Literal["ready", "not ready"]
    upstreams: dict[str, str] = Field(
        description='Each service\'s gRPC health: "SERVING", "NOT_SERVING", or the failing '
        'call\'s status code such as "UNAVAILABLE".',
        examples=[{"pipeline": "SERVING", "customers": "UNAVAILABLE"}],
    )
    circuits: dict[str, CircuitLabel] = Field(
        description='Each service\'s circuit breaker in this gateway process: "open" while '
        "its routes fail fast with 503 after repeated UNAVAILABLE or DEADLINE_EXCEEDED "
        'answers, "half_open" while a trial call may test it, "closed" otherwise.',
        examples=[{"pipeline": "closed", "customers": "open"}],
    )


@router.get("/healthz", summary="Liveness")
async def healthz() -> Liveness:
    """Always 200 while the process serves HTTP; it checks nothing else on purpose,
    so a down service never gets the gateway restarted."""
    return Liveness(status="ok")


@router.get(
    "/readyz",
    summary="Readiness",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "At least one upstream is not serving"}},
)
async def readyz(upstreams: OpenUpstreams) -> JSONResponse:
    """200 when every upstream's gRPC health check answers SERVING, else 503. The circuit
    states are shown beside the health; they do not change the status."""
    health = await upstreams.health()
    ready = all(status == "SERVING" for status in health.values())
    body = Readiness(
        status="ready" if ready else "not ready",
        upstreams=health,
        circuits=upstreams.circuit_states(),
    )
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}},
)
async def metrics() -> Response:
    """Every metric of this process in the Prometheus text format."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
