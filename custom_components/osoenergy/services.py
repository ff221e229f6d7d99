"""Actions of the OSO Energy integration (they target OSO water heater entities)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, entity_registry as er
from homeassistant.helpers.service import async_extract_referenced_entity_ids
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .api import OSOEnergyDevice
from .const import DOMAIN
from .coordinator import OSOEnergyConfigEntry, OSOEnergyCoordinator
from .profile import HourConflictError, merge_utc, to_local, to_utc

SERVICE_GET_PROFILE = "get_profile"
SERVICE_SET_PROFILE = "set_profile"
SERVICE_SET_V40_MIN = "set_v40_min"
SERVICE_TURN_ON = "turn_on"
SERVICE_TURN_OFF = "turn_off"
SERVICE_TURN_AWAY_MODE_ON = "turn_away_mode_on"

ATTR_UNTIL_TEMP_LIMIT = "until_temp_limit"
ATTR_V40_MIN = "v40_min"
ATTR_DURATION_DAYS = "duration_days"
HOURS = [f"hour_{hour:02d}" for hour in range(24)]

GET_PROFILE_SCHEMA = cv.make_entity_service_schema({})
SET_PROFILE_SCHEMA = cv.make_entity_service_schema(
    {vol.Optional(key): vol.All(vol.Coerce(int), vol.Range(min=10, max=75)) for key in HOURS}
)
SET_V40_MIN_SCHEMA = cv.make_entity_service_schema(
    {vol.Required(ATTR_V40_MIN): vol.All(vol.Coerce(float), vol.Range(min=200, max=550))}
)
TURN_SCHEMA = cv.make_entity_service_schema({vol.Required(ATTR_UNTIL_TEMP_LIMIT): cv.boolean})
AWAY_SCHEMA = cv.make_entity_service_schema(
    {vol.Required(ATTR_DURATION_DAYS): vol.All(vol.Coerce(int), vol.Range(min=1, max=365))}
)


@dataclass(frozen=True)
class Target:
    """One OSO water heater targeted by an action."""

    entity_id: str
    coordinator: OSOEnergyCoordinator
    device_id: str

    @property
    def device(self) -> OSOEnergyDevice:
        """Return the latest state of the heater."""
        return self.coordinator.data[self.device_id]


def _targets(hass: HomeAssistant, call: ServiceCall) -> list[Target]:
    """Resolve the targeted OSO water heaters; refuse other explicitly named entities."""
    selected = async_extract_referenced_entity_ids(hass, call)
    registry = er.async_get(hass)
    targets: list[Target] = []
    for entity_id in sorted(selected.referenced | selected.indirectly_referenced):
        entry = registry.async_get(entity_id)
        if entry is None or entry.platform != DOMAIN or entry.domain != Platform.WATER_HEATER:
            if entity_id in selected.referenced:
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="not_oso_water_heater",
                    translation_placeholders={"entity_id": entity_id},
                )
            continue
        config_entry: OSOEnergyConfigEntry | None = hass.config_entries.async_get_entry(
            entry.config_entry_id or ""
        )
        if config_entry is None or config_entry.state is not ConfigEntryState.LOADED:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="entry_not_loaded",
                translation_placeholders={"entity_id": entity_id},
            )
        coordinator = config_entry.runtime_data.coordinator
        if entry.unique_id not in coordinator.data:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="device_not_found",
                translation_placeholders={"entity_id": entity_id},
            )
        targets.append(Target(entity_id, coordinator, entry.unique_id))
    if not targets:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="no_target")
    return targets


def _profile(target: Target) -> tuple[float, ...]:
    """Return the current profile of a heater, or fail when the cloud sent none."""
    profile = target.device.profile
    if profile is None:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="profile_unavailable",
            translation_placeholders={"entity_id": target.entity_id},
        )
    return profile


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions."""

    async def get_profile(call: ServiceCall) -> ServiceResponse:
        today = dt_util.now().date()
        response: dict[str, Any] = {}
        for target in _targets(hass, call):
            profile = _profile(target)
            response[target.entity_id] = {
                "profile": to_local(profile, today, dt_util.get_default_time_zone())
            }
        return response

    async def set_profile(call: ServiceCall) -> None:
        changes = {int(key[5:]): call.data[key] for key in HOURS if key in call.data}
        if not changes:
            raise ServiceValidationError(translation_domain=DOMAIN, translation_key="no_hours")
        targets = _targets(hass, call)
        try:
            utc_changes = to_utc(changes, dt_util.now().date(), dt_util.get_default_time_zone())
        except HourConflictError as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="profile_hours_conflict",
                translation_placeholders={
                    "first": f"{err.first:02d}:00",
                    "second": f"{err.second:02d}:00",
                },
            ) from err
        for target in targets:
            hours = merge_utc(_profile(target), utc_changes)
            client = target.coordinator.client
            await target.coordinator.async_write(
                partial(client.set_profile, target.device_id, hours)
            )

    async def set_v40_min(call: ServiceCall) -> None:
        value: float = call.data[ATTR_V40_MIN]
        targets = _targets(hass, call)
        for target in targets:
            low, high = target.device.v40_level_min, target.device.v40_level_max
            if (low is not None and value < low) or (high is not None and value > high):
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="v40_min_out_of_range",
                    translation_placeholders={
                        "entity_id": target.entity_id,
                        "value": f"{value:g}",
                        "min": f"{low:g}" if low is not None else "-",
                        "max": f"{high:g}" if high is not None else "-",
                    },
                )
        for target in targets:
            client = target.coordinator.client
            await target.coordinator.async_write(
                partial(client.set_v40_min, target.device_id, value)
            )

    async def turn(call: ServiceCall) -> None:
        until: bool = call.data[ATTR_UNTIL_TEMP_LIMIT]
        for target in _targets(hass, call):
            client = target.coordinator.client
            method = client.turn_on if call.service == SERVICE_TURN_ON else client.turn_off
            await target.coordinator.async_write(partial(method, target.device_id, until))

    async def turn_away_mode_on(call: ServiceCall) -> None:
        days: int = call.data[ATTR_DURATION_DAYS]
        for target in _targets(hass, call):
            client = target.coordinator.client
            start = dt_util.utcnow()
            await target.coordinator.async_write(
                partial(
                    client.enable_holiday_mode,
                    target.device_id,
                    start,
                    start + timedelta(days=days),
                )
            )

    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_PROFILE,
        get_profile,
        schema=GET_PROFILE_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN, SERVICE_SET_PROFILE, set_profile, schema=SET_PROFILE_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, SERVICE_SET_V40_MIN, set_v40_min, schema=SET_V40_MIN_SCHEMA
    )
    hass.services.async_register(DOMAIN, SERVICE_TURN_ON, turn, schema=TURN_SCHEMA)
    hass.services.async_register(DOMAIN, SERVICE_TURN_OFF, turn, schema=TURN_SCHEMA)
    hass.services.async_register(
        DOMAIN, SERVICE_TURN_AWAY_MODE_ON, turn_away_mode_on, schema=AWAY_SCHEMA
    )
