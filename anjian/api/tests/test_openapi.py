"""The schema and docs load, unknown routes answer 404, and ninja's own errors read well."""

from django.test import Client

ROUTES = {
    "/api/v1/auth/token": {"post", "delete"},
    "/api/v1/major-hazards/evaluate": {"post"},
    "/api/v1/accidents/grade": {"post"},
    "/api/v1/subjects": {"get"},
    "/api/v1/subjects/{subject_id}": {"get"},
    "/api/v1/hazards": {"get", "post"},
    "/api/v1/hazards/{hazard_id}": {"get"},
    "/api/v1/hazards/{hazard_id}/transitions": {"post"},
    "/api/v1/notifications": {"get"},
    "/api/v1/notifications/{notification_id}/read": {"post"},
    "/api/v1/notifications/read-all": {"post"},
}


def test_openapi_lists_every_path(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {path: set(ops) for path, ops in schema["paths"].items()} == ROUTES
    transitions = schema["paths"]["/api/v1/hazards/{hazard_id}/transitions"]["post"]
    content = transitions["requestBody"]["content"]
    assert "action" in content["application/json"]["schema"]["properties"]
    assert "photos" in content["multipart/form-data"]["schema"]["properties"]
    assert {"409", "422", "403", "404"} <= set(transitions["responses"])
    assert set(schema["components"]["securitySchemes"]) == {"BearerToken", "SessionAuth"}


def test_docs_page_loads(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_unknown_routes_and_ids_answer_404(world, clients):
    client = clients["city"]
    assert client.get("/api/v1/nothing-here").status_code == 404
    assert client.get("/api/v1/hazards/abc").status_code == 404
    assert client.get("/api/v1/hazards/123456789").status_code == 404
    assert client.delete("/api/v1/hazards").status_code == 405


def test_validation_errors_are_readable(world, clients):
    response = clients["city"].get("/api/v1/hazards", {"limit": "many"})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "请求有误：查询参数“limit”：应为整数"
    assert body["errors"] == [{"loc": ["query", "limit"], "msg": "应为整数", "type": "int_parsing"}]
