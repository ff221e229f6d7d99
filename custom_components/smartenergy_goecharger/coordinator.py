"""Data update coordinator: one filtered status request per charger and interval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
import math

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .api import (
    GoeAuthError,
    GoeChargerClient,
    GoeCloudDisabledError,
    GoeError,
    GoeOfflineError,
    GoeRateLimitError,
    GoeStatus,
)
from .const import (
    CONF_SCAN_INTERVAL,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    ISSUE_CLOUD_API_DISABLED,
    ISSUE_UNREACHABLE,
    LOGGER,
    UNREACHABLE_ISSUE_AFTER,
)

UNREACHABLE_SINCE: HassKey[dict[str, datetime]] = HassKey(f"{DOMAIN}_unreachable_since")
LEARN_MORE_URL = "https://github.com/goecharger/go-eCharger-API-v2/blob/main/cloudapi-en.md"


def unreachable_issue_id(entry_id: str) -> str:
    """Return the id of the repair issue of an entry whose charger is unreachable."""
    return f"{ISSUE_UNREACHABLE}_{entry_id}"


def cloud_api_issue_id(entry_id: str) -> str:
    """Return the id of the repair issue of an entry whose charger has its cloud API off."""
    return f"{ISSUE_CLOUD_API_DISABLED}_{entry_id}"


@callback
def async_delete_issues(hass: HomeAssistant, entry_id: str) -> None:
    """Delete the repair issues of an entry."""
    ir.async_delete_issue(hass, DOMAIN, unreachable_issue_id(entry_id))
    ir.async_delete_issue(hass, DOMAIN, cloud_api_issue_id(entry_id))


@dataclass
class GoeRuntimeData:
    """What a loaded entry keeps."""

    client: GoeChargerClient
    coordinator: GoeCoordinator


type GoeConfigEntry = ConfigEntry[GoeRuntimeData]


class GoeCoordinator(DataUpdateCoordinator[GoeStatus]):
    """Poll the status of one charger."""

    config_entry: GoeConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: GoeConfigEntry, client: GoeChargerClient
    ) -> None:
        """Set up the coordinator with the configured interval."""
        self.interval = timedelta(
            seconds=entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)
        )
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {client.serial}",
            update_interval=self.interval,
            always_update=False,
        )
        self.client = client
        # Until then the cloud asked us not to call (HTTP 429 with Retry-After).
        self.retry_at: datetime | None = None

    def set_scan_interval(self, seconds: int) -> None:
        """Poll at a new interval from now on (the options changed; no reload needed).

        During a rate-limit back-off the stretched interval stays until Retry-After has
        passed; the next successful poll then uses the new interval.
        """
        self.interval = timedelta(seconds=seconds)
        if self.retry_at is None:
            self.update_interval = self.interval

    @property
    def issue_id(self) -> str:
        """Return the id of this entry's repair issue."""
        return unreachable_issue_id(self.config_entry.entry_id)

    async def _async_update_data(self) -> GoeStatus:
        """Fetch the filtered status."""
        now = dt_util.utcnow()
        if self.retry_at is not None and now < self.retry_at:
            # A manual refresh or an action's read-back must not break the back-off either;
            # the next poll stays right after Retry-After.
            wait = math.ceil((self.retry_at - now).total_seconds()) + 1
            self.update_interval = timedelta(seconds=wait)
            raise UpdateFailed(translation_domain=DOMAIN, translation_key="rate_limited")
        self.retry_at = None
        try:
            status = await self.client.async_get_status()
        except GoeAuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except GoeOfflineError as err:
            # The cloud accepts the token again (the cloud API is on): only the charger is away.
            ir.async_delete_issue(self.hass, DOMAIN, cloud_api_issue_id(self.config_entry.entry_id))
            self._unreachable()
            raise UpdateFailed(
                translation_domain=DOMAIN, translation_key="charger_offline"
            ) from err
        except GoeCloudDisabledError as err:
            self._cloud_api_disabled()
            raise UpdateFailed(
                translation_domain=DOMAIN, translation_key="cloud_api_disabled"
            ) from err
        except GoeRateLimitError as err:
            # Stretch the interval until Retry-After has passed, then poll normally again.
            # HA schedules a poll up to a second early (it truncates the loop time to whole
            # seconds), so the stretched interval gets one second more than asked.
            seconds = err.retry_after or self.interval.total_seconds() * 4
            self.retry_at = dt_util.utcnow() + timedelta(seconds=seconds)
            self.update_interval = max(self.interval, timedelta(seconds=math.ceil(seconds) + 1))
            raise UpdateFailed(translation_domain=DOMAIN, translation_key="rate_limited") from err
        except GoeError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="communication_error",
                translation_placeholders={"error": str(err)},
            ) from err
        self.update_interval = self.interval
        if self.hass.data.get(UNREACHABLE_SINCE, {}).pop(self.config_entry.entry_id, None):
            async_delete_issues(self.hass, self.config_entry.entry_id)
        return status

    def _outage_since(self) -> datetime:
        """Return when the charger stopped answering (kept across setup retries)."""
        outages = self.hass.data.setdefault(UNREACHABLE_SINCE, {})
        return outages.setdefault(self.config_entry.entry_id, dt_util.utcnow())

    def _unreachable(self) -> None:
        """Raise a repair issue once the charger has been offline for a while.

        An offline charger may come back by itself, so the issue waits. The start of the
        outage is kept across setup retries (a new coordinator each time), so a charger
        that never loaded gets the issue too.
        """
        if dt_util.utcnow() - self._outage_since() >= UNREACHABLE_ISSUE_AFTER:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                self.issue_id,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key=ISSUE_UNREACHABLE,
                translation_placeholders={"name": self.config_entry.title},
                learn_more_url=LEARN_MORE_URL,
            )

    def _cloud_api_disabled(self) -> None:
        """Raise the repair issue at once: only switching the cloud API on in the app helps."""
        self._outage_since()
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            cloud_api_issue_id(self.config_entry.entry_id),
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=ISSUE_CLOUD_API_DISABLED,
            translation_placeholders={"name": self.config_entry.title},
            learn_more_url=LEARN_MORE_URL,
        )
