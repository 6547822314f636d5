"""If-Match in the services: the expectation from metadata, compared under the row lock.

The interceptor tests run a real grpcio server (services.kit.grpc_server) whose
servicer loads a row of a real database through `load_visible`, the loader
every service uses to lock a record for a change.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
import sqlalchemy as sa
from salesops.customers.v1 import customers_pb2, customers_pb2_grpc
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.kit.concurrency import (
    IF_MATCH_KEY,
    VERSION_MISMATCH,
    ExpectedVersion,
    bind_expected_version,
    check_expected_version,
    expected_version_from_metadata,
    unbind_expected_version,
    unchecked_locks,
)
from services.kit.db import Database
from services.kit.errors import FailedPrecondition, InvalidArgument
from services.kit.grpc_server import ApiServer, error_details
from services.kit.records import load_visible

CALLER = (
    ("x-salesops-subject", "rep-ana"),
    ("x-salesops-roles", "rep"),
    ("x-salesops-regions", "EMEA"),
)


class _Base(DeclarativeBase):
    pass


class Note(_Base):
    """A versioned record, as every business table is."""

    __tablename__ = "notes"

    note_id: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    text: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.Integer)


class Tag(_Base):
    """A record that keeps no version."""

    __tablename__ = "tags"

    tag_id: Mapped[str] = mapped_column(sa.String(20), primary_key=True)


@pytest.fixture
def bound() -> Iterator[ExpectedVersion]:
    """The expectation of a call whose If-Match said 3."""
    expected = ExpectedVersion(3)
    token = bind_expected_version(expected)
    yield expected
    unbind_expected_version(token)


# --- the expectation -------------------------------------------------------------------


def test_the_expectation_comes_from_its_metadata_key() -> None:
    assert expected_version_from_metadata([(IF_MATCH_KEY, "7")]) == ExpectedVersion(7)
    assert expected_version_from_metadata([(IF_MATCH_KEY.upper(), b"12")]) == ExpectedVersion(12)
    assert expected_version_from_metadata(CALLER) is None


@pytest.mark.parametrize("value", ["", "abc", "-1", '"3"', "3.0", "٣"])
def test_a_malformed_expectation_is_invalid_naming_the_key(value: str) -> None:
    with pytest.raises(InvalidArgument) as raised:
        expected_version_from_metadata([(IF_MATCH_KEY, value)])
    assert raised.value.violations[0].field == IF_MATCH_KEY


def test_no_expectation_checks_nothing() -> None:
    check_expected_version(1, "notes/n1")
    check_expected_version(None, "notes/n1")


def test_the_expected_version_passes(bound: ExpectedVersion) -> None:
    check_expected_version(3, "notes/n1")
    assert bound.checked


def test_another_version_is_a_version_mismatch_naming_both(bound: ExpectedVersion) -> None:
    with pytest.raises(FailedPrecondition) as raised:
        check_expected_version(4, "notes/n1")
    (violation,) = raised.value.violations
    assert violation.type == VERSION_MISMATCH
    assert violation.subject == "notes/n1"
    assert "the record is at version 4; If-Match said 3" in violation.description


def test_a_record_without_a_version_never_matches(bound: ExpectedVersion) -> None:
    with pytest.raises(FailedPrecondition) as raised:
        check_expected_version(None, "tags/t1")
    assert "no version of the record" in raised.value.violations[0].description


def test_only_the_first_record_locked_is_compared(bound: ExpectedVersion) -> None:
    check_expected_version(3, "notes/n1")
    # Another record the same call locks has its own version; it is not compared.
    check_expected_version(99, "notes/n2")


def test_locks_inside_unchecked_locks_leave_the_comparison_for_later(
    bound: ExpectedVersion,
) -> None:
    with unchecked_locks():
        check_expected_version(99, "opportunities/o1")
    assert not bound.checked
    with pytest.raises(FailedPrecondition):
        check_expected_version(5, "quotes/q1")


# --- load_visible compares after locking -----------------------------------------------


@pytest.fixture
def notes_db(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'notes.db'}", "kit-concurrency")
    _Base.metadata.create_all(db.engine)
    with db.transaction() as session:
        session.add_all([Note(note_id="n1", text="first", version=3), Tag(tag_id="t1")])
    yield db
    db.dispose()


def _load_note(db: Database, for_update: bool) -> Note:
    with db.transaction() as session:
        return load_visible(
            session,
            Note,
            "n1",
            kind="note",
            field_name="note_id",
            visible=lambda _: True,
            for_update=for_update,
        )


def test_load_visible_for_update_compares_the_version(
    notes_db: Database, bound: ExpectedVersion
) -> None:
    bound.version = 2
    with pytest.raises(FailedPrecondition) as raised:
        _load_note(notes_db, for_update=True)
    assert raised.value.violations[0].subject == "note/n1"


def test_load_visible_for_update_passes_the_expected_version(
    notes_db: Database, bound: ExpectedVersion
) -> None:
    assert _load_note(notes_db, for_update=True).text == "first"
    assert bound.checked


def test_a_read_never_compares(notes_db: Database, bound: ExpectedVersion) -> None:
    bound.version = 2
    assert _load_note(notes_db, for_update=False).version == 3
    assert not bound.checked


# --- through the interceptor of a real grpc server -------------------------------------


class NotesServicer(customers_pb2_grpc.CustomersServiceServicer):
    """Changes note n1 the way an update does: lock, (compare,) write, bump the version."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def UpdateCustomer(
        self, request: customers_pb2.UpdateCustomerRequest, context: grpc.ServicerContext
    ) -> customers_pb2.UpdateCustomerResponse:
        with self.db.transaction() as session:
            note = load_visible(
                session,
                Note,
                request.customer.customer_id,
                kind="note",
                field_name="customer_id",
                visible=lambda _: True,
                for_update=True,
            )
            note.text = request.customer.industry
            note.version += 1
            return customers_pb2.UpdateCustomerResponse(
                customer=customers_pb2.Customer(customer_id=note.note_id, version=note.version)
            )


