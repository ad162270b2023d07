"""The id of the request being served, so that every audit event can name it."""

from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="")
