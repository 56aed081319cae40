"""Property-based conformance: every read endpoint, fed inputs generated from the OpenAPI
document, answers without a server error and with a body that matches its documented schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema(reference):
    from migrationhub.knowledge.tests.factories import make_published
    from migrationhub.partnerships.tests.factories import (
        commit,
        join,
        make_goal,
        make_org,
        make_partnership,
        make_pledge,
        report,
    )

    make_published(title="Fair recruitment in the Gulf corridor", countries=["NPL", "QAT"])
    # a partnership with every part its reads show, and a joint pledge it delivers
    lead = make_org(stakeholder_type="national-government")
    partnership = make_partnership(lead=lead, name="Gulf corridor recruitment partnership")
    union = make_org(stakeholder_type="trade-union")
    join(partnership, union)
    report(make_goal(partnership), union)
    commit(partnership, union)
    make_pledge(lead=lead, co_pledgers=[union], partnership=partnership.slug)
    # As Django's own test client does: keep the test's connection (and its transaction) open
    # across the in-process WSGI calls.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.include(method="GET").parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_read_endpoints_conform_to_the_openapi_document(case):
    # Query strings carry only strings: a repeated `q` is read as the last value, not rejected,
    # so "negative data must be rejected" does not apply to these reads. Every request the
    # document allows must be accepted (text parameters declare that they refuse NUL), answer
    # without a server error, and answer as documented.
    case.call_and_validate(excluded_checks=[negative_data_rejection])
