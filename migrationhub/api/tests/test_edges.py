"""The API's edges: an index, JSON errors everywhere under /api/, unknown parameters refused."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_index_says_where_everything_is(reference, client):
    body = client.get("/api/v1/").json()
    assert body["openapi"].endswith("/api/v1/openapi.json")
    for url in body["resources"].values():
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here", "/api/v1/practices/x/y/z", "/api/", "/api/v2/practices/"]
)
def test_unknown_paths_answer_json_in_the_api_shape(reference, client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found" and response.json()["fields"] == {}


def test_unknown_query_parameters_are_refused_by_name(reference, client):
    # given: remittance pages say `period`, the API says `quarter`
    response = client.get("/api/v1/remittances/corridors/", {"period": "2013Q1"})
    # then: an error that names it and the known ones, instead of every quarter
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed"
    assert "quarter" in body["fields"]["period"][0]
    assert client.get("/api/v1/remittances/corridors/", {"quarter": "2013Q1"}).status_code == 200
    assert client.get("/api/v1/reference/levels", {"lang": "fr"}).status_code == 422


def test_the_document_states_that_text_parameters_refuse_nul(reference, client):
    document = client.get("/api/v1/openapi.json").json()
    parameters = document["paths"]["/api/v1/practices/"]["get"]["parameters"]
    q = next(p for p in parameters if p["name"] == "q")
    assert "pattern" in str(q["schema"])
