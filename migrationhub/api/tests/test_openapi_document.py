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


def test_every_read_documents_the_422_it_can_answer():
    """An operation that reads query parameters refuses unknown ones by name, and bad values,
    with a 422: a client generated from the document must expect it."""
    import json

    document = json.loads(openapi_document.current())
    missing = [
        path
        for path, operations in document["paths"].items()
        if "get" in operations
        and any(p["in"] == "query" for p in operations["get"].get("parameters", []))
        and "422" not in operations["get"]["responses"]
    ]
    assert missing == []


def test_no_two_schemas_share_a_name():
    """The OpenAPI document names a schema by its class name: two apps' `OrganisationOut` would
    silently become one component, and clients would validate one against the other's fields."""
    from collections import defaultdict

    from ninja import Schema
    from pydantic import BaseModel

    from migrationhub.api.router import api

    api.get_openapi_schema()  # imports every router's schemas
    by_name: dict[str, set[str]] = defaultdict(set)

    def walk(cls: type) -> None:
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("migrationhub.") and ".tests" not in sub.__module__:
                by_name[sub.__name__].add(f"{sub.__module__}.{sub.__qualname__}")
            walk(sub)

    walk(Schema)
    walk(BaseModel)
    shared = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert shared == {}
