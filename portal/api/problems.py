"""Every refusal of the API is ``application/problem+json`` (RFC 9457) naming the field."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from portal.i18n import _
from portal.services.changes import CaseNotFound, ChangeRefused

PROBLEM = "application/problem+json"
log = logging.getLogger("portal.api")


class FieldProblem(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details; ``field`` names the request field it is about."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    field: str | None = None
    errors: list[FieldProblem] = []


class ApiProblem(Exception):
    def __init__(self, status: int, detail: str, field: str | None = None, headers: dict | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.field, self.headers = status, detail, field, headers


TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    500: "Internal server error",
}


def problem_body(status: int, detail: str, field: str | None = None, errors: list[dict] | None = None) -> dict:
    return Problem(
        title=TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        field=field,
        errors=[FieldProblem(**error) for error in errors or []],
    ).model_dump()


def problem_response(
    status: int, detail: str, field: str | None = None, headers: dict | None = None, errors: list[dict] | None = None
) -> JSONResponse:
    return JSONResponse(
        problem_body(status, detail, field, errors), status_code=status, media_type=PROBLEM, headers=headers
    )


def refusal(error: ChangeRefused | CaseNotFound) -> tuple[int, dict]:
    """A change's refusal as (status, problem body): a stale version is a conflict."""
    if isinstance(error, CaseNotFound):
        return 404, problem_body(404, _("There is no case with this number."), "number")
    status = 409 if error.field == "version" else 422
    return status, problem_body(status, error.message, error.field)


def _field(location: tuple) -> str:
    names = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(names) or "body"


def install_problem_handlers(api: FastAPI) -> None:
    @api.exception_handler(RequestValidationError)
    async def invalid(_request: Request, error: RequestValidationError):
        errors = [
            {
                "field": "body" if item.get("type") == "json_invalid" else _field(tuple(item.get("loc", ()))),
                "message": str(item.get("msg", ""))[:300],
            }
            for item in error.errors()
        ]
        first = errors[0]["field"] if errors else "body"
        return problem_response(
            422, _("The request is not valid: check the field %(field)s.", field=first), first, errors=errors
        )

    @api.exception_handler(ApiProblem)
    async def refused(_request: Request, error: ApiProblem):
        return problem_response(error.status, error.detail, error.field, error.headers)

    @api.exception_handler(ChangeRefused)
    async def change_refused(_request: Request, error: ChangeRefused):
        status, body = refusal(error)
        return JSONResponse(body, status_code=status, media_type=PROBLEM)

    @api.exception_handler(CaseNotFound)
    async def not_found(_request: Request, error: CaseNotFound):
        status, body = refusal(error)
        return JSONResponse(body, status_code=status, media_type=PROBLEM)

    @api.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException):
        detail = (
            error.detail
            if isinstance(error.detail, str) and error.status_code != 404
            else TITLES.get(error.status_code, "Error")
        )
        return problem_response(error.status_code, detail, headers=getattr(error, "headers", None))

    @api.exception_handler(Exception)
    async def unexpected(
        _request: Request, error: Exception
    ):  # pragma: no cover - a bug; the schemathesis test hunts them
        log.exception("Unexpected error in the case API", exc_info=error)
        return problem_response(500, "Something went wrong on our side.")
