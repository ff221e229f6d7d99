"""Data update coordinator: one filtered status request per charger and interval."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .api import (
    GoeAuthError,
    GoeChargerClient,
    GoeCloudDisabledError,
    GoeConnectionError,
    GoeEndpointRefusedError,
    GoeError,
    GoeRateLimitError,
    GoeRejectedError,
    GoeStatus,
    GoeUnavailableError,
)
from .cloud import ClientErrors, CloudCoordinator
from .const import (
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    ISSUE_CLOUD_API_DISABLED,
    ISSUE_UNREACHABLE,
    LOGGER,
    UNREACHABLE_ISSUE_AFTER,
)

UNREACHABLE_SINCE: HassKey[dict[str, datetime]] = HassKey(f"{DOMAIN}_unreachable_since")
LEARN_MORE_URL = "https://github.com/goecharger/go-eCharger-API-v2/blob/main/cloudapi-en.md"
# Seconds the charging logic needs to apply a change (it runs once a second): a write reads
# the status back after this.
SETTLE_DELAY = 1.5


def issue_id(issue: str, entry_id: str) -> str:
    """Return the id of an entry's repair issue ``issue`` (an ``ISSUE_*``, its translation key)."""
    return f"{issue}_{entry_id}"


@callback
def async_delete_issues(hass: HomeAssistant, entry_id: str) -> None:
    """Delete the repair issues of an entry."""
    for issue in (ISSUE_UNREACHABLE, ISSUE_CLOUD_API_DISABLED):
        ir.async_delete_issue(hass, DOMAIN, issue_id(issue, entry_id))


@dataclass
class GoeRuntimeData:
    """What a loaded entry keeps."""

    client: GoeChargerClient
    coordinator: GoeCoordinator


type GoeConfigEntry = ConfigEntry[GoeRuntimeData]


class GoeCoordinator(CloudCoordinator[GoeStatus]):
    """Poll the status of one charger; send its commands.

    go-e has no login: /api/status, which every poll needs, is the only judge of the token
    (``GoeAuthError``). A 401/403 from /api/set is that endpoint's refusal of the write.
    """

    errors: ClassVar[ClientErrors] = ClientErrors(
        base=GoeError,
        auth=GoeAuthError,
        endpoint_refused=GoeEndpointRefusedError,
        rate_limited=GoeRateLimitError,
        connection=GoeConnectionError,
        rejected=GoeRejectedError,
    )
    config_entry: GoeConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: GoeConfigEntry, client: GoeChargerClient
    ) -> None:
        """Poll at the configured interval."""
        super().__init__(
            hass,
            LOGGER,
            entry,
            name=f"{DOMAIN} {client.serial}",
            interval=timedelta(
                seconds=entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)
            ),
        )
        self.client = client

    async def _async_fetch(self) -> GoeStatus:
        """Read the filtered status; an answer ends an outage and its repair issues."""
        status = await self.client.async_get_status()
        if self.hass.data.get(UNREACHABLE_SINCE, {}).pop(self.config_entry.entry_id, None):
            async_delete_issues(self.hass, self.config_entry.entry_id)
        return status

    def update_error(self, err: Exception) -> HomeAssistantError:
        """Record an outage and raise or keep its repair issues, then fail the poll.

        The start of the outage is kept across setup retries (a new coordinator each time),
        so a charger that never loaded gets its issue too. Each ``async_create_issue`` names
        its translation key literally, for the repository's translation check.
        """
        if isinstance(err, GoeUnavailableError):
            entry = self.config_entry
            now = dt_util.utcnow()
            outages = self.hass.data.setdefault(UNREACHABLE_SINCE, {})
            since = outages.setdefault(entry.entry_id, now)
            if isinstance(err, GoeCloudDisabledError):
                # At once: only switching the cloud API on in the app helps.
                ir.async_create_issue(
                    self.hass,
                    DOMAIN,
                    issue_id(ISSUE_CLOUD_API_DISABLED, entry.entry_id),
                    is_fixable=False,
                    severity=ir.IssueSeverity.ERROR,
                    translation_key=ISSUE_CLOUD_API_DISABLED,
                    translation_placeholders={"name": entry.title},
                    learn_more_url=LEARN_MORE_URL,
                )
            else:
                # The cloud accepts the token again (the cloud API is on): only the charger
                # is away, and it may come back by itself, so that issue waits.
                ir.async_delete_issue(
                    self.hass, DOMAIN, issue_id(ISSUE_CLOUD_API_DISABLED, entry.entry_id)
                )
                if now - since >= UNREACHABLE_ISSUE_AFTER:
                    ir.async_create_issue(
                        self.hass,
                        DOMAIN,
                        issue_id(ISSUE_UNREACHABLE, entry.entry_id),
                        is_fixable=False,
                        severity=ir.IssueSeverity.WARNING,
                        translation_key=ISSUE_UNREACHABLE,
                        translation_placeholders={"name": entry.title},
                        learn_more_url=LEARN_MORE_URL,
                    )
        return super().update_error(err)

    def describe_error(self, err: Exception) -> tuple[str, dict[str, str]]:
        """Name go-e's own errors: the cloud API switched off, the charger offline."""
        if isinstance(err, GoeCloudDisabledError):
            return ("cloud_api_disabled", {})
        if isinstance(err, GoeUnavailableError):
            return ("charger_offline", {})
        return super().describe_error(err)

    async def async_set(self, values: dict[str, Any]) -> None:
        """Set values on the charger in one request, then read the status back once.

        The client's errors become translated errors (a refused write is no reauth).
        """
        await self.async_write(self.client.async_set(values))
        await asyncio.sleep(SETTLE_DELAY)
        await self.async_refresh()
