"""The actions of the old integration, with validation: start/stop, current, phase, transaction."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import voluptuous as vol

from .const import CONF_SERIAL, DOMAIN
from .coordinator import GoeConfigEntry, GoeCoordinator

ATTR_DEVICE_NAME = "device_name"
ATTR_CHARGING_POWER = "charging_power"
ATTR_PHASE = "phase"
ATTR_STATUS = "status"

SERVICE_START_CHARGING = "start_charging"
SERVICE_STOP_CHARGING = "stop_charging"
SERVICE_CHANGE_CHARGING_POWER = "change_charging_power"
SERVICE_SET_PHASE = "set_phase"
SERVICE_SET_TRANSACTION = "set_transaction"


def _transaction(value: Any) -> int | None:
    """Accept None/"none"/"null"/"" for no transaction and 0 for "authenticate all users"."""
    if value is None or (isinstance(value, str) and value.strip().lower() in {"", "none", "null"}):
        return None
    number: int = vol.Coerce(int)(value)
    if number != 0:
        raise vol.Invalid("status must be None or 0")
    return number


_DEVICE: dict[vol.Marker, Any] = {
    vol.Required(ATTR_DEVICE_NAME): vol.All(vol.Coerce(str), str.strip)
}
_CURRENT = vol.All(vol.Coerce(int), vol.Range(min=0, max=80))

START_SCHEMA = vol.Schema({**_DEVICE, vol.Optional(ATTR_CHARGING_POWER): _CURRENT})
STOP_SCHEMA = vol.Schema(_DEVICE)
POWER_SCHEMA = vol.Schema({**_DEVICE, vol.Required(ATTR_CHARGING_POWER): _CURRENT})
PHASE_SCHEMA = vol.Schema(
    {**_DEVICE, vol.Required(ATTR_PHASE): vol.All(vol.Coerce(int), vol.In([0, 1, 2]))}
)
TRANSACTION_SCHEMA = vol.Schema({**_DEVICE, vol.Required(ATTR_STATUS): _transaction})


def _find_entry(hass: HomeAssistant, device_name: str) -> GoeConfigEntry:
    """Find a charger by config entry id, serial number or configured name.

    Ids and serial numbers name one charger: the entry that claimed a serial (its unique id)
    comes before an unclaimed duplicate of 0.6.0 that stored it. Names need not: a name that
    several chargers share is refused rather than sent to one of them.
    """
    wanted = device_name.casefold()
    entries: list[GoeConfigEntry] = hass.config_entries.async_entries(DOMAIN)
    by_id = [entry for entry in entries if wanted in (entry.entry_id.casefold(), entry.unique_id)]
    by_serial = [entry for entry in entries if wanted and entry.data.get(CONF_SERIAL) == wanted]
    if found := by_id or by_serial:
        return found[0]
    by_name = [
        entry
        for entry in entries
        if wanted in {entry.title.casefold(), str(entry.data.get(CONF_NAME, "")).casefold()}
    ]
    if len(by_name) > 1:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="ambiguous_charger",
            translation_placeholders={
                "device_name": device_name,
                "chargers": ", ".join(
                    entry.unique_id or entry.data.get(CONF_SERIAL) or entry.entry_id
                    for entry in by_name
                ),
            },
        )
    if not by_name:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_charger",
            translation_placeholders={"device_name": device_name},
        )
    return by_name[0]


def _coordinator(hass: HomeAssistant, device_name: str) -> GoeCoordinator:
    """Return the coordinator of a loaded charger."""
    entry = _find_entry(hass, device_name)
    if entry.state is ConfigEntryState.SETUP_RETRY:
        # Set up failed because the charger could not be reached: not a user error.
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="charger_unavailable",
            translation_placeholders={"device_name": device_name},
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="charger_not_loaded",
            translation_placeholders={"device_name": device_name},
        )
    return entry.runtime_data.coordinator


def _check_current(coordinator: GoeCoordinator, current: int) -> None:
    status = coordinator.data
    low, high = status.min_current or 6, status.max_current or 32
    if not low <= current <= high:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="current_out_of_range",
            translation_placeholders={"current": str(current), "min": str(low), "max": str(high)},
        )


async def _start_charging(call: ServiceCall) -> None:
    coordinator = _coordinator(call.hass, call.data[ATTR_DEVICE_NAME])
    values: dict[str, Any] = {}
    if (current := call.data.get(ATTR_CHARGING_POWER)) is not None:
        _check_current(coordinator, current)
        values["amp"] = current
    values["frc"] = 2
    await coordinator.async_set(values)


async def _stop_charging(call: ServiceCall) -> None:
    coordinator = _coordinator(call.hass, call.data[ATTR_DEVICE_NAME])
    await coordinator.async_set({"frc": 1})


async def _change_charging_power(call: ServiceCall) -> None:
    coordinator = _coordinator(call.hass, call.data[ATTR_DEVICE_NAME])
    _check_current(coordinator, call.data[ATTR_CHARGING_POWER])
    await coordinator.async_set({"amp": call.data[ATTR_CHARGING_POWER]})


async def _set_phase(call: ServiceCall) -> None:
    coordinator = _coordinator(call.hass, call.data[ATTR_DEVICE_NAME])
    await coordinator.async_set({"psm": call.data[ATTR_PHASE]})


async def _set_transaction(call: ServiceCall) -> None:
    coordinator = _coordinator(call.hass, call.data[ATTR_DEVICE_NAME])
    await coordinator.async_set({"trx": call.data[ATTR_STATUS]})


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions."""
    hass.services.async_register(DOMAIN, SERVICE_START_CHARGING, _start_charging, START_SCHEMA)
    hass.services.async_register(DOMAIN, SERVICE_STOP_CHARGING, _stop_charging, STOP_SCHEMA)
    hass.services.async_register(
        DOMAIN, SERVICE_CHANGE_CHARGING_POWER, _change_charging_power, POWER_SCHEMA
    )
    hass.services.async_register(DOMAIN, SERVICE_SET_PHASE, _set_phase, PHASE_SCHEMA)
    hass.services.async_register(
        DOMAIN, SERVICE_SET_TRANSACTION, _set_transaction, TRANSACTION_SCHEMA
    )
