"""The case API, version 1: create and update cases, parties, statuses, document
requests, extensions and decisions, all through ``portal.services.changes``.

Authentication: ``Authorization: Bearer <token>`` per client system
(``python -m portal.api_clients``), with scopes ``cases:read`` and ``cases:write``. No
cookie is read here, so cross-site request forgery does not apply (a browser cannot add
the header to a forged request). Every POST may carry an ``Idempotency-Key``: the same key
with the same body gives the same answer again; with another body it is refused (422).
"""

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from portal.api.problems import PROBLEM, ApiProblem, Problem, install_problem_handlers, refusal
from portal.db import DbSession
from portal.i18n import _
from portal.models import ApiClient, ApiIdempotency, Case, CaseType, Employee, Role, StatusType
from portal.models.cases import RESULTS
from portal.services.api_clients import authenticate
from portal.services.changes import Actor, CaseNotFound, ChangeRefused
from portal.services.changes.assign_handler import assign_handler
from portal.services.changes.create_case import add_party, create_case
from portal.services.changes.extend_decision_date import extend_decision_date
from portal.services.changes.record_decision import record_decision
from portal.services.changes.request_documents import request_documents
from portal.services.changes.send_message import send_message
from portal.services.changes.set_status import set_status

NUMBER_PATTERN = r"^[A-Za-z0-9-]{1,40}$"
IDEMPOTENCY_KEY = re.compile(r"[!-~]{1,200}")
MAX_LETTER_BASE64 = 14_000_000


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def Text(max_length: int, min_length: int = 0):  # noqa: N802 - a type factory
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(_no_nul)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Versioned(Strict):
    version: int = Field(ge=1, le=2**31 - 1, description="The case version you last saw (optimistic lock)")


class CaseIn(Strict):
    case_type: Text(50, 1) = Field(description="Case type code, e.g. 'kapvergunning'")
    title_nl: Text(300, 1)
    title_en: Text(300) = ""
    received_on: date
    number: Annotated[str, Field(pattern=NUMBER_PATTERN)] | None = None
    bsn: Annotated[str, Field(pattern=r"^[0-9]{9}$")] | None = None
    kvk: Annotated[str, Field(pattern=r"^[0-9]{8}$")] | None = None
    branch_number: Annotated[str, Field(pattern=r"^[0-9]{12}$")] | None = None
    display_name: Text(200) = ""
    address: Text(300) = ""


class PartyIn(Versioned):
    role_type: Literal["initiator", "mede_initiator", "belanghebbende"]
    bsn: Annotated[str, Field(pattern=r"^[0-9]{9}$")] | None = None
    kvk: Annotated[str, Field(pattern=r"^[0-9]{8}$")] | None = None
    branch_number: Annotated[str, Field(pattern=r"^[0-9]{12}$")] | None = None
    display_name: Text(200) = ""


class StatusIn(Versioned):
    status: int = Field(ge=1, le=1000, description="The step's number (ZGW volgnummer)")
    note_nl: Text(2000) = ""
    note_en: Text(2000) = ""


class HandlerIn(Versioned):
    login_id: Text(100, 1)


class DocumentRequestIn(Versioned):
    title_nl: Text(200, 1)
    title_en: Text(200) = ""
    explanation_nl: Text(2000) = ""
    explanation_en: Text(2000) = ""
    due_on: date | None = Field(
        description="Required: without a due date a request does not suspend the term (Awb 4:15)"
    )


class ExtensionIn(Versioned):
    duration: Text(20, 1) = Field(description="ISO 8601, e.g. P6W")
    reason_nl: Text(1000)
    reason_en: Text(1000) = ""
    confirm_late: bool = Field(
        default=False, description="Record an extension after the legal date anyway (marked late)"
    )


class DecisionIn(Versioned):
    result: Literal[RESULTS]  # type: ignore[valid-type]
    text_nl: Text(2000) = ""
    text_en: Text(2000) = ""
    decided_on: date | None = None
    letter_filename: Text(255, 1)
    letter_base64: Text(MAX_LETTER_BASE64, 1) = Field(description="The decision letter, a PDF, base64-encoded")


class MessageIn(Versioned):
    subject_nl: Text(300, 1)
    subject_en: Text(300) = ""
    body_nl: Text(5000, 1)
    body_en: Text(5000) = ""


class CaseOut(BaseModel):
    number: str
    case_type: str
    title_nl: str
    title_en: str
    received_on: date
    legal_deadline_on: date | None
    status: int | None
    suspended: bool
    result: str | None
    decided_on: date | None
    closed_on: date | None
    handler: str | None
    version: int


class Created(BaseModel):
    id: int
    case: CaseOut


bearer = HTTPBearer(auto_error=False, description="Token from `python -m portal.api_clients create`")


def _client(
    request: Request,
    db: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> ApiClient:
    client = authenticate(db, f"Bearer {credentials.credentials}" if credentials else None)
    if client is None:
        raise ApiProblem(
            401,
            _("A valid bearer token is needed."),
            "Authorization",
            headers={"WWW-Authenticate": 'Bearer realm="mijn-zaken"'},
        )
    request.state.api_client = client
    return client


def needs(scope: str) -> Callable[..., Actor]:
    def dependency(request: Request, client: Annotated[ApiClient, Depends(_client)]) -> Actor:
        if scope not in client.scopes.split():
            raise ApiProblem(
                403, _("This token may not do this (scope %(scope)s is needed).", scope=scope), "Authorization"
            )
        host = request.client.host if request.client else ""
        return Actor(kind="api", audit_id=f"api:{client.name}", client_ip=host[:45])

    return dependency


Reader = Annotated[Actor, Depends(needs("cases:read"))]
Writer = Annotated[Actor, Depends(needs("cases:write"))]
Key = Annotated[
    str | None, Header(alias="Idempotency-Key", description="Repeat a request safely: same key, same body, same answer")
]


def _case_out(db: Session, case: Case) -> dict:
    case_type = db.get(CaseType, case.case_type_id)
    status = db.get(StatusType, case.current_status_id) if case.current_status_id else None
    handler = db.exec(
        select(Employee.login_id)
        .join(Role, Role.employee_id == Employee.id)
        .where(Role.case_id == case.id, Role.role_type == "behandelaar")
    ).first()
    out = CaseOut(
        number=case.number,
        case_type=case_type.code,
        title_nl=case.title_nl,
        title_en=case.title_en,
        received_on=case.received_on,
        legal_deadline_on=case.legal_deadline_on,
        status=status.order if status else None,
        suspended=case.suspended,
        result=case.result,
        decided_on=case.decided_on,
        closed_on=case.closed_on,
        handler=handler,
        version=case.version,
    )
    return jsonable_encoder(out)


def _case_id(db: Session, number: str) -> int:
    case_id = db.exec(select(Case.id).where(Case.number == number)).first()
    if case_id is None:
        raise CaseNotFound(number)
    return case_id


def _idempotent(
    db: Session, request: Request, key: str | None, body: BaseModel | None, run: Callable[[], tuple[int, dict]]
) -> JSONResponse:
    """Run a change once per (client, key). The key is stored (committed) before the change
    runs, so a second request with it -- even at the same moment -- never runs it again."""
    client: ApiClient = request.state.api_client
    if key is None:
        return _answer(*_settled(run))
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise ApiProblem(422, _("The Idempotency-Key must be 1 to 200 visible characters."), "Idempotency-Key")
    fingerprint = hashlib.sha256(
        json.dumps(
            [request.method, request.url.path, body.model_dump(mode="json") if body else None], sort_keys=True
        ).encode()
    ).hexdigest()
    row = db.exec(
        select(ApiIdempotency).where(ApiIdempotency.client_id == client.id, ApiIdempotency.key == key)
    ).first()
    if row is None:
        try:
            row = ApiIdempotency(client_id=client.id, key=key, request_hash=fingerprint, status_code=0, body={})
            db.add(row)
            db.commit()
        except IntegrityError:
            db.rollback()
            row = db.exec(
                select(ApiIdempotency).where(ApiIdempotency.client_id == client.id, ApiIdempotency.key == key)
            ).one()
        else:
            try:
                status, answer = _settled(run)
            except BaseException:
                db.rollback()
                db.delete(db.get(ApiIdempotency, row.id))
                db.commit()
                raise
            row = db.get(ApiIdempotency, row.id)
            row.status_code, row.body = status, answer
            db.add(row)
            db.commit()
            return _answer(status, answer)
    if row.request_hash != fingerprint:
        raise ApiProblem(
            422, _("This Idempotency-Key was used for a different request. Use a new key."), "Idempotency-Key"
        )
    if row.status_code == 0:
        raise ApiProblem(
            409, _("A request with this Idempotency-Key is still running. Try again shortly."), "Idempotency-Key"
        )
    return _answer(row.status_code, row.body, replayed=True)


def _settled(run: Callable[[], tuple[int, dict]]) -> tuple[int, dict]:
    try:
        return run()
    except (ChangeRefused, CaseNotFound) as error:
        return refusal(error)


def _answer(status: int, body: dict, replayed: bool = False) -> JSONResponse:
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM if status >= 400 else None, headers=headers)


ERRORS = {
    401: "No valid bearer token",
    403: "The token lacks the scope",
    404: "No such case",
    409: "The version is stale (someone changed the case) or the key is in use",
    422: "Refused: the problem names the field",
}


def _responses(*codes: int) -> dict:
    return {code: {"model": Problem, "description": ERRORS[code]} for code in codes}


WRITE = _responses(401, 403, 404, 409, 422)


def create_api(parent: FastAPI) -> FastAPI:
    api = FastAPI(
        title="Mijn Zaken case API",
        version="1.0.0",
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        description=__doc__,
    )
    api.state = parent.state  # one settings object, one engine (tests may swap it)
    install_problem_handlers(api)

    @api.get("/cases/{number}", response_model=CaseOut, responses=_responses(401, 403, 404, 422))
    def get_case(number: Annotated[str, Field(pattern=NUMBER_PATTERN)], actor: Reader, db: DbSession):
        return _case_out(db, db.get(Case, _case_id(db, number)))

    @api.post("/cases", status_code=201, response_model=CaseOut, responses=_responses(401, 403, 409, 422))
    def post_case(body: CaseIn, request: Request, actor: Writer, db: DbSession, key: Key = None):
        def run():
            case = create_case(
                db,
                actor,
                case_type_code=body.case_type,
                title_nl=body.title_nl,
                title_en=body.title_en,
                received_on=body.received_on,
                bsn=body.bsn,
                kvk=body.kvk,
                branch_number=body.branch_number,
                display_name=body.display_name,
                address=body.address,
                number=body.number,
            )
            return 201, _case_out(db, case)

        return _idempotent(db, request, key, body, run)

    def change_route(path: str, model: type[BaseModel], apply: Callable[[Session, Actor, int, BaseModel], int | None]):
        def route(
            number: Annotated[str, Field(pattern=NUMBER_PATTERN)],
            body: model,
            request: Request,  # type: ignore[valid-type]
            actor: Writer,
            db: DbSession,
            key: Key = None,
        ):
            def run():
                case_id = _case_id(db, number)
                made = apply(db, actor, case_id, body)
                return 201, {"id": made or case_id, "case": _case_out(db, db.get(Case, case_id))}

            return _idempotent(db, request, key, body, run)

        route.__name__ = f"post_{path.strip('/').replace('-', '_')}"
        api.post(f"/cases/{{number}}/{path}", status_code=201, response_model=Created, responses=WRITE)(route)

    change_route(
        "parties",
        PartyIn,
        lambda db, actor, case_id, b: (
            add_party(
                db,
                actor,
                case_id,
                b.version,
                role_type=b.role_type,
                bsn=b.bsn,
                kvk=b.kvk,
                branch_number=b.branch_number,
                display_name=b.display_name,
            ).id
        ),
    )
    change_route(
        "statuses",
        StatusIn,
        lambda db, actor, case_id, b: (
            set_status(db, actor, case_id, b.version, _status_type(db, case_id, b.status), b.note_nl, b.note_en).id
        ),
    )
    change_route(
        "handler",
        HandlerIn,
        lambda db, actor, case_id, b: assign_handler(db, actor, case_id, b.version, _employee(db, b.login_id)).id,
    )
    change_route(
        "document-requests",
        DocumentRequestIn,
        lambda db, actor, case_id, b: (
            request_documents(
                db,
                actor,
                case_id,
                b.version,
                title_nl=b.title_nl,
                title_en=b.title_en,
                explanation_nl=b.explanation_nl,
                explanation_en=b.explanation_en,
                due_on=b.due_on,
            ).id
        ),
    )
    change_route(
        "extensions",
        ExtensionIn,
        lambda db, actor, case_id, b: (
            extend_decision_date(
                db,
                actor,
                case_id,
                b.version,
                duration=b.duration,
                reason_nl=b.reason_nl,
                reason_en=b.reason_en,
                confirm_late=b.confirm_late,
            ).id
        ),
    )
    change_route(
        "decisions",
        DecisionIn,
        lambda db, actor, case_id, b: (
            record_decision(
                db,
                actor,
                case_id,
                b.version,
                result=b.result,
                text_nl=b.text_nl,
                text_en=b.text_en,
                decided_on=b.decided_on,
                letter_name=b.letter_filename,
                letter_data=_letter(b.letter_base64),
                upload_dir=api.state.settings.effective_upload_dir,
                max_bytes=api.state.settings.upload_max_bytes,
            ).id
        ),
    )
    change_route(
        "messages",
        MessageIn,
        lambda db, actor, case_id, b: (
            send_message(
                db,
                actor,
                case_id,
                b.version,
                subject_nl=b.subject_nl,
                subject_en=b.subject_en,
                body_nl=b.body_nl,
                body_en=b.body_en,
            )
            and None
        ),
    )

    def openapi() -> dict:
        """Error answers are application/problem+json (FastAPI would say application/json)."""
        if api.openapi_schema:
            return api.openapi_schema
        schema = get_openapi(
            title=api.title,
            version=api.version,
            description=api.description,
            routes=api.routes,
            servers=[{"url": "/api/v1"}],
        )
        for operations in schema["paths"].values():
            for operation in operations.values():
                for code, response in operation.get("responses", {}).items():
                    if code.startswith("4"):
                        response["content"] = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
                        operation["responses"][code] = response
                operation["responses"].setdefault(
                    "422",
                    {
                        "description": ERRORS[422],
                        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
                    },
                )
        schema["components"]["schemas"].pop("HTTPValidationError", None)
        schema["components"]["schemas"].pop("ValidationError", None)
        api.openapi_schema = schema
        return schema

    api.openapi = openapi
    return api


def _status_type(db: Session, case_id: int, order: int) -> int | None:
    case = db.get(Case, case_id)
    return db.exec(
        select(StatusType.id).where(StatusType.case_type_id == case.case_type_id, StatusType.order == order)
    ).first()


def _employee(db: Session, login_id: str) -> int | None:
    return db.exec(select(Employee.id).where(Employee.login_id == login_id)).first()


def _letter(encoded: str) -> bytes:
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ChangeRefused("letter_base64", "The decision letter must be a PDF file.") from None
