"""Base entity and error handling shared by the platforms and actions."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import GoeEndpointRefusedError, GoeError, GoeRejectedError, GoeUnavailableError
from .const import CONF_SERIAL, DOMAIN
from .coordinator import GoeCoordinator

SETTLE_DELAY = 1.5


async def async_call_charger(coordinator: GoeCoordinator, values: dict[str, Any]) -> None:
    """Set values on the charger, map client errors to translated errors, then refresh.

    Accepted values are read back once the charger applied them (one status request).
    A 401/403 from /api/set is a refusal of the write only: /api/status, which every poll
    needs, judges the token, so no reauth flow starts here.
    """
    try:
        await coordinator.client.async_set(values)
    except GoeRejectedError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="set_rejected",
            translation_placeholders={"error": str(err)},
        ) from err
    except GoeUnavailableError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="charger_offline"
        ) from err
    except GoeEndpointRefusedError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="write_refused",
            translation_placeholders={"status": str(err.status)},
        ) from err
    except GoeError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="communication_error",
            translation_placeholders={"error": str(err)},
        ) from err
    # The charging logic applies a change within about a second; read the result then.
    await asyncio.sleep(SETTLE_DELAY)
    await coordinator.async_refresh()


def serial_of(coordinator: GoeCoordinator) -> str:
    """Return the serial that identifies the charger."""
    entry = coordinator.config_entry
    return (
        entry.unique_id or entry.data.get(CONF_SERIAL) or coordinator.data.serial or entry.entry_id
    )


class GoeEntity(CoordinatorEntity[GoeCoordinator]):
    """An entity of one go-e charger."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: GoeCoordinator, description: EntityDescription) -> None:
        """Set the unique id and the device."""
        super().__init__(coordinator)
        self.entity_description = description
        serial = serial_of(coordinator)
        status = coordinator.data
        self._attr_unique_id = f"{serial}_{description.key}"
        model = status.model
        if model and status.variant:
            model = f"{model} ({status.variant} kW)"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, serial)},
            manufacturer="go-e",
            model=model,
            name=coordinator.config_entry.title or status.friendly_name,
            serial_number=status.serial or serial,
            sw_version=status.firmware,
        )
