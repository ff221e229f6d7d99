"""Exceptions raised by the Ohme client."""

from __future__ import annotations


class OhmeError(Exception):
    """Base class of every Ohme client error."""


class OhmeConnectionError(OhmeError):
    """The Ohme cloud could not be reached (network error or timeout)."""


class OhmeAuthError(OhmeError):
    """The login step refused the credentials (email and password): reauthenticate."""


class OhmeRateLimitError(OhmeError):
    """The Ohme cloud asked us to slow down (HTTP 429)."""

    def __init__(self, retry_after: float | None) -> None:
        """Remember how long to wait, in seconds (None if the server did not say)."""
        super().__init__(f"Rate limited by Ohme (retry after {retry_after} s)")
        self.retry_after = retry_after


class OhmeApiError(OhmeError):
    """The Ohme cloud answered with an unexpected HTTP status."""

    def __init__(self, path: str, status: int) -> None:
        """Record the failing path and status (never the body: it may hold personal data)."""
        super().__init__(f"Ohme API error: {path} answered HTTP {status}")
        self.path = path
        self.status = status


class OhmeServerError(OhmeApiError, OhmeConnectionError):
    """The Ohme cloud answered HTTP 5xx: an outage, like a network error."""


class OhmeRejectedError(OhmeApiError):
    """A write's values were refused (HTTP 400 or 422): out of range, or not valid now."""


class OhmeResponseError(OhmeError):
    """The Ohme cloud answered with a body that is not the JSON we expect."""


class OhmeEndpointRefusedError(OhmeApiError):
    """One endpoint refused a token that the login step had accepted (HTTP 401/403).

    Not a credentials problem: the login or token renewal worked, and the same token keeps
    working elsewhere. The feature behind this endpoint is not available to the account (for
    example ``advancedSettings`` since 2025-11-18, or pausing a charge).
    """
