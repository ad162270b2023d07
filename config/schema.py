"""The OpenAPI schema's error answers, declared once by rule rather than on every view.

Every API error body is `{"detail", "code"}` (config/exceptions.py); a 400 for field errors
is DRF's `{"field": ["message"]}`, to which `detail` and `code` may be added. The rules:

- 401 and 403 on every operation that needs a signed-in caller (403 also covers a missing
  CSRF token for the browser session);
- 404 on every path with an id in it, and on page-numbered lists (a page past the last);
- 400 on every operation that takes a request body or query parameters;
- 409 on every authenticated write (a race lost to a concurrent change is a 409 anywhere,
  config/exceptions.py; the services' own conflicts too);
- 429 on every throttled view (and the token view's lockout);
- 413 on every operation that takes a request body (over DATA_UPLOAD_MAX_MEMORY_SIZE);
- 503 on every operation: the database cannot be reached (with Retry-After).

A view may name more codes in `extend_schema(responses={...: None})`: a 4xx answer without a
body gets the error body here.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import AllowAny

ERROR = {
    "type": "object",
    "description": "An error: a message and a machine-readable code (some add fields).",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
    },
    "required": ["detail", "code"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": (
        "Bad input: `detail` and `code`, or DRF's field errors "
        '(`{"field": ["message"]}`, nested for nested fields), or both.'
    ),
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
    },
    "additionalProperties": True,
}
DESCRIPTIONS = {
    "400": "Bad input (malformed JSON, field errors, an unknown filter value).",
    "401": "Not signed in, or the token is invalid or expired.",
    "403": "The caller's role or organization may not do this.",
    "404": "Not found, or not visible to the caller.",
    "409": "The object's state does not allow this now.",
    "413": "The request body is too large.",
    "429": "Too many requests; retry later.",
    "503": "The database cannot be reached; retry after Retry-After seconds.",
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class ApiAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self._error_codes(path, operation):
            responses.setdefault(code, {"description": DESCRIPTIONS[code]})
        for code, response in responses.items():
            if code[0] in "45" and "content" not in response:
                response.setdefault("description", DESCRIPTIONS.get(code, ""))
                response["content"] = {"application/json": {"schema": self._error_ref(code)}}
        return operation

    def _error_codes(self, path: str, operation: dict) -> list[str]:
        codes = []
        signed_in = not all(
            issubclass(permission, AllowAny) for permission in self.view.permission_classes
        )
        if "requestBody" in operation or any(
            parameter["in"] == "query" for parameter in operation.get("parameters", [])
        ):
            codes.append("400")
        if signed_in:
            codes += ["401", "403"]
        if "{" in path or any(
            parameter["name"] == "page" for parameter in operation.get("parameters", [])
        ):
            codes.append("404")
        if signed_in and self.method in WRITES:
            codes.append("409")
        if getattr(self.view, "throttle_classes", None):
            codes.append("429")
        if "requestBody" in operation:
            codes.append("413")
        codes.append("503")
        return codes

    def _error_ref(self, code: str) -> dict:
        name, schema = ("FieldErrors", FIELD_ERRORS) if code == "400" else ("Error", ERROR)
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
        )
        self.registry.register_on_missing(component)
        return component.ref
