"""Actions of the Ohme integration: list_charge_slots and set_price_cap."""

from __future__ import annotations

from typing import Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import selector
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .const import DOMAIN
from .coordinator import OhmeConfigEntry

ATTR_CONFIG_ENTRY: Final = "config_entry"
ATTR_PRICE_CAP: Final = "price_cap"
SERVICE_LIST_CHARGE_SLOTS: Final = "list_charge_slots"
SERVICE_SET_PRICE_CAP: Final = "set_price_cap"

_ENTRY_SELECTOR = selector.ConfigEntrySelector({"integration": DOMAIN})
LIST_CHARGE_SLOTS_SCHEMA: Final = vol.Schema({vol.Required(ATTR_CONFIG_ENTRY): _ENTRY_SELECTOR})
SET_PRICE_CAP_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY): _ENTRY_SELECTOR,
        vol.Required(ATTR_PRICE_CAP): vol.All(vol.Coerce(float), vol.Range(min=0)),
    }
)


def _get_entry(call: ServiceCall) -> OhmeConfigEntry:
    """Return the loaded Ohme entry the call names, or raise a translated error."""
    entry_id: str = call.data[ATTR_CONFIG_ENTRY]
    entry: OhmeConfigEntry | None = call.hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_config_entry",
            translation_placeholders={"config_entry": entry_id},
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unloaded_config_entry",
            translation_placeholders={"config_entry": entry.title},
        )
    return entry


async def _list_charge_slots(call: ServiceCall) -> ServiceResponse:
    """Return the merged charge slots of the current session (no request)."""
    data = _get_entry(call).runtime_data.session.data
    return {
        "slots": [
            {
                "start": dt_util.as_local(slot.start).isoformat(),
                "end": dt_util.as_local(slot.end).isoformat(),
                "power": slot.power,
                "energy": slot.energy,
            }
            for slot in data.slots
        ]
    }


async def _set_price_cap(call: ServiceCall) -> None:
    """Change the price cap value (1/100 of the account currency)."""
    entry = _get_entry(call)
    if not entry.runtime_data.account.data.price_cap_available:
        # Demand response (DSR) tariffs: Ohme manages the price, there is no cap to set.
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="price_cap_unavailable",
            translation_placeholders={"config_entry": entry.title},
        )
    await entry.runtime_data.account.async_set_price_cap(value=call.data[ATTR_PRICE_CAP])


def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions (once, in async_setup)."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_LIST_CHARGE_SLOTS,
        _list_charge_slots,
        schema=LIST_CHARGE_SLOTS_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN, SERVICE_SET_PRICE_CAP, _set_price_cap, schema=SET_PRICE_CAP_SCHEMA
    )
