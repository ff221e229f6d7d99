"""The coordinator polling every OSO Energy heater of the account with one request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
import math

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .api import (
    OSOEnergyAuthError,
    OSOEnergyClient,
    OSOEnergyConnectionError,
    OSOEnergyDevice,
    OSOEnergyEndpointRefusedError,
    OSOEnergyError,
    OSOEnergyRateLimitError,
    OSOEnergyRejectedError,
)
from .const import DOMAIN, LOGGER, SCAN_INTERVAL

type OSOEnergyConfigEntry = ConfigEntry[OSOEnergyData]


@dataclass
class OSOEnergyData:
    """Runtime data of a config entry."""

    client: OSOEnergyClient
    coordinator: OSOEnergyCoordinator


class OSOEnergyCoordinator(DataUpdateCoordinator[dict[str, OSOEnergyDevice]]):
    """Fetch ``GET /1/Device/All`` once per interval for all heaters."""

    config_entry: OSOEnergyConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: OSOEnergyConfigEntry, client: OSOEnergyClient
    ) -> None:
        """Poll ``client`` for ``entry``."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=DOMAIN,
            update_interval=SCAN_INTERVAL,
        )
        self.client = client
        # Heaters missing from the last answer: removed only when missing twice in a row, so
        # that one odd (e.g. empty) answer of the cloud does not delete devices.
        self._missing: set[str] = set()
        # End of the back-off a 429's Retry-After asked for: no request before it, not even
        # for a refresh requested by the user or an automation (homeassistant.update_entity).
        self._retry_at: datetime | None = None

    async def _async_update_data(self) -> dict[str, OSOEnergyDevice]:
        """Fetch every heater; map client errors to what the coordinator understands."""
        if self._retry_at is not None:
            wait = (self._retry_at - dt_util.utcnow()).total_seconds()
            if wait > 0:
                raise UpdateFailed(
                    translation_domain=DOMAIN,
                    translation_key="rate_limited",
                    translation_placeholders={"seconds": str(math.ceil(wait))},
                )
            self._retry_at = None
        try:
            devices = await self.client.get_devices()
        except OSOEnergyAuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="authentication_error"
            ) from err
        except OSOEnergyRateLimitError as err:
            # Back off: poll again only once the server's Retry-After has passed. The
            # scheduler may fire up to a second early (it rounds the loop time down), so the
            # stretched interval has one second more than the wait.
            retry_after = err.retry_after or 0.0
            if retry_after > 0:
                self._retry_at = dt_util.utcnow() + timedelta(seconds=retry_after)
            delay = max(math.ceil(retry_after) + 1, SCAN_INTERVAL.total_seconds())
            self.update_interval = timedelta(seconds=delay)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                translation_placeholders={"seconds": str(math.ceil(retry_after or delay))},
            ) from err
        except OSOEnergyError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="communication_error",
                translation_placeholders={"error": str(err)},
            ) from err
        self.update_interval = SCAN_INTERVAL
        previous: dict[str, OSOEnergyDevice] | None = self.data  # None before the first answer
        if previous is None:
            # First answer since setup: heaters removed from the account while Home Assistant
            # was not running count as missing once, and are removed if the next answer
            # lacks them too (the same rule as for heaters that leave while running).
            self._missing = self._registered_ids() - set(devices)
        else:
            missing = (set(previous) | self._missing) - set(devices)
            self._remove_stale_devices(missing & self._missing)
            self._missing = missing - self._missing
        self._update_device_names(devices)
        return devices

    @property
    def tracked_ids(self) -> set[str]:
        """Return the heaters whose devices are kept: in the last answer, or missing once."""
        return set(self.data or {}) | self._missing

    def _registered_devices(self) -> dict[str, dr.DeviceEntry]:
        """Return the devices of this entry in the device registry, by heater id."""
        registry = dr.async_get(self.hass)
        return {
            identifier[1]: device
            for device in dr.async_entries_for_config_entry(registry, self.config_entry.entry_id)
            for identifier in device.identifiers
            if identifier[0] == DOMAIN
        }

    def _registered_ids(self) -> set[str]:
        """Return the heater ids of the devices of this entry in the device registry."""
        return set(self._registered_devices())

    def _update_device_names(self, devices: dict[str, OSOEnergyDevice]) -> None:
        """Follow a heater renamed (or re-typed) in the OSO app in the device registry."""
        registry = dr.async_get(self.hass)
        registered = self._registered_devices()
        for device_id, device in devices.items():
            entry = registered.get(device_id)
            if entry is not None and (entry.name, entry.model) != (device.name, device.device_type):
                registry.async_update_device(entry.id, name=device.name, model=device.device_type)

    def _remove_stale_devices(self, removed: set[str]) -> None:
        """Remove the devices (and so the entities) of heaters that left the account."""
        registry = dr.async_get(self.hass)
        registered = self._registered_devices()
        for device_id in removed:
            device = registered.get(device_id)
            if device is not None:
                LOGGER.debug("Heater %s left the account, removing it", device_id)
                registry.async_remove_device(device.id)

    async def async_write(self, write: Callable[[], Awaitable[None]]) -> None:
        """Run one write command, translate its errors, then refresh the state."""
        try:
            await write()
        except OSOEnergyEndpointRefusedError as err:
            await self._raise_refused(err)
        except OSOEnergyRejectedError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="rejected",
                translation_placeholders={"error": str(err)},
            ) from err
        except OSOEnergyConnectionError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="communication_error",
                translation_placeholders={"error": str(err)},
            ) from err
        except OSOEnergyError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="unknown_error",
                translation_placeholders={"error": str(err)},
            ) from err
        # Refresh at once (not debounced) so the new state shows right after the command.
        await self.async_refresh()

    async def _raise_refused(self, err: OSOEnergyEndpointRefusedError) -> None:
        """Tell a command refused with 401/403 apart from an expired key, and raise.

        Only ``GET /1/Device/All`` judges the key. One refresh asks it: when it refuses the
        key too, the coordinator starts the reauth flow (as for any poll); when it accepts
        the key, the command endpoint refused this command only: no reauth.
        """
        await self.async_refresh()
        # (last_exception keeps the last failure even after a success.)
        if not self.last_update_success and isinstance(self.last_exception, ConfigEntryAuthFailed):
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="authentication_error"
            ) from err
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="command_refused",
            translation_placeholders={"status": str(err.status)},
        ) from err
