"""Diagnostics of the Ohme integration (credentials and personal data redacted)."""

from __future__ import annotations

from dataclasses import asdict
import json
from typing import Any

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import HomeAssistant

from .coordinator import OhmeConfigEntry

TO_REDACT = {
    CONF_EMAIL,
    CONF_PASSWORD,
    "serial",
    "user_id",
    "id",
    "session_id",
    "title",
    "unique_id",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: OhmeConfigEntry
) -> dict[str, Any]:
    """Return the entry and what the coordinators hold, redacted."""
    runtime = entry.runtime_data
    account = _plain(asdict(runtime.account.data))
    # Users give their cars personal names; the model (a separate field) is kept.
    account["cars"] = [{**car, "name": REDACTED} for car in account["cars"]]
    return async_redact_data(
        {
            "entry": {
                "version": entry.version,
                "title": entry.title,
                "data": dict(entry.data),
            },
            "account": account,
            "session": _plain(asdict(runtime.session.data)),
            "energy_delivered": _plain(asdict(runtime.session.energy)),
            "coordinators": {
                name: {
                    "last_update_success": coordinator.last_update_success,
                    "update_interval": str(coordinator.update_interval),
                }
                for name, coordinator in (
                    ("session", runtime.session),
                    ("account", runtime.account),
                )
            },
        },
        TO_REDACT,
    )


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """Turn tuples, sets and datetimes into JSON values so that redaction reaches them all."""

    def default(value: Any) -> Any:
        return sorted(value) if isinstance(value, (set, frozenset)) else str(value)

    result: dict[str, Any] = json.loads(json.dumps(data, default=default))
    return result
