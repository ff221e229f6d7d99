"""Snapshot of every platform's entities (registry entry and state)."""

from __future__ import annotations

from unittest.mock import patch

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from .conftest import Advance, setup_entry


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize(
    "platform",
    [
        Platform.BINARY_SENSOR,
        Platform.BUTTON,
        Platform.NUMBER,
        Platform.SELECT,
        Platform.SENSOR,
        Platform.SWITCH,
        Platform.TIME,
    ],
)
async def test_platform(  # noqa: PLR0917
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    advance: Advance,
    platform: Platform,
) -> None:
    """Entities of one platform while the car charges in its first slot."""
    await hass.config.async_set_time_zone("UTC")
    with patch("custom_components.ohme.PLATFORMS", [platform]):
        await setup_entry(hass, mock_entry)
        await advance(1560)
    await snapshot_platform(hass, entity_registry, snapshot, mock_entry.entry_id)
