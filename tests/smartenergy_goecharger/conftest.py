"""Fixtures for the go-e Charger Cloud tests."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any
from unittest.mock import patch

from homeassistant.const import CONF_NAME, CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.smartenergy_goecharger.const import (
    CONF_API_TOKEN,
    CONF_API_URL,
    CONF_SERIAL,
    DOMAIN,
)
from simulator import Simulator
from simulator.goecharger import GoeChargerVendor

SERIAL = "051215"
TOKEN = "sim-goe-051215"
IDLE_SERIAL = "072931"
IDLE_TOKEN = "sim-goe-072931"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load the custom integration in every test."""


def vendor(simulator: Simulator) -> GoeChargerVendor:
    """Return the go-e part of the simulator."""
    goe = simulator.vendor("goecharger")
    assert isinstance(goe, GoeChargerVendor)
    return goe


def entry_data(simulator: Simulator, serial: str = SERIAL, token: str = TOKEN) -> dict[str, Any]:
    """Return config entry data pointing at the simulator."""
    return {
        CONF_NAME: "Driveway",
        CONF_SERIAL: serial,
        CONF_API_TOKEN: token,
        CONF_API_URL: f"{simulator.url('goecharger')}/{{serial}}",
    }


@pytest.fixture
def config_entry(simulator: Simulator) -> MockConfigEntry:
    """A charging wallbox in the simulator."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Driveway",
        unique_id=SERIAL,
        version=2,
        minor_version=2,
        data=entry_data(simulator),
        options={CONF_SCAN_INTERVAL: 30},
    )


@pytest.fixture
async def loaded_entry(hass: HomeAssistant, config_entry: MockConfigEntry) -> MockConfigEntry:
    """Set up the integration with the charging wallbox."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


@pytest.fixture
def platforms(request: pytest.FixtureRequest) -> Generator[None]:
    """Load only the platforms named by ``@pytest.mark.parametrize('platforms', ...)``."""
    with patch("custom_components.smartenergy_goecharger.PLATFORMS", request.param):
        yield


@pytest.fixture(autouse=True)
def no_settle_delay() -> Generator[None]:
    """Read the status back right after a set (the simulator applies values at once)."""
    with patch("custom_components.smartenergy_goecharger.coordinator.SETTLE_DELAY", 0):
        yield


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Serialize like Home Assistant core and store in ``snapshots/``."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)
