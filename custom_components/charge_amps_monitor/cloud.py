"""Polling a vendor cloud and translating its client's errors, the same way in every integration.

This module is identical in the four integrations of this repository: HACS installs one folder,
so each carries its own copy. Edit ``common/cloud.py`` at the repository root and run
``scripts/sync_common``; ``tests/repo/test_common.py`` fails while a copy differs.

Nothing here names a vendor: an integration describes its client's exception classes in a
``ClientErrors`` and subclasses ``CloudCoordinator``. The translation keys used here
(``auth_failed``, ``endpoint_refused``, ``rate_limited``, ``cannot_connect``, ``rejected``,
``api_error``) are in the ``exceptions`` of every integration's ``translations/en.json``.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging
import math
from typing import Any, ClassVar

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, HomeAssistantError
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

# Failed polls in a row stretch the interval (doubling from the second failure) up to this, or
# to the normal interval where that is longer.
MAX_BACKOFF = timedelta(minutes=15)
# The wait after an HTTP 429 that does not say how long (no usable Retry-After header).
DEFAULT_RETRY_AFTER = timedelta(minutes=5)
# The longest wait a Retry-After may impose: a larger value (a broken header) is cut to this.
MAX_RETRY_AFTER = timedelta(days=1)
# Home Assistant schedules polls on whole seconds and may run one up to a second early: a poll
# meant to come right after Retry-After is scheduled this much later, so it is not refused.
SLACK = timedelta(seconds=1)


@dataclass(frozen=True, kw_only=True)
class ClientErrors:
    """The exception classes of one integration's client, by what they mean to Home Assistant."""

    base: type[Exception]
    """Every error the client raises."""
    auth: type[Exception]
    """The login step refused the credentials: only a reauth flow helps."""
    endpoint_refused: type[Exception]
    """One endpoint answered 401/403 to accepted credentials (has ``status``)."""
    rate_limited: type[Exception]
    """HTTP 429 (has ``retry_after``: seconds, or None when the cloud did not say)."""
    connection: type[Exception]
    """Network errors, timeouts and 5xx answers."""
    rejected: type[Exception] | None = None
    """The cloud refused the values of a command (400/422); None where nothing is written."""


class BackOff:
    """When to poll next: the normal interval, longer after failures, never before Retry-After."""

    def __init__(self, interval: timedelta) -> None:
        """Start with the normal interval and no failure."""
        self.interval = interval
        self.failures = 0
        self.retry_at: datetime | None = None

    @property
    def backing_off(self) -> bool:
        """Return True while failures or a Retry-After stretch the interval."""
        return self.failures > 0 or self.retry_at is not None

    def wait(self) -> float | None:
        """Return the seconds Retry-After still forbids a request, or None if none does."""
        if self.retry_at is None:
            return None
        wait = (self.retry_at - dt_util.utcnow()).total_seconds()
        if wait > 0:
            return wait
        self.retry_at = None
        return None

    def succeeded(self) -> timedelta:
        """Record an answer; return the interval to the next poll."""
        self.failures = 0
        return self.interval

    def failed(self, retry_after: float | None = None, *, rate_limited: bool = False) -> timedelta:
        """Record a failed request; return the interval to the next poll.

        One failure keeps the interval, so a short outage heals at the next normal poll; each
        further failure in a row doubles it, up to ``MAX_BACKOFF``. A 429 also forbids any
        request until its Retry-After (or ``DEFAULT_RETRY_AFTER``) has passed.
        """
        self.failures += 1
        cap = max(MAX_BACKOFF, self.interval)
        delay: timedelta = min(self.interval * 2 ** min(self.failures - 1, 16), cap)
        if rate_limited:
            delay = max(delay, self.hold(retry_after) + SLACK)
        return delay

    def hold(self, retry_after: float | None) -> timedelta:
        """Forbid requests until a 429's Retry-After has passed; return that wait.

        A missing, zero, negative or NaN Retry-After waits ``DEFAULT_RETRY_AFTER`` (or the
        interval, if longer); one beyond ``MAX_RETRY_AFTER`` (infinity too) waits that long.
        """
        if retry_after is not None and retry_after > 0:
            wait = timedelta(seconds=min(retry_after, MAX_RETRY_AFTER.total_seconds()))
        else:
            wait = max(DEFAULT_RETRY_AFTER, self.interval)
        self.retry_at = dt_util.utcnow() + wait
        return wait


class CloudCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """Polls one source of a vendor cloud, translates the client's errors and backs off.

    A subclass sets ``errors``, implements ``_async_fetch`` and, where its cloud has errors of
    its own (an offline device, a missing rule), extends ``describe_error``. Commands go through
    ``async_write``, so an action or an entity never repeats a try/except.
    """

    errors: ClassVar[ClientErrors]
    config_entry: ConfigEntry[Any]

    def __init__(
        self,
        hass: HomeAssistant,
        logger: logging.Logger,
        entry: ConfigEntry[Any],
        *,
        name: str,
        interval: timedelta,
        always_update: bool = False,
    ) -> None:
        """Poll at ``interval``."""
        super().__init__(
            hass,
            logger,
            config_entry=entry,
            name=name,
            update_interval=interval,
            always_update=always_update,
        )
        self.backoff = BackOff(interval)

    @property
    def interval(self) -> timedelta:
        """Return the normal polling interval."""
        return self.backoff.interval

    def set_interval(self, interval: timedelta) -> None:
        """Poll at a new normal interval from now on (a running back-off keeps its delay)."""
        self.backoff.interval = interval
        if not self.backoff.backing_off:
            self.update_interval = interval

    @abstractmethod
    async def _async_fetch(self) -> DataT:
        """Read this coordinator's data from the cloud (the client's errors propagate)."""

    async def _async_update_data(self) -> DataT:
        """Fetch, unless Retry-After still runs; translate the client's errors."""
        if (wait := self.backoff.wait()) is not None:
            # A refresh asked for meanwhile (homeassistant.update_entity, an action's read-back)
            # sends nothing; the next poll still comes right after Retry-After.
            seconds = math.ceil(wait)
            self.update_interval = timedelta(seconds=seconds) + SLACK
            if self.last_update_success and self.data is not None:
                # Only a command was answered 429: the last answer stays until polls resume.
                return self.data
            raise UpdateFailed(
                translation_domain=self.config_entry.domain,
                translation_key="rate_limited",
                translation_placeholders={"seconds": str(seconds)},
            )
        try:
            data = await self._async_fetch()
        except self.errors.base as err:
            self.update_interval = self.backoff.failed(
                getattr(err, "retry_after", None),
                rate_limited=isinstance(err, self.errors.rate_limited),
            )
            raise self.update_error(err) from err
        self.update_interval = self.backoff.succeeded()
        return data

    def update_error(self, err: Exception) -> HomeAssistantError:
        """Return what a failed poll raises: a reauth for refused credentials, else UpdateFailed."""
        domain = self.config_entry.domain
        if isinstance(err, self.errors.auth):
            return ConfigEntryAuthFailed(translation_domain=domain, translation_key="auth_failed")
        key, placeholders = self.describe_error(err)
        return UpdateFailed(
            translation_domain=domain, translation_key=key, translation_placeholders=placeholders
        )

    def describe_error(self, err: Exception) -> tuple[str, dict[str, str]]:
        """Return the translation key and placeholders that tell the user what went wrong."""
        errors = self.errors
        if isinstance(err, errors.auth):
            return "auth_failed", {}
        if isinstance(err, errors.endpoint_refused):
            return "endpoint_refused", {"status": str(getattr(err, "status", ""))}
        if isinstance(err, errors.rate_limited):
            wait = self.backoff.wait()
            return "rate_limited", {"seconds": str(math.ceil(wait or 0))}
        if errors.rejected is not None and isinstance(err, errors.rejected):
            return "rejected", {"error": str(err)}
        if isinstance(err, errors.connection):
            return "cannot_connect", {"error": str(err)}
        return "api_error", {"error": str(err)}

    async def async_write[T](self, write: Awaitable[T]) -> T:
        """Run one command; the client's errors become translated Home Assistant errors."""
        try:
            return await write
        except self.errors.base as err:
            raise await self.async_write_error(err) from err

    async def async_write_error(self, err: Exception) -> HomeAssistantError:
        """Return what a failed command raises.

        The login refusing the credentials (while renewing a token for the command) starts
        the reauth flow, as a poll would; a 429 holds the polls back too.
        """
        if isinstance(err, self.errors.auth):
            self.config_entry.async_start_reauth(self.hass)
        elif isinstance(err, self.errors.rate_limited):
            # Polls wait too, and the next one comes right after Retry-After.
            self.update_interval = self.backoff.hold(getattr(err, "retry_after", None)) + SLACK
        key, placeholders = self.describe_error(err)
        return HomeAssistantError(
            translation_domain=self.config_entry.domain,
            translation_key=key,
            translation_placeholders=placeholders,
        )
