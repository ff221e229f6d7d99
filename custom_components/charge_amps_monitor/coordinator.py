"""Data update coordinator of the Charge Amps Monitor integration."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
import math

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .api import (
    ChargeAmpsAuthError,
    ChargeAmpsClient,
    ChargeAmpsConnectionError,
    ChargeAmpsEndpointRefusedError,
    ChargeAmpsError,
    ChargeAmpsRateLimitError,
    ChargePoint,
)
from .const import CONF_UPDATE_INTERVAL, DEFAULT_UPDATE_INTERVAL, DOMAIN, LOGGER, MAX_BACKOFF

type ChargeAmpsData = dict[str, ChargePoint]


@dataclass
class ChargeAmpsRuntimeData:
    """What a loaded config entry keeps."""

    client: ChargeAmpsClient
    coordinator: ChargeAmpsCoordinator


type ChargeAmpsConfigEntry = ConfigEntry[ChargeAmpsRuntimeData]


def configured_interval(entry: ConfigEntry) -> timedelta:
    """Return the update interval chosen for an entry."""
    return timedelta(seconds=int(entry.options.get(CONF_UPDATE_INTERVAL, DEFAULT_UPDATE_INTERVAL)))


class ChargeAmpsCoordinator(DataUpdateCoordinator[ChargeAmpsData]):
    """Polls the owned charge points of the account: one request per interval."""

    config_entry: ChargeAmpsConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: ChargeAmpsConfigEntry, client: ChargeAmpsClient
    ) -> None:
        """Set up polling at the configured interval."""
        self.base_interval = configured_interval(entry)
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=DOMAIN,
            update_interval=self.base_interval,
            always_update=False,
        )
        self.client = client
        self.consecutive_failures = 0
        # Chargers (ids) missing from the last answer whose devices are still kept: a charger
        # is removed only when two answers in a row lack it, so one empty or partial answer
        # does not delete the user's devices.
        self.missing: set[str] = set()
        # How often the device of each charger (id) was removed, with its entities: the
        # platforms compare it with the count when they added a charger's entities, so a
        # charger that comes back gets entities again even if no listener saw it leave.
        self.removals: Counter[str] = Counter()
        self.retry_after_until: datetime | None = None

    def set_base_interval(self, interval: timedelta) -> None:
        """Change the normal polling interval (a running back-off keeps its longer delay)."""
        self.base_interval = interval
        if self.consecutive_failures == 0:
            self.update_interval = interval

    def charger_removed(self, charge_point_ids: Iterable[str]) -> None:
        """Record that the devices (and entities) of these chargers were removed."""
        self.removals.update(charge_point_ids)

    def _back_off(self, retry_after: float | None) -> timedelta:
        """Stretch the interval after a failure, honouring Retry-After.

        One failed poll keeps the interval, so a short outage heals at the next normal poll;
        each further failure in a row doubles it, up to MAX_BACKOFF.
        """
        self.consecutive_failures += 1
        cap = max(MAX_BACKOFF, self.base_interval)
        delay: timedelta = min(self.base_interval * (2 ** (self.consecutive_failures - 1)), cap)
        if retry_after is not None:
            # The poll timer may fire up to a second early (HA rounds loop time down): the
            # scheduled try waits one second more, so it never comes before Retry-After.
            delay = max(delay, timedelta(seconds=retry_after + 1))
            self.retry_after_until = dt_util.utcnow() + timedelta(seconds=retry_after)
        self.update_interval = delay
        return delay

    async def _async_update_data(self) -> ChargeAmpsData:
        """Fetch every charge point with one request."""
        # A refresh asked for (e.g. by homeassistant.update_entity) while the service's
        # Retry-After runs is not sent; the next poll (rescheduled after this refresh) still
        # comes right after Retry-After, not a whole back-off later.
        if self.retry_after_until is not None:
            wait = (self.retry_after_until - dt_util.utcnow()).total_seconds()
            if wait > 0:
                self.update_interval = timedelta(seconds=math.ceil(wait) + 1)
                raise UpdateFailed(
                    translation_domain=DOMAIN,
                    translation_key="rate_limited",
                    translation_placeholders={"seconds": str(math.ceil(wait))},
                )
            self.retry_after_until = None
        try:
            points = await self.client.async_get_charge_points()
        except ChargeAmpsAuthError as err:
            # Only the login refuses the credentials: the user must sign in again.
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except ChargeAmpsEndpointRefusedError as err:
            # The login worked but the charge point list refuses its token: a new password
            # would not help, and the client does not log in again for it.
            self._back_off(None)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="endpoint_refused",
                translation_placeholders={"status": str(err.status)},
            ) from err
        except ChargeAmpsRateLimitError as err:
            delay = self._back_off(err.retry_after)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                translation_placeholders={"seconds": str(int(delay.total_seconds()))},
            ) from err
        except ChargeAmpsConnectionError as err:
            self._back_off(None)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="cannot_connect",
                translation_placeholders={"error": str(err)},
            ) from err
        except ChargeAmpsError as err:
            self._back_off(None)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="api_error",
                translation_placeholders={"error": str(err)},
            ) from err
        self.consecutive_failures = 0
        self.update_interval = self.base_interval
        data = {point.id: point for point in points}
        if self.data is None or data.keys() != self.data.keys() or self.missing:
            self._remove_stale_devices(data)
        return data

    def _remove_stale_devices(self, data: ChargeAmpsData) -> None:
        """Remove the devices of chargers missing from this answer and the one before."""
        registry = dr.async_get(self.hass)
        missing: set[str] = set()
        for device in dr.async_entries_for_config_entry(registry, self.config_entry.entry_id):
            ids = {ident for domain, ident in device.identifiers if domain == DOMAIN}
            if not ids or ids & data.keys():
                continue
            if ids & self.missing:
                LOGGER.debug("Removing device %s: its charger left the account", device.name)
                registry.async_remove_device(device.id)
                self.charger_removed(ids)
            else:
                LOGGER.debug("Charger of device %s missing from the answer", device.name)
                missing |= ids
        self.missing = missing
