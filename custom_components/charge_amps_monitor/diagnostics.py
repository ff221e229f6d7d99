"""Diagnostics of the Charge Amps Monitor integration (credentials and personal data redacted)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import HomeAssistant

from .const import CONF_TOKEN
from .coordinator import ChargeAmpsConfigEntry

TO_REDACT = {
    CONF_EMAIL,
    CONF_PASSWORD,
    CONF_TOKEN,
    "title",
    "unique_id",
    "id",
    "name",
    "serial_number",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: ChargeAmpsConfigEntry
) -> dict[str, Any]:
    """Return the entry, the polling state and the parsed charge points."""
    client = entry.runtime_data.client
    coordinator = entry.runtime_data.coordinator
    interval = coordinator.update_interval
    return {
        "entry": async_redact_data(entry.as_dict(), TO_REDACT),
        "client": {
            "api_url": client.api_url,
            "logins": client.login_count,
            "requests": client.request_count,
            "has_token": client.token_valid_until is not None,
            "token_accepted": client.token_accepted,
        },
        "coordinator": {
            "last_update_success": coordinator.last_update_success,
            "update_interval": interval.total_seconds() if interval else None,
            "interval": coordinator.interval.total_seconds(),
            "consecutive_failures": coordinator.backoff.failures,
        },
        "charge_points": [
            async_redact_data(asdict(point), TO_REDACT) for point in coordinator.data.values()
        ],
    }
