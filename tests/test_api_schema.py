"""Schemathesis against our OpenAPI spec: no input, however odd, gets a 500 or breaks the schema.

Driven through schemathesis' Python API (its pytest plugin does not support this pytest version): every
operation in the spec gets generated cases, each called on the real app and checked with every default check
but one. ``positive_data_acceptance`` is left out: the API has rules a JSON Schema cannot state (an uploaded
file must be .txt, .md or .html; a date range must not be inverted), so schema-valid is not always
acceptable, and those rejections are 422s that name the field, which the other checks verify.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from service.api import create_app
from service.engine import Newsdesk, sample_corpus_path
from service.settings import Settings

EXAMPLES_PER_OPERATION = 25


@pytest.fixture(scope="module")
def fuzzed_schema(tmp_path_factory):
    engine = Newsdesk(Settings(data_dir=tmp_path_factory.mktemp("fuzz")))
    engine.ingest_paths([sample_corpus_path()])
    app = create_app(engine.settings, newsdesk=engine)
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    engine.jobs.wait(timeout=300)
    engine.close()


def operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def test_the_spec_covers_every_route(fuzzed_schema):
    labels = {op.label for op in operations(fuzzed_schema)}
    assert {
        "POST /v1/ask", "POST /v1/search", "GET /v1/documents", "POST /v1/documents",
        "POST /v1/documents/upload", "GET /v1/documents/{doc_id}", "DELETE /v1/documents/{doc_id}",
        "POST /v1/ingest", "GET /v1/jobs/{job_id}", "GET /healthz", "GET /metrics",
    } <= labels  # fmt: skip


def test_no_input_breaks_the_api(fuzzed_schema):
    failures = []
    for operation in operations(fuzzed_schema):

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        try:
            check()
        except Exception as error:  # collect every operation's failure, not just the first
            failures.append(f"{operation.label}: {error}")
    assert not failures, "\n\n".join(failures)
