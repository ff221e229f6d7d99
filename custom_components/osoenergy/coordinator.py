"""The coordinator polling every OSO Energy heater of the account with one request."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import ClassVar

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, HomeAssistantError
from homeassistant.helpers import device_registry as dr

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
from .cloud import ClientErrors, CloudCoordinator
from .const import DOMAIN, LOGGER, SCAN_INTERVAL
from .devices import DeviceTracker

type OSOEnergyConfigEntry = ConfigEntry[OSOEnergyRuntimeData]


@dataclass
class OSOEnergyRuntimeData:
    """Runtime data of a config entry."""

    client: OSOEnergyClient
    coordinator: OSOEnergyCoordinator


class OSOEnergyCoordinator(CloudCoordinator[dict[str, OSOEnergyDevice]]):
    """Fetch ``GET /1/Device/All`` once per interval for all heaters."""

    errors: ClassVar[ClientErrors] = ClientErrors(
        base=OSOEnergyError,
        auth=OSOEnergyAuthError,
        endpoint_refused=OSOEnergyEndpointRefusedError,
        rate_limited=OSOEnergyRateLimitError,
        connection=OSOEnergyConnectionError,
        rejected=OSOEnergyRejectedError,
    )
    config_entry: OSOEnergyConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: OSOEnergyConfigEntry, client: OSOEnergyClient
    ) -> None:
        """Poll ``client`` for ``entry`` at the fixed interval."""
        super().__init__(hass, LOGGER, entry, name=DOMAIN, interval=SCAN_INTERVAL)
        self.client = client
        self.devices = DeviceTracker(hass, entry)

    async def _async_fetch(self) -> dict[str, OSOEnergyDevice]:
        """Read every heater; follow heaters that leave the account or are renamed."""
        devices = await self.client.async_get_devices()
        self.devices.update(devices)
        self._update_device_names(devices)
        return devices

    def _update_device_names(self, devices: dict[str, OSOEnergyDevice]) -> None:
        """Follow a heater renamed (or re-typed) in the OSO app in the device registry."""
        registry = dr.async_get(self.hass)
        registered = self.devices.registered()
        for device_id, device in devices.items():
            entry = registered.get(device_id)
            if entry is not None and (entry.name, entry.model) != (device.name, device.device_type):
                registry.async_update_device(entry.id, name=device.name, model=device.device_type)

    async def async_command(self, command: Awaitable[None]) -> None:
        """Send one command, then read the heaters again at once (not debounced).

        The new state shows right after the command instead of at the next poll.
        """
        await self.async_write(command)
        await self.async_refresh()

    async def async_write_error(self, err: Exception) -> HomeAssistantError:
        """Tell a command refused with 401/403 apart from an expired key.

        OSO has no login: only ``GET /1/Device/All`` judges the key. One refresh asks it:
        when it refuses the key too, the refresh starts the reauth flow (as any poll does)
        and the command fails with ``auth_failed``; when it accepts the key, the command
        endpoint refused this command only (``endpoint_refused``), and nothing else happens.
        """
        if isinstance(err, OSOEnergyEndpointRefusedError):
            await self.async_refresh()
            # (last_exception keeps the last failure even after a success.)
            if not self.last_update_success and isinstance(
                self.last_exception, ConfigEntryAuthFailed
            ):
                return HomeAssistantError(translation_domain=DOMAIN, translation_key="auth_failed")
        return await super().async_write_error(err)