@pytest.fixture
def notes_api(notes_db: Database) -> Iterator[customers_pb2_grpc.CustomersServiceStub]:
    def register(server: grpc.Server) -> list[str]:
        customers_pb2_grpc.add_CustomersServiceServicer_to_server(NotesServicer(notes_db), server)
        return ["salesops.customers.v1.CustomersService"]

    server = ApiServer("kit-concurrency", register, lambda: None, host="127.0.0.1")
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
    yield customers_pb2_grpc.CustomersServiceStub(channel)
    channel.close()
    server.stop(0)


def _update(
    stub: customers_pb2_grpc.CustomersServiceStub, text: str, *if_match: str
) -> customers_pb2.UpdateCustomerResponse:
    request = customers_pb2.UpdateCustomerRequest(
        customer=customers_pb2.Customer(customer_id="n1", industry=text)
    )
    metadata = CALLER + tuple((IF_MATCH_KEY, value) for value in if_match)
    response: customers_pb2.UpdateCustomerResponse = stub.UpdateCustomer(
        request, metadata=metadata, timeout=5
    )
    return response


def _text(db: Database) -> str:
    with db.transaction() as session:
        note = session.get(Note, "n1")
        assert note is not None
        return note.text


def test_a_stale_if_match_is_refused_and_nothing_is_written(
    notes_api: customers_pb2_grpc.CustomersServiceStub, notes_db: Database
) -> None:
    assert _update(notes_api, "second", "3").customer.version == 4
    with pytest.raises(grpc.RpcError) as raised:
        _update(notes_api, "stale", "3")
    details = error_details(raised.value)
    assert details["code"] is grpc.StatusCode.FAILED_PRECONDITION
    assert details["precondition_violations"] == [
        {
            "type": VERSION_MISMATCH,
            "subject": "note/n1",
            "description": "the record is at version 4; If-Match said 3 (read it again and retry)",
        }
    ]
    assert _text(notes_db) == "second"


def test_without_if_match_the_change_applies(
    notes_api: customers_pb2_grpc.CustomersServiceStub,
) -> None:
    assert _update(notes_api, "anything").customer.version == 4


def test_the_expectation_does_not_outlive_its_call(
    notes_api: customers_pb2_grpc.CustomersServiceStub,
) -> None:
    assert _update(notes_api, "second", "3").customer.version == 4
    # The server's worker threads are reused; the next call brings no expectation.
    assert _update(notes_api, "third").customer.version == 5


def test_malformed_if_match_metadata_is_invalid_argument(
    notes_api: customers_pb2_grpc.CustomersServiceStub, notes_db: Database
) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        _update(notes_api, "bad", "W/3")
    details = error_details(raised.value)
    assert details["code"] is grpc.StatusCode.INVALID_ARGUMENT
    assert details["field_violations"][0]["field"] == IF_MATCH_KEY
    assert _text(notes_db) == "first"
