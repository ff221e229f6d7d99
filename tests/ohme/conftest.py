"""Fixtures of the Ohme tests: the simulated Ohme cloud and a config entry pointing at it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
import re

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.ohme.const import CONF_API_URL, DOMAIN
from simulator import Simulator
from simulator.ohme import EMAIL, PASSWORD, OhmeVendor
from tests.conftest import SIM_START

type Advance = Callable[[float], Awaitable[None]]

DEPRECATION_RE = re.compile(
    r"deprecat|will stop working|stops working|Detected that custom integration"
    r"|Detected code that|please report it to the author",
    re.IGNORECASE,
)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load custom_components/ohme."""


@pytest.fixture(autouse=True)
def no_deprecated_use(caplog: pytest.LogCaptureFixture) -> Generator[None]:
    """Fail a test in which Home Assistant reports a deprecated use by this integration.

    The frame helper only logs what a custom integration does wrong; this makes it fail.
    """
    yield
    reports = [
        f"{record.name}: {record.getMessage()}"
        for when in ("setup", "call")
        for record in caplog.get_records(when)
        if DEPRECATION_RE.search(record.getMessage())
        and ("ohme" in record.getMessage() or record.name.startswith("custom_components.ohme"))
    ]
    assert reports == []


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots with Home Assistant's serializer, stored in tests/ohme/snapshots."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def vendor(simulator: Simulator) -> OhmeVendor:
    """Return the simulated Ohme cloud."""
    vendor = simulator.vendor("ohme")
    assert isinstance(vendor, OhmeVendor)
    return vendor


@pytest.fixture
def api_url(simulator: Simulator) -> str:
    """Return the Ohme API URL on the simulator."""
    return simulator.url("ohme")


@pytest.fixture
def mock_entry(api_url: str) -> MockConfigEntry:
    """Return an entry for the simulator's demo account."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=EMAIL,
        version=1,
        data={"email": EMAIL, "password": PASSWORD, CONF_API_URL: api_url},
    )


@pytest.fixture
async def advance(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, simulator: Simulator
) -> Advance:
    """Move HA time and the simulator clock together, then let polls run."""
    freezer.move_to(SIM_START)

    async def _advance(seconds: float) -> None:
        simulator.clock.advance(seconds)
        freezer.tick(seconds)
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)

    return _advance


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add the entry and set it up."""
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)  # the energy meter's read
