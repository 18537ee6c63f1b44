"""Schema-driven fuzzing (schemathesis) of the console API served on a loopback port: no input gives a 500.

Positive and negative examples for every operation of /api/openapi.json, sent with a supervisor's session
cookie (so the handlers behind the permission checks are reached). Bounded: a few examples per operation.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable

from console.app import build_app
from console.ports import LiveEvents
from crm_core.db import Database
from tests.unit.console.conftest import PASSWORD, Staff, add_customer
from tests.unit.console.doubles import FakeTelephony, ServedApp

EXAMPLES_PER_OPERATION = 12


@pytest.fixture
def served(database: Database, staff: Staff) -> Iterator[ServedApp]:
    add_customer(database, staff.agent_id)
    events = LiveEvents()
    app = ServedApp(lambda: build_app(database, FakeTelephony(), events, max_failed_logins=1000), events).start()
    yield app
    app.stop()


def session_cookie(base_url: str) -> str:
    request = urllib.request.Request(f"{base_url}/api/login", method="POST",
                                     data=json.dumps({"job_number": "9001", "password": PASSWORD}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(response.headers["Set-Cookie"]).split(";")[0]


# On PostgreSQL only (two minutes and more per backend under make test's load): it is the stricter backend of
# the two for what fuzzing finds (a NUL in a string, an integer past a 4-byte column, an over-long text).
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.timeout(240)  # some 60 s alone, twice that under make test's load
def test_no_input_makes_the_api_fail_with_a_500(served: ServedApp) -> None:
    schema = schemathesis.openapi.from_url(f"{served.url}/api/openapi.json")
    cookie = session_cookie(served.url)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14  # every route but the document itself, which schemathesis skips
    for operation in operations:
        headers = {} if operation.path == "/api/logout" else {"Cookie": cookie}
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            try:
                fuzz(operation, mode, served.url, headers, failures)
            except Unsatisfiable:  # nothing to make invalid (no body, no parameters)
                assert mode == schemathesis.GenerationMode.NEGATIVE, operation.label
    assert failures == []


def fuzz(operation: schemathesis.APIOperation, mode: schemathesis.GenerationMode, base_url: str,
         headers: dict[str, str], failures: list[str]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def send(case: schemathesis.Case) -> None:
        response = case.call(base_url=base_url, headers=headers, timeout=10)
        if response.status_code >= 500:
            failures.append(f"{case.method} {case.formatted_path} {case.body!r} -> "
                            f"{response.status_code} {response.text[:200]}")

    send()
