"""Schemathesis against the app's own OpenAPI document: generated requests (valid and invalid) never
get a 5xx, and answers to valid ones conform to the documented status codes, content types and schemas.

Bounded (a fixed number of examples per operation, derandomised) and marked slow.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import load_all_checks
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.web import api_helpers

api_app, api_client, world = api_helpers.api_app, api_helpers.api_client, api_helpers.world  # fixtures


EXAMPLES_PER_OPERATION = 12
ROLES = ("forensic_chemist", "clinical_network_reviewer")  # between them every operation is allowed for one
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]
# Everything schemathesis generates is sent, NUL characters included (intake quarantines them).
CONFIG = schemathesis.Config.from_dict({"generation": {"allow-x00": True}})


def _exercise(operation, role: str, headers: dict[str, str], mode: GenerationMode, failures: list[str]) -> None:  # type: ignore[no-untyped-def]
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:  # type: ignore[no-untyped-def]
        response = case.call(headers=headers)
        where = f"{role} {mode.value} {case.method} {case.formatted_path}"
        if response.status_code >= 500:
            failures.append(f"{where}: {response.status_code}")
            return
        if mode is GenerationMode.NEGATIVE:
            return  # invalid requests: any 4xx is a fine answer
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except AssertionError as exc:  # schemathesis raises a FailureGroup (an AssertionError)
            failures.append(f"{where}: {str(exc)[:400]}")

    run()


@pytest.mark.slow
def test_no_server_errors_and_conforming_answers(api_app, world):
    load_all_checks()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app, config=CONFIG)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for role in ROLES:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _exercise(operation, role, world.headers(role), mode, failures)
    assert not failures, "\n".join(sorted(set(failures))[:30])
