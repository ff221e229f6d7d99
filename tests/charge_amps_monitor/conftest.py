"""Fixtures of the Charge Amps Monitor tests."""

from __future__ import annotations

from homeassistant.const import CONF_EMAIL, CONF_PASSWORD, CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.charge_amps_monitor.const import CONF_API_URL, CONF_HOST_NAME, DOMAIN
from simulator import Simulator
from simulator.chargeamps import ACCOUNT_EMAIL, ACCOUNT_PASSWORD, ChargeAmpsVendor


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load the integration from custom_components."""


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Keep snapshots in tests/charge_amps_monitor/snapshots."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def vendor(simulator: Simulator) -> ChargeAmpsVendor:
    """Return the simulated Charge Amps cloud."""
    vendor = simulator.vendor("chargeamps")
    assert isinstance(vendor, ChargeAmpsVendor)
    return vendor


@pytest.fixture
def mock_config_entry(simulator: Simulator) -> MockConfigEntry:
    """Return an entry for the simulated account."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=ACCOUNT_EMAIL,
        unique_id=ACCOUNT_EMAIL,
        data={
            CONF_EMAIL: ACCOUNT_EMAIL,
            CONF_PASSWORD: ACCOUNT_PASSWORD,
            CONF_HOST_NAME: "my.charge.space",
            CONF_API_URL: simulator.url("chargeamps"),
        },
        options={CONF_SCAN_INTERVAL: 60},
        minor_version=2,
    )


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Set up the integration against the simulator."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    return mock_config_entry
