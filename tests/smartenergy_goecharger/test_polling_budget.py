"""Requests per charger per hour and payload size with ``filter``, measured on the simulator."""

from __future__ import annotations

from datetime import timedelta

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.smartenergy_goecharger.api import STATUS_KEYS
from simulator import Simulator

from .conftest import SERIAL, TOKEN


async def test_one_hour_of_polling(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    simulator.log.reset()
    for _ in range(120):  # one hour at the default 30 s interval
        freezer.tick(timedelta(seconds=30))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
    status_requests = simulator.log.count("goecharger", "GET /goecharger/{serial}/api/status")
    assert status_requests == simulator.log.count("goecharger") == 120
    filtered = simulator.log.bytes_out["goecharger"] / status_requests

    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{simulator.url('goecharger')}/{SERIAL}/api/status",
            headers={"Authorization": f"Bearer {TOKEN}"},
        ) as response,
    ):
        unfiltered = len(await response.read())
    print(  # the figures for the closing note
        f"\ngo-e: {status_requests} status requests/charger/hour, "
        f"{filtered:.0f} B per filtered status ({len(STATUS_KEYS)} keys), "
        f"{unfiltered} B unfiltered (simulator; the real unfiltered status has hundreds of keys)"
    )
    assert filtered < unfiltered
