"""Fixtures of the OSO Energy tests: entries pointed at the in-process simulator."""

from __future__ import annotations

import aiohttp
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.osoenergy.const import DOMAIN
from simulator import Simulator
from simulator.osoenergy import API_KEY, EMAIL, OSOEnergyVendor

S200 = "oso-s200-0001"
S300 = "oso-s300-0002"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load the integration from custom_components."""


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Serialize like Home Assistant core, into tests/osoenergy/snapshots."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def oso(simulator: Simulator) -> OSOEnergyVendor:
    """The simulated OSO cloud."""
    vendor = simulator.vendor("osoenergy")
    assert isinstance(vendor, OSOEnergyVendor)
    return vendor


@pytest.fixture
def config_entry(simulator: Simulator) -> MockConfigEntry:
    """An entry of the simulator account, of the current version (1.2)."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=EMAIL,
        unique_id=EMAIL,
        version=1,
        minor_version=2,
        data={"api_key": API_KEY, "api_url": simulator.url("osoenergy")},
    )


@pytest.fixture
async def init_integration(hass: HomeAssistant, config_entry: MockConfigEntry) -> MockConfigEntry:
    """Set the entry up against the simulator."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


async def sim_post(simulator: Simulator, path: str, json: dict | None = None) -> dict:
    """Call the simulator control API."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{simulator.base_url}{path}", json=json) as resp,
    ):
        assert resp.status in (200, 201), await resp.text()
        return await resp.json()
