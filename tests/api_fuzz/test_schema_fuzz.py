"""Property-based fuzzing of every API operation with schemathesis, against the
OpenAPI schema the portal serves, on the demo data, as each role: no answer is
a 500 and every answer matches the schema. The demo is the suite's shared one
(tests/demo_data.py); the tokens are made once for the module in a savepoint
rolled back at its end, and each test rolls back its own writes."""

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings

from reformwatch.wsgi import application
from units.models import Area, User
from units.services.tokens import token_create

ROLES = ["anonymous", "lanhdao", "chuyenvien", "giamsat", "admin", "outsider", "scoped"]
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "15"))
# Left out: whether a schema-valid request is accepted (an id that names no row
# is refused with a message, and the schema cannot say which ids exist) and
# whether every schema-violating one is refused (the pages' lenient filters,
# such as a checkbox that reads any text as "on", are shared by the API). The
# checks that run: no 500, every status and content type documented, every
# response body and header as the schema says.
EXCLUDED = [
    schemathesis.checks.positive_data_acceptance,
    schemathesis.checks.negative_data_rejection,
]
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(scope="module")
def demo_tokens(demo_data, django_db_blocker):
    """A token per role on the demo (loaded once for the test database), for the
    whole module, then undone. The WSGI app is called directly: like Django's
    test client, keep it from closing the test's database connection at the end
    of each request (on PostgreSQL that would end the demo's transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock():
        savepoint = transaction.atomic()
        savepoint.__enter__()
        try:
            # A clerk of another province (Kon Tum) and an official of Hải Phòng.
            kon_tum = Area.objects.get(level="province", code="62", valid_from=None)
            extra = {
                "outsider": User.objects.create(username="outsider-clerk", scope_area=kon_tum),
                "scoped": User.objects.create(
                    username="scoped-official",
                    scope_area=User.objects.get(username="chuyenvien").scope_area,
                ),
            }
            extra["outsider"].groups.add(*User.objects.get(username="chuyenvien").groups.all())
            extra["scoped"].groups.add(*User.objects.get(username="lanhdao").groups.all())
            tokens = {}
            for role in ROLES[1:]:
                user = extra.get(role) or User.objects.get(username=role)
                tokens[role] = token_create(actor=user, name=f"fuzz {role}", days=1)[1]
            yield tokens
        finally:
            transaction.set_rollback(True)
            savepoint.__exit__(None, None, None)
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_operation_fails_or_breaks_its_schema(case, role, demo_tokens, demo):
    headers = {} if role == "anonymous" else {"Authorization": f"Token {demo_tokens[role]}"}
    case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)


# Supervision's writes (issue 21, point 20) fuzzed on rows that exist: a random
# id names no session or plan (a 404 before any input is read), so the ids in
# the path are those of a demo session the supervisor's body holds and of a
# plan of the clerk's area, and the bodies reach the inputs and the services.
WRITES = schema.include(
    path_regex=r"^/api/v1/(sessions|plans|notifications)/",
    method=["POST", "PUT", "PATCH", "DELETE"],
)


@pytest.fixture
def demo_rows(demo):
    """A session of giamsat's body, and a plan of chuyenvien's area (made here:
    the demo's plans are of other provinces); rolled back with the test."""
    import datetime as dt

    from supervision.models import Session
    from supervision.services.plans import TaskRow, plan_save

    clerk = User.objects.get(username="chuyenvien")
    session = Session.objects.filter(body__members__username="giamsat").order_by("pk").first()
    data = {
        "number": "1-KH/FUZZ",
        "date": dt.date(2024, 2, 5),
        "issuer": "UBND",
        "title": "Kế hoạch",
        "area": clerk.scope_area,
    }
    task = TaskRow(
        title="Rà soát", responsible_unit_id=None, due_on=None, progress=40, status="in_progress"
    )
    plan = plan_save(actor=clerk, plan_id=None, data=data, tasks=[task])
    return {"session": session.pk, "plan": plan.pk}


@pytest.mark.parametrize("role", ["chuyenvien", "giamsat", "admin"])
@WRITES.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_supervision_writes_on_existing_rows(case, role, demo_tokens, demo_rows):
    if case.path_parameters and "id" in case.path_parameters:
        case.path_parameters["id"] = demo_rows["plan" if "/plans/" in case.path else "session"]
    headers = {"Authorization": f"Token {demo_tokens[role]}"}
    case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)
