"""Diagnostics with the token and personal data redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant

from .const import CONF_API_TOKEN, CONF_API_URL, CONF_SERIAL
from .coordinator import GoeConfigEntry

TO_REDACT = {
    CONF_API_TOKEN,
    CONF_SERIAL,
    CONF_API_URL,
    CONF_NAME,
    "title",
    "unique_id",
    "friendly_name",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: GoeConfigEntry
) -> dict[str, Any]:
    """Return the entry, the polling state and the last status."""
    coordinator = entry.runtime_data.coordinator
    return {
        "entry": async_redact_data(entry.as_dict(), TO_REDACT),
        "update_interval": coordinator.update_interval.total_seconds()
        if coordinator.update_interval
        else None,
        "last_update_success": coordinator.last_update_success,
        "status": async_redact_data(asdict(coordinator.data), TO_REDACT),
    }
