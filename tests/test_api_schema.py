"""Schemathesis against our OpenAPI spec: no input, however odd, gets a 500 or breaks the schema.

Driven through schemathesis' Python API (its pytest plugin does not support this pytest version): every
operation in the spec gets generated cases, each called on the real app and checked with every default check
but one. ``positive_data_acceptance`` is left out: the API has rules a JSON Schema cannot state (an uploaded
file must be .txt, .md or .html; a date range must not be inverted), so schema-valid is not always
acceptable, and those rejections are 422s that name the field, which the other checks verify.
"""

import importlib
import pkgutil

import pytest
import schemathesis
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from service.api import create_app, routes
from service.engine import Newsdesk, sample_corpus_path
from service.settings import Settings

EXAMPLES_PER_OPERATION = 25


@pytest.fixture(scope="module")
def fuzzed_schema(tmp_path_factory):
    engine = Newsdesk(Settings(data_dir=tmp_path_factory.mktemp("fuzz")))
    engine.ingest_paths([sample_corpus_path()])
    app = create_app(engine.settings, newsdesk=engine)
    yield schemathesis.openapi.from_asgi("/openapi.json", app), app
    engine.jobs.wait(timeout=300)
    engine.close()


def operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def test_the_spec_covers_every_route(fuzzed_schema):
    schema, _ = fuzzed_schema
    labels = {op.label for op in operations(schema)}
    # Every route any module of service/api/routes declares is in the spec ...
    declared = {
        f"{method} {route.path}"
        for module in pkgutil.iter_modules(routes.__path__)
        for route in importlib.import_module(f"{routes.__name__}.{module.name}").router.routes
        if isinstance(route, APIRoute) and route.include_in_schema
        for method in route.methods
    }
    assert labels == declared
    # ... and none that docs/api.md documents has gone missing.
    assert labels == {
        "POST /v1/ask", "POST /v1/ask/stream", "POST /v1/search", "POST /v1/chat/completions",
        "GET /v1/models", "GET /v1/documents", "POST /v1/documents", "POST /v1/documents/upload",
        "GET /v1/documents/{doc_id}", "DELETE /v1/documents/{doc_id}", "POST /v1/ingest",
        "GET /v1/jobs/{job_id}", "POST /v1/feedback", "GET /healthz", "GET /metrics",
    }  # fmt: skip


def test_no_input_breaks_the_api(fuzzed_schema):
    schema, _ = fuzzed_schema
    failures = []
    for operation in operations(schema):

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        try:
            check()
        except Exception as error:  # collect every operation's failure, not just the first
            failures.append(f"{operation.label}: {error}")
    assert not failures, "\n\n".join(failures)
