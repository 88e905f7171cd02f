"""What an operator sees of each request: a request id, one log line, and error reports.

``RequestLogMiddleware`` runs first in ``MIDDLEWARE``, so page-cache hits are seen too. It
gives every request an id (the client's or proxy's ``X-Request-ID`` when it is a plain token,
a new one otherwise), returns it in the ``X-Request-ID`` header, puts it on every log record
made while the request runs (``RequestIdFilter``), and logs one line on ``newsroom.request``
with the status, the duration, the database time and the number of queries. With
``LOG_FORMAT=json`` each record is one JSON object (python-json-logger), which log collectors
read without parsing rules.

``server_error`` is the 500 page with the request id on it, so a reader's report ("it said
a1b2…") finds the log line. ``init_sentry`` turns on error reporting when ``SENTRY_DSN`` is set.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponseBase, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id is kept only when it is a plain token: it goes into logs and a header.
_INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

logger = logging.getLogger("newsroom.request")


def current_request_id() -> str:
    """The id of the request being served, or "-" outside one."""
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Put the current request id on every record (as ``request_id``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


@dataclass
class QueryStats:
    """Queries run and time spent in the database during one request."""

    count: int = 0
    seconds: float = 0.0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


@contextmanager
def counting_queries(stats: QueryStats) -> Iterator[None]:
    """Count the queries on every configured database (``execute_wrapper``, Django's hook)."""
    with ExitStack() as stack:
        for connection in connections.all():
            stack.enter_context(connection.execute_wrapper(stats))
        yield


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        try:
            if logger.isEnabledFor(logging.INFO):
                response = self.logged_response(request, request_id)
            else:
                response = self.get_response(request)
            response.headers[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            _request_id.reset(token)

    def logged_response(self, request: HttpRequest, request_id: str) -> HttpResponseBase:
        stats = QueryStats()
        started = time.perf_counter()
        with counting_queries(stats):
            response = self.get_response(request)
        log_request(request, response, request_id, time.perf_counter() - started, stats)
        return response


def log_request(
    request: HttpRequest,
    response: HttpResponseBase,
    request_id: str,
    duration: float,
    stats: QueryStats,
) -> None:
    logger.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "request_id": request_id,
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(duration * 1000, 2),
            "db_ms": round(stats.seconds * 1000, 2),
            "queries": stats.count,
            "user_id": staff_user_id(request),
        },
    )


def staff_user_id(request: HttpRequest) -> int | None:
    """The signed-in staff member's id, or None (readers are never identified in logs).

    Only a user the stack already loaded counts: a page-cache hit has none, and asking here
    must not open a session just to log."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    return user.pk if user.is_authenticated and user.is_staff else None


@requires_csrf_token
def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponseBase:
    """The 500 page, with the request id to quote when reporting it."""
    request_id = current_request_id()
    try:
        html = loader.get_template(template_name).render({"request_id": request_id})
    except Exception:  # noqa: BLE001 - the error page itself must not fail
        return HttpResponseServerError(
            f"Server error. Reference: {request_id}\n", content_type="text/plain"
        )
    return HttpResponseServerError(html)


def init_sentry(dsn: str, environment: str, **options: Any) -> None:
    """Send unhandled errors to Sentry, tagged with the request id; no personal data."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    def tag_request_id(event: Any, hint: Any) -> Any:
        event.setdefault("tags", {})["request_id"] = current_request_id()
        return event

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        before_send=tag_request_id,
        **options,
    )
