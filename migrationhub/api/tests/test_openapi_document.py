from migrationhub.api import openapi_document


def test_committed_openapi_document_matches_the_api():
    # when the API changes, regenerate with `make openapi` and review the diff
    assert openapi_document.current() == openapi_document.committed()


def test_every_operation_is_documented():
    import json

    document = json.loads(openapi_document.current())
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary") or operation.get("description"), f"{method} {path}"
