"""RFC 9457 problem details: every API error is `application/problem+json` with a message a person can act on."""

from typing import Any

from django.http import JsonResponse

from lib.request_id import current_request_id

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ApiProblem(Exception):
    """Raise from an API endpoint to answer with a problem document."""

    def __init__(self, status: int, title: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.extra = extra


def problem_response(status: int, title: str, detail: str, **extra: Any) -> JsonResponse:
    """The problem document; inside a request it carries the request's id, for the person reporting it to quote."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    request_id = current_request_id()
    if request_id is not None:
        body["request_id"] = request_id
    return JsonResponse(
        body, status=status, content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )
