"""The workbench's web application (Starlette): the page, its assets and the JSON API it calls.

Every answer is computed by ``hemicycle.web.tasks`` with the Python API: the short checks that
only parse (diagnostics, completions, hovers) in a thread of the server, everything that
allocates in the ``WorkerPool``, verifications in processes of their own (``Verifications``).

What the server keeps between requests: uploaded vote files (``Uploads``, by an unguessable
token, the most recent few only) and verification jobs (by an unguessable id). Nothing else: the
rule text and the choice of votes travel with each request, so two people using the same server
see nothing of each other's work.

Guards: request bodies are capped (``MAX_*`` in ``inputs``); requests must name this server as
their host (with the default loopback address, a page elsewhere cannot reach it through DNS
rebinding) and, when they change anything, come from its own origin with a JSON or binary body
(so that another site's form cannot post to it); the page may load scripts, styles and frames
only from the server itself (Content-Security-Policy).
"""

from __future__ import annotations

import json
import logging
import secrets
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hemicycle.web import tasks
from hemicycle.web.inputs import (
    MAX_RULES_BYTES,
    MAX_UPLOAD_BYTES,
    InputError,
    VoteSource,
    bundled_rules_text,
    safe_name,
)
from hemicycle.web.workers import DEFAULT_MEMORY, JobFailed, Verifications, WorkerPool

log = logging.getLogger("hemicycle.web")

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_JSON_BYTES = 2 * MAX_RULES_BYTES + 1024 * 1024  # rule text, a typed table and the rest
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self'; frame-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


@dataclass(frozen=True)
class Settings:
    """``allowed_hosts``: the host names requests may carry (None: any, when listening beyond
    loopback). Limits of the work one request may start."""

    allowed_hosts: frozenset[str] | None = LOOPBACK
    workers: int = 2
    memory_limit: int | None = DEFAULT_MEMORY
    allocation_timeout: float = 30.0
    comparison_timeout: float = 120.0
    max_verify_timeout: float = 120.0
    max_parties: int = 8
    max_verifications: int = 2
    max_systems: int = 8


class Refused(Exception):
    """A request refused with a message for the page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class Uploads:
    """Uploaded vote files by token: at most ``entries`` of them and ``budget`` bytes in all, the
    oldest forgotten first."""

    def __init__(self, entries: int = 32, budget: int = 64 * 1024 * 1024) -> None:
        self.entries, self.budget = entries, budget
        self._files: OrderedDict[str, tuple[str, bytes]] = OrderedDict()

    def add(self, name: str, data: bytes) -> str:
        token = secrets.token_urlsafe(18)
        self._files[token] = (name, data)
        while len(self._files) > self.entries or sum(len(d) for _, d in self._files.values()) > self.budget:
            self._files.popitem(last=False)
        return token

    def get(self, token: Any) -> tuple[str, bytes] | None:
        return self._files.get(token) if isinstance(token, str) else None


# --- request guards -------------------------------------------------------------------------------------


def _hostname(host: str) -> str:
    return (urlsplit(f"//{host}").hostname or "").lower()


class Guard:
    """ASGI middleware: the host and origin checks, and the security headers of every answer."""

    def __init__(self, app: ASGIApp, allowed_hosts: frozenset[str] | None) -> None:
        self.app, self.allowed_hosts = app, allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        refusal = None
        if self.allowed_hosts is not None and _hostname(host) not in self.allowed_hosts:
            refusal = Refused(421, f"this server answers to {', '.join(sorted(self.allowed_hosts))} only")
        elif scope["method"] not in ("GET", "HEAD"):
            origin = headers.get("origin")
            if origin is not None and urlsplit(origin).netloc.lower() != host.lower():
                refusal = Refused(403, "requests from other sites are refused")

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                out["Content-Security-Policy"] = CSP
                out["X-Content-Type-Options"] = "nosniff"
                out["Referrer-Policy"] = "no-referrer"
                out["Cache-Control"] = "no-store"
            await send(message)

        if refusal is not None:
            await _refusal(refusal)(scope, receive, send_secured)
            return
        try:
            await self.app(scope, receive, send_secured)
        except Exception as e:  # answered already (``_internal``): one line in the log, no traceback
            log.error("internal error on %s: %s: %s", scope.get("path"), type(e).__name__, e)


def _refusal(e: Refused) -> JSONResponse:
    return JSONResponse({"error": e.message}, status_code=e.status)


async def _body(request: Request, limit: int, what: str) -> bytes:
    declared = request.headers.get("content-length")
    too_large = Refused(413, f"{what} is larger than the limit of {limit // 1024:,} KB")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


async def _json(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise Refused(415, "send JSON (Content-Type: application/json)")
    try:
        data = json.loads(await _body(request, MAX_JSON_BYTES, "the request"))
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "the request is not valid JSON") from None
    if not isinstance(data, dict):
        raise Refused(400, "the request must be a JSON object")
    return data


def _rules(data: Any) -> tuple[str, str]:
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise Refused(400, "rules: expected {text, file}")
    file = data.get("file")
    return data["text"], safe_name(file if isinstance(file, str) else "", "rules.elect")


def _position(data: dict[str, Any]) -> tuple[str, int, int]:
    text, line, character = data.get("text"), data.get("line"), data.get("character")
    if not isinstance(text, str) or not isinstance(line, int) or not isinstance(character, int):
        raise Refused(400, "expected text, line and character")
    if len(text) > MAX_RULES_BYTES:
        raise Refused(413, f"the rule file is larger than {MAX_RULES_BYTES // 1024} KB")
    return text, max(0, line), max(0, character)


def _votes(request: Request, data: Any) -> VoteSource:
    upload = request.app.state.uploads.get(data.get("token")) if isinstance(data, dict) else None
    try:
        return VoteSource.from_json(data, upload)
    except InputError as e:
        raise Refused(400, str(e)) from None


# --- endpoints -------------------------------------------------------------------------------------------


async def page(request: Request) -> Response:
    html = resources.files("hemicycle.web").joinpath("static", "index.html").read_text("utf-8")
    return Response(html, media_type="text/html; charset=utf-8")


async def catalogue(request: Request) -> Response:
    state = request.app.state
    if not hasattr(state, "catalogue"):
        state.catalogue = await run_in_threadpool(tasks.catalogue)
    return JSONResponse(state.catalogue | {"max_parties": state.settings.max_parties,
                                           "max_timeout": state.settings.max_verify_timeout})


async def bundled_rule_file(request: Request) -> Response:
    name = request.path_params["name"]
    try:
        text = bundled_rules_text(name)
    except InputError as e:
        raise Refused(404, str(e)) from None
    return JSONResponse({"name": name, "file": f"{name}.elect", "text": text})


async def check(request: Request) -> Response:
    text, file = _rules(await _json(request))
    if len(text.encode("utf-8")) > MAX_RULES_BYTES:
        raise Refused(413, f"the rule file is larger than {MAX_RULES_BYTES // 1024} KB")
    return JSONResponse(await run_in_threadpool(tasks.check_report, text, file))


async def complete(request: Request) -> Response:
    text, line, character = _position(await _json(request))
    return JSONResponse({"items": await run_in_threadpool(tasks.completion_items, text, line, character)})


async def hover(request: Request) -> Response:
    text, line, character = _position(await _json(request))
    return JSONResponse({"markdown": await run_in_threadpool(tasks.hover_markdown, text, line, character)})


async def upload(request: Request) -> Response:
    name = safe_name(request.query_params.get("name", ""), "votes")
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/octet-stream":
        raise Refused(415, "send the file as application/octet-stream")
    data = await _body(request, MAX_UPLOAD_BYTES, "the vote file")
    token = request.app.state.uploads.add(name, data)
    return JSONResponse({"token": token, "name": name, "bytes": len(data)})


async def _pooled(request: Request, fn: Any, *args: Any, timeout: float) -> Response:
    try:
        return JSONResponse(await request.app.state.pool.run(fn, *args, timeout=timeout))
    except JobFailed as e:
        return JSONResponse({"error": str(e)}, status_code=200)


async def allocate(request: Request) -> Response:
    data = await _json(request)
    text, file = _rules(data.get("rules"))
    source = _votes(request, data.get("votes"))
    return await _pooled(request, tasks.allocation, text, file, source,
                         timeout=request.app.state.settings.allocation_timeout)


async def compare(request: Request) -> Response:
    data = await _json(request)
    settings: Settings = request.app.state.settings
    systems = data.get("systems")
    if not isinstance(systems, list) or not 1 <= len(systems) <= settings.max_systems:
        raise Refused(400, f"compare: give 1 to {settings.max_systems} systems")
    pairs = [_rules(s) for s in systems]
    files = [f for _, f in pairs]
    if len(set(files)) != len(files):
        raise Refused(400, "compare: two systems have the same file name")
    curve = data.get("curve")
    if curve is not None and not isinstance(curve, str):
        raise Refused(400, "compare: curve must be a list's abbreviation")
    source = _votes(request, data.get("votes"))
    return await _pooled(request, tasks.comparison, pairs, source, curve or None,
                         timeout=settings.comparison_timeout)


def _verify_options(data: dict[str, Any], settings: Settings) -> tuple[list[str], int, float, int | None]:
    from hemicycle.verify import CATALOGUE

    names = data.get("properties")
    if (not isinstance(names, list) or not names or len(set(map(str, names))) != len(names)
            or any(n not in CATALOGUE for n in names)):
        raise Refused(400, f"verify: choose properties among {', '.join(CATALOGUE)}")
    parties, timeout, max_votes = data.get("parties"), data.get("timeout", 10), data.get("max_votes")
    if not isinstance(parties, int) or isinstance(parties, bool) or not 1 <= parties <= settings.max_parties:
        raise Refused(400, f"verify: the number of lists must be 1 to {settings.max_parties}")
    if not isinstance(timeout, int | float) or not 1 <= timeout <= settings.max_verify_timeout:
        raise Refused(400, f"verify: the time per property must be 1 to {settings.max_verify_timeout:g} s")
    if max_votes is not None and (not isinstance(max_votes, int) or max_votes < 1):
        raise Refused(400, "verify: the bound on votes must be a whole number of at least 1")
    return names, parties, float(timeout), max_votes


async def verify_start(request: Request) -> Response:
    data = await _json(request)
    text, file = _rules(data.get("rules"))
    if len(text.encode("utf-8")) > MAX_RULES_BYTES:
        raise Refused(413, f"the rule file is larger than {MAX_RULES_BYTES // 1024} KB")
    names, parties, timeout, max_votes = _verify_options(data, request.app.state.settings)
    tiers = await run_in_threadpool(_tiers, text, file)  # the verifier takes the time per property per tier
    try:
        job = request.app.state.verifications.start(tasks.verification, names,
                                                    (text, file, parties, timeout, max_votes), timeout * tiers)
    except JobFailed as e:
        raise Refused(429, str(e)) from None
    return JSONResponse(job.to_json())


def _tiers(text: str, file: str) -> int:
    from hemicycle.diagnostics import RuleError
    from hemicycle.web.inputs import parse_rules

    try:
        return max(1, len(parse_rules(text, file).model.tiers))
    except (RuleError, InputError):
        return 1  # the verification reports the error


def _job(request: Request) -> Any:
    job = request.app.state.verifications.get(request.path_params["id"])
    if job is None:
        raise Refused(404, "no such verification (finished ones are kept for ten minutes)")
    return job


async def verify_status(request: Request) -> Response:
    return JSONResponse(_job(request).to_json())


async def verify_cancel(request: Request) -> Response:
    job = _job(request)
    request.app.state.verifications.cancel(job.id)
    return JSONResponse(job.to_json())


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    return _refusal(exc)


async def _missing(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 404)
    return JSONResponse({"error": "no such page" if status == 404 else "method not allowed"}, status_code=status)


async def _internal(request: Request, exc: Exception) -> Response:
    return JSONResponse({"error": f"internal error: {type(exc).__name__}: {exc}. This is a bug in hemicycle; "
                                  "please report it."}, status_code=500)


def create_app(settings: Settings | None = None) -> ASGIApp:
    """The workbench as an ASGI application (``uvicorn``, or Starlette's ``TestClient``)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.pool.start()
        try:
            yield
        finally:
            app.state.verifications.close()
            app.state.pool.close()

    routes = [
        Route("/", page),
        Route("/api/catalogue", catalogue),
        Route("/api/rules/{name}", bundled_rule_file),
        Route("/api/check", check, methods=["POST"]),
        Route("/api/complete", complete, methods=["POST"]),
        Route("/api/hover", hover, methods=["POST"]),
        Route("/api/upload", upload, methods=["POST"]),
        Route("/api/allocate", allocate, methods=["POST"]),
        Route("/api/compare", compare, methods=["POST"]),
        Route("/api/verify", verify_start, methods=["POST"]),
        Route("/api/verify/{id}", verify_status),
        Route("/api/verify/{id}/cancel", verify_cancel, methods=["POST"]),
        Mount("/static", StaticFiles(packages=[("hemicycle.web", "static")]), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={Refused: _refused, 404: _missing, 405: _missing,
                                        Exception: _internal})
    app.state.settings = settings
    app.state.uploads = Uploads()
    app.state.pool = WorkerPool(settings.workers, settings.memory_limit)
    app.state.verifications = Verifications(max_running=settings.max_verifications,
                                            memory_limit=settings.memory_limit)
    return Guard(app, settings.allowed_hosts)
