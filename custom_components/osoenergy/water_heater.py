"""The water heater entity of an OSO Energy heater."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial
from typing import Any

from homeassistant.components.water_heater import (
    STATE_ECO,
    STATE_ELECTRIC,
    STATE_HIGH_DEMAND,
    WaterHeaterEntity,
    WaterHeaterEntityFeature,
)
from homeassistant.const import ATTR_TEMPERATURE, STATE_OFF, UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .api import OSOEnergyDevice
from .const import AWAY_MODE_DEFAULT_DAYS, DOMAIN
from .coordinator import OSOEnergyConfigEntry, OSOEnergyCoordinator
from .devices import async_add_device_entities
from .entity import OSOEnergyEntity, temperature_range
from .services import async_setup_services

PARALLEL_UPDATES = 1

# Heater modes in which the element does not heat.
OFF_MODES = {"off", "powersave"}


def current_operation(device: OSOEnergyDevice) -> str:
    """Map the heater to a water-heater state, as OSO's library and core do.

    Off while the element is off (``control.heater``); otherwise by heater mode: off and
    power save are off, extra energy is high demand, auto is eco when the optimization
    option is OSO's own, and every other mode (or auto with another optimization) is
    electric.
    """
    if device.heater_on is False:
        return STATE_OFF
    # OSO's library reads a missing mode as "off", and so does core.
    mode = device.heater_mode or "off"
    if mode in OFF_MODES:
        return STATE_OFF
    if mode == "extraenergy":
        return STATE_HIGH_DEMAND
    if mode == "auto" and device.optimization_mode == "oso":
        return STATE_ECO
    return STATE_ELECTRIC


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OSOEnergyConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one water heater per heater of the account, and register the actions."""
    async_setup_services()
    coordinator = entry.runtime_data.coordinator

    def candidates(device_id: str) -> Iterator[tuple[str, Callable[[], Entity]]]:
        # The water heater's unique id is the heater id (as core's).
        yield device_id, partial(OSOEnergyWaterHeater, coordinator, device_id)

    async_add_device_entities(
        entry, coordinator, coordinator.devices, async_add_entities, candidates
    )


class OSOEnergyWaterHeater(OSOEnergyEntity, WaterHeaterEntity):
    """An OSO water heater (the main entity, named after the device)."""

    _attr_name = None
    # The profile holds whole degrees.
    _attr_target_temperature_step = 1
    _attr_supported_features = (
        WaterHeaterEntityFeature.TARGET_TEMPERATURE
        | WaterHeaterEntityFeature.ON_OFF
        | WaterHeaterEntityFeature.AWAY_MODE
    )

    def __init__(self, coordinator: OSOEnergyCoordinator, device_id: str) -> None:
        """Create the water heater of ``device_id``."""
        super().__init__(coordinator, device_id)

    @property
    def current_operation(self) -> str:
        """Return the state of the heater."""
        return current_operation(self.device)

    # Home Assistant 2026.11 reads the native_* members; older versions read the plain names,
    # which are aliases here (a class providing both gets no deprecation warning).
    @property
    def native_temperature_unit(self) -> str:
        """Return the unit of the heater's temperatures."""
        return UnitOfTemperature.CELSIUS

    @property
    def native_current_temperature(self) -> float | None:
        """Return the water temperature."""
        return self.device.current_temperature

    @property
    def native_target_temperature(self) -> float | None:
        """Return the target temperature."""
        return self.device.target_temperature

    @property
    def native_target_temperature_low(self) -> float | None:
        """Return the lower bound of the hysteresis band."""
        return self.device.target_temperature_low

    @property
    def native_target_temperature_high(self) -> float | None:
        """Return the upper bound of the hysteresis band."""
        return self.device.target_temperature_high

    temperature_unit = native_temperature_unit
    current_temperature = native_current_temperature
    target_temperature = native_target_temperature
    target_temperature_low = native_target_temperature_low
    target_temperature_high = native_target_temperature_high

    @property
    def min_temp(self) -> float:
        """Return the lowest settable temperature reported by the heater."""
        return temperature_range(self.device)[0]

    @property
    def max_temp(self) -> float:
        """Return the highest settable temperature reported by the heater."""
        return temperature_range(self.device)[1]

    @property
    def is_away_mode_on(self) -> bool | None:
        """Return True while holiday (power save) mode is on."""
        return self.device.power_save

    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Set the target temperature for every hour of the profile."""
        temperature = float(kwargs[ATTR_TEMPERATURE])
        if not self.min_temp <= temperature <= self.max_temp:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="temperature_out_of_range",
                translation_placeholders={
                    "temperature": f"{temperature:g}",
                    "min": f"{self.min_temp:g}",
                    "max": f"{self.max_temp:g}",
                },
            )
        client = self.coordinator.client
        await self.coordinator.async_command(
            client.async_set_profile(self.device_id, [int(temperature)] * 24)
        )

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Force heating on until the maximum temperature is reached."""
        client = self.coordinator.client
        await self.coordinator.async_command(client.async_turn_on(self.device_id, True))

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Force heating off until the minimum temperature is reached."""
        client = self.coordinator.client
        await self.coordinator.async_command(client.async_turn_off(self.device_id, True))

    async def async_turn_away_mode_on(self) -> None:
        """Enable holiday mode for a year (as the OSO app and core do)."""
        client = self.coordinator.client
        start = dt_util.utcnow()
        end = start + timedelta(days=AWAY_MODE_DEFAULT_DAYS)
        await self.coordinator.async_command(
            client.async_enable_holiday_mode(self.device_id, start, end)
        )

    async def async_turn_away_mode_off(self) -> None:
        """Disable holiday mode."""
        client = self.coordinator.client
        await self.coordinator.async_command(client.async_disable_holiday_mode(self.device_id))
