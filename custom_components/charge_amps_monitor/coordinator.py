"""Data update coordinator of the Charge Amps Monitor integration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant

from .api import (
    ChargeAmpsAuthError,
    ChargeAmpsClient,
    ChargeAmpsConnectionError,
    ChargeAmpsEndpointRefusedError,
    ChargeAmpsError,
    ChargeAmpsRateLimitError,
    ChargePoint,
)
from .cloud import ClientErrors, CloudCoordinator
from .const import DEFAULT_SCAN_INTERVAL, DOMAIN, LOGGER
from .devices import DeviceTracker

# The charge points of the account by id.
type ChargeAmpsData = dict[str, ChargePoint]


@dataclass
class ChargeAmpsRuntimeData:
    """What a loaded config entry keeps."""

    client: ChargeAmpsClient
    coordinator: ChargeAmpsCoordinator


type ChargeAmpsConfigEntry = ConfigEntry[ChargeAmpsRuntimeData]


def configured_interval(options: Mapping[str, Any]) -> timedelta:
    """Return the polling interval chosen in an entry's options (or the options form)."""
    return timedelta(seconds=int(options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)))


class ChargeAmpsCoordinator(CloudCoordinator[ChargeAmpsData]):
    """Polls the owned charge points of the account: one request per interval.

    Only the login refusing the credentials is an auth error (reauth). The charge point list
    refusing a token the login has just issued is that endpoint's refusal (``endpoint_refused``):
    a new password would not help, and the client does not log in again for it. The client
    sends no command, so nothing is ``rejected``.
    """

    errors: ClassVar[ClientErrors] = ClientErrors(
        base=ChargeAmpsError,
        auth=ChargeAmpsAuthError,
        endpoint_refused=ChargeAmpsEndpointRefusedError,
        rate_limited=ChargeAmpsRateLimitError,
        connection=ChargeAmpsConnectionError,
        rejected=None,
    )
    config_entry: ChargeAmpsConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: ChargeAmpsConfigEntry, client: ChargeAmpsClient
    ) -> None:
        """Set up polling at the configured interval."""
        super().__init__(
            hass, LOGGER, entry, name=DOMAIN, interval=configured_interval(entry.options)
        )
        self.client = client
        # The devices of the chargers: one that two answers in a row lack is removed.
        self.devices = DeviceTracker(hass, entry)

    async def _async_fetch(self) -> ChargeAmpsData:
        """Fetch every charge point with one request; drop the devices of departed chargers."""
        points = await self.client.async_get_charge_points()
        data = {point.id: point for point in points}
        self.devices.update(data)
        return data
