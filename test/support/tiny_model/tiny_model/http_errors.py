"""Errors with an HTTP status, answered in SGLang's error shape."""

from __future__ import annotations


class HttpError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def error_body(status: int, message: str) -> dict:
    kind = {400: "BadRequestError", 401: "Unauthorized", 404: "NotFoundError", 503: "ServiceUnavailableError"}.get(
        status, "InternalServerError"
    )
    return {"object": "error", "message": message, "type": kind, "param": None, "code": status}
