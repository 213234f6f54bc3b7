"""The OpenAPI schema's error answers, documented once for every operation.

Every operation needs a login (403 without one, or for another role); every operation can find
nothing (404: an object that does not exist or is outside the caller's scope, a page past the end,
or a whole area outside the caller's role); every operation that takes input can refuse it (400),
and one with a request body a media type it does not read (415). The bodies are DRF's: {"detail": ...}
for a refusal, and for invalid input an object keyed by field (a list of sentences per field, or the
errors of each item of a nested list), with "non_field_errors" for the whole request.
"""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "description": "拒绝或找不到：一句说明。",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": (
        "输入有误：以字段名为键，值为该字段的错误说明列表（嵌套列表时为各项的错误）；"
        "non_field_errors 为整体错误，detail 为一句说明。"
    ),
    "properties": {
        "detail": {"type": "string"},
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": {},
}
DESCRIPTIONS = {
    "400": "输入有误（字段错误或业务规则不允许）",
    "403": "未登录或无权进行此操作",
    "404": "对象不存在或不在权限范围内，或页码超出范围",
    "409": "与当前状态冲突",
    "415": "请求体的媒体类型不受支持",
}


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def _errors_of(method: str, operation: dict[str, Any]) -> set[str]:
    codes = {"403", "404"}
    if method in ("post", "put", "patch", "delete"):
        codes.add("400")  # a change the domain rules refuse in the object's current state
    if "requestBody" in operation:
        codes |= {"400", "415"}
    if any(p["in"] == "query" for p in operation.get("parameters", [])):
        codes.add("400")
    return codes


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: add the error answers each operation can give, with bodies."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["ValidationError"] = VALIDATION_ERROR
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            for code in _errors_of(method, operation) - set(responses):
                responses[code] = {"description": DESCRIPTIONS[code]}
            for code, response in responses.items():
                if code.startswith("4") and "content" not in response:
                    response["content"] = _json("ValidationError" if code == "400" else "Error")
                    if response.get("description") in ("", "No response body"):
                        response["description"] = DESCRIPTIONS.get(code, "")
    return result
