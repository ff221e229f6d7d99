"""Actions of the OSO Energy integration: entity actions of the OSO water heaters.

They are registered by the water heater platform as entity services, so Home Assistant
resolves the targets (entities, devices, areas, labels) and calls the handlers below once
per targeted, available OSO water heater, answering get_profile with
``{entity_id: {"profile": [...]}}``.
"""

from __future__ import annotations

from datetime import timedelta

from homeassistant.core import ServiceCall, ServiceResponse, SupportsResponse, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, entity_platform
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonValueType
import voluptuous as vol

from .const import DOMAIN
from .entity import OSOEnergyEntity, temperature_range
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


def _profile(entity: OSOEnergyEntity) -> tuple[float, ...]:
    """Return the current profile of a heater, or fail when the cloud sent none."""
    profile = entity.device.profile
    if profile is None:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="profile_unavailable",
            translation_placeholders={"entity_id": entity.entity_id},
        )
    return profile


async def _get_profile(entity: OSOEnergyEntity, call: ServiceCall) -> ServiceResponse:
    """Return the profile of the heater indexed by local hour of today."""
    today = dt_util.now().date()
    local: list[JsonValueType] = list(
        to_local(_profile(entity), today, dt_util.get_default_time_zone())
    )
    return {"profile": local}


async def _set_profile(entity: OSOEnergyEntity, call: ServiceCall) -> None:
    """Merge the given local hours of today into the heater's profile."""
    changes = {int(key[5:]): call.data[key] for key in HOURS if key in call.data}
    if not changes:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="no_hours")
    # The schema allows what any model allows; each heater is held to its own range, as
    # set_temperature is.
    low, high = temperature_range(entity.device)
    for hour, temperature in sorted(changes.items()):
        if not low <= temperature <= high:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="profile_out_of_range",
                translation_placeholders={
                    "entity_id": entity.entity_id,
                    "hour": f"{hour:02d}:00",
                    "temperature": f"{temperature:g}",
                    "min": f"{low:g}",
                    "max": f"{high:g}",
                },
            )
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
    hours = merge_utc(_profile(entity), utc_changes)
    client = entity.coordinator.client
    await entity.coordinator.async_command(client.async_set_profile(entity.device_id, hours))


async def _set_v40_min(entity: OSOEnergyEntity, call: ServiceCall) -> None:
    """Set V40 min within the range of the heater model."""
    value: float = call.data[ATTR_V40_MIN]
    low, high = entity.device.v40_level_min, entity.device.v40_level_max
    if (low is not None and value < low) or (high is not None and value > high):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="v40_min_out_of_range",
            translation_placeholders={
                "entity_id": entity.entity_id,
                "value": f"{value:g}",
                "min": f"{low:g}" if low is not None else "-",
                "max": f"{high:g}" if high is not None else "-",
            },
        )
    client = entity.coordinator.client
    await entity.coordinator.async_command(client.async_set_v40_min(entity.device_id, value))


async def _turn(entity: OSOEnergyEntity, call: ServiceCall) -> None:
    """Force heating on or off for one hour or until the temperature limit."""
    until: bool = call.data[ATTR_UNTIL_TEMP_LIMIT]
    client = entity.coordinator.client
    method = client.async_turn_on if call.service == SERVICE_TURN_ON else client.async_turn_off
    await entity.coordinator.async_command(method(entity.device_id, until))


async def _turn_away_mode_on(entity: OSOEnergyEntity, call: ServiceCall) -> None:
    """Turn holiday mode on for the given number of days, starting now."""
    days: int = call.data[ATTR_DURATION_DAYS]
    client = entity.coordinator.client
    start = dt_util.utcnow()
    end = start + timedelta(days=days)
    await entity.coordinator.async_command(
        client.async_enable_holiday_mode(entity.device_id, start, end)
    )


@callback
def async_setup_services() -> None:
    """Register the actions; called while the water heater platform is set up.

    ``service.async_register_platform_entity_service`` (from ``async_setup``) needs Home
    Assistant 2025.9 or newer; the platform's registration works on every supported version
    and registers each action once, for the OSO water heaters of every entry.
    """
    platform = entity_platform.async_get_current_platform()
    platform.async_register_entity_service(
        SERVICE_GET_PROFILE, None, _get_profile, supports_response=SupportsResponse.ONLY
    )
    platform.async_register_entity_service(SERVICE_SET_PROFILE, SET_PROFILE_SCHEMA, _set_profile)
    platform.async_register_entity_service(SERVICE_SET_V40_MIN, SET_V40_MIN_SCHEMA, _set_v40_min)
    platform.async_register_entity_service(SERVICE_TURN_ON, TURN_SCHEMA, _turn)
    platform.async_register_entity_service(SERVICE_TURN_OFF, TURN_SCHEMA, _turn)
    platform.async_register_entity_service(
        SERVICE_TURN_AWAY_MODE_ON, AWAY_SCHEMA, _turn_away_mode_on
    )
