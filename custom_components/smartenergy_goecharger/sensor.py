"""Sensors of a go-e charger."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    EntityCategory,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfPower,
    UnitOfTemperature,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .api import ACCESS_MODES, CAR_STATES, ERROR_STATES, MODEL_STATUSES, PHASE_MODES, GoeStatus
from .coordinator import GoeConfigEntry
from .entity import GoeEntity

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class GoeSensorEntityDescription(SensorEntityDescription):
    """A sensor and how to read it from the status."""

    value_fn: Callable[[GoeStatus], StateType]


def _allowed(status: GoeStatus) -> str | None:
    if status.allowed is None:
        return None
    return "on" if status.allowed else "off"


def _max_current(status: GoeStatus) -> int | None:
    # As the old integration: the current the car may charge with, 0 while not allowed.
    if status.allowed is False:
        return 0
    return status.requested_current


SENSORS: tuple[GoeSensorEntityDescription, ...] = (
    GoeSensorEntityDescription(
        key="car_status",
        translation_key="car_status",
        device_class=SensorDeviceClass.ENUM,
        options=list(CAR_STATES.values()),
        value_fn=lambda s: s.car_state,
    ),
    GoeSensorEntityDescription(
        key="charging_allowed",
        translation_key="charging_allowed",
        device_class=SensorDeviceClass.ENUM,
        options=["on", "off"],
        value_fn=_allowed,
    ),
    GoeSensorEntityDescription(
        key="charger_max_current",
        translation_key="charger_max_current",
        device_class=SensorDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_max_current,
    ),
    GoeSensorEntityDescription(
        key="energy_since_car_connected",
        translation_key="energy_since_car_connected",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        # It starts again at 0 when a car is plugged in: for statistics that drop is a reset.
        state_class=SensorStateClass.TOTAL_INCREASING,
        suggested_display_precision=2,
        value_fn=lambda s: s.session_energy,
    ),
    GoeSensorEntityDescription(
        key="energy_total",
        translation_key="energy_total",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        state_class=SensorStateClass.TOTAL_INCREASING,
        suggested_display_precision=2,
        value_fn=lambda s: s.total_energy,
    ),
    GoeSensorEntityDescription(
        key="phase_switch_mode",
        translation_key="phase_switch_mode",
        device_class=SensorDeviceClass.ENUM,
        options=list(PHASE_MODES.values()),
        value_fn=lambda s: s.phase_mode,
    ),
    GoeSensorEntityDescription(
        key="phases_number_connected",
        translation_key="phases_number_connected",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda s: s.phases_in_use,
    ),
    GoeSensorEntityDescription(
        key="charger_access",
        translation_key="charger_access",
        device_class=SensorDeviceClass.ENUM,
        options=list(ACCESS_MODES.values()),
        value_fn=lambda s: s.access_control,
    ),
    GoeSensorEntityDescription(
        key="name",
        translation_key="name",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda s: s.friendly_name,
    ),
    GoeSensorEntityDescription(
        key="power",
        translation_key="power",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda s: s.power,
    ),
    *(
        GoeSensorEntityDescription(
            key=f"voltage_l{i + 1}",
            translation_key="phase_voltage",
            translation_placeholders={"phase": f"L{i + 1}"},
            device_class=SensorDeviceClass.VOLTAGE,
            native_unit_of_measurement=UnitOfElectricPotential.VOLT,
            state_class=SensorStateClass.MEASUREMENT,
            entity_registry_enabled_default=False,
            value_fn=lambda s, i=i: s.voltages[i],  # type: ignore[misc]
        )
        for i in range(3)
    ),
    *(
        GoeSensorEntityDescription(
            key=f"current_l{i + 1}",
            translation_key="phase_current",
            translation_placeholders={"phase": f"L{i + 1}"},
            device_class=SensorDeviceClass.CURRENT,
            native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
            state_class=SensorStateClass.MEASUREMENT,
            entity_registry_enabled_default=False,
            value_fn=lambda s, i=i: s.currents[i],  # type: ignore[misc]
        )
        for i in range(3)
    ),
    *(
        GoeSensorEntityDescription(
            key=f"power_l{i + 1}",
            translation_key="phase_power",
            translation_placeholders={"phase": f"L{i + 1}"},
            device_class=SensorDeviceClass.POWER,
            native_unit_of_measurement=UnitOfPower.WATT,
            state_class=SensorStateClass.MEASUREMENT,
            entity_registry_enabled_default=False,
            value_fn=lambda s, i=i: s.powers[i],  # type: ignore[misc]
        )
        for i in range(3)
    ),
    GoeSensorEntityDescription(
        key="temperature",
        translation_key="temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda s: s.temperature,
    ),
    GoeSensorEntityDescription(
        key="error",
        translation_key="error",
        device_class=SensorDeviceClass.ENUM,
        options=ERROR_STATES,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda s: s.error,
    ),
    GoeSensorEntityDescription(
        key="model_status",
        translation_key="model_status",
        device_class=SensorDeviceClass.ENUM,
        options=list(MODEL_STATUSES.values()),
        value_fn=lambda s: s.model_status,
    ),
    GoeSensorEntityDescription(
        key="wifi_signal",
        translation_key="wifi_signal",
        device_class=SensorDeviceClass.SIGNAL_STRENGTH,
        native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda s: s.wifi_signal,
    ),
    GoeSensorEntityDescription(
        key="firmware",
        translation_key="firmware",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda s: s.firmware,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: GoeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of a charger."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(GoeSensor(coordinator, description) for description in SENSORS)


class GoeSensor(GoeEntity, SensorEntity):
    """A sensor of a go-e charger."""

    entity_description: GoeSensorEntityDescription

    @property
    def native_value(self) -> StateType:
        """Return the value from the last status."""
        return self.entity_description.value_fn(self.coordinator.data)
