"""Judge: OSO's own Python library, pyosoenergyapi 1.2.4, against the simulated OSO cloud.

The library (its async package ``apyosoenergyapi``, the one Home Assistant core imports) is
the vendor's reading of its API. Every operation it offers runs here against the in-process
simulator: the reads (``get_user_email``, ``start_session``/``get_devices``/``update_data``
and every getter of the water heater, sensors, binary sensors, switch and attributes) and
every write (turn on/off, V40 min, optimization mode, profile, holiday mode on/off through the
water heater and through the switch). Each must be accepted by the library (it reports
success only on HTTP 200 and logs an error for anything else), and its results and the writes
must match the simulator's own state. Any divergence fails here.

The library has no base URL parameter: the test rewrites the URLs it builds from its constant
``https://api.osoenergy.no/water-heater-api`` to the simulator's. It is never imported by the
integration or the simulator. Importing it has side effects (log files in ``~``, a global
``sys.excepthook``): the import below confines them.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from contextlib import suppress
from datetime import datetime, timedelta
import importlib
import os
import sys
from types import ModuleType
from typing import Any
from unittest.mock import patch

import aiohttp
from loguru import logger
import pytest

from simulator import Simulator
from simulator.osoenergy import (
    API_KEY,
    EMAIL,
    OPTIMIZATION_OPTIONS,
    OTHER_API_KEY,
    OTHER_EMAIL,
    Heater,
    OSOEnergyVendor,
)

LIBRARY_BASE_URL = "https://api.osoenergy.no/water-heater-api"
VENDOR = "osoenergy"
S200 = "oso-s200-0001"
S300 = "oso-s300-0002"
DEVICE_ALL = "GET /osoenergy/1/Device/All"
# control.mode as the library maps it (OSOTOHA["Hotwater"]["HeaterMode"]).
LIBRARY_MODES = {"auto": "auto", "PowerSave": "powerSave", "ExtraEnergy": "extraEnergy"}


@pytest.fixture(scope="session")
def library(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """Import ``apyosoenergyapi`` with its import-time side effects confined.

    At import it adds three loguru file sinks under ``~`` and replaces ``sys.excepthook``:
    the import runs with HOME in a temporary directory, the hook is restored and the sinks
    are removed again (loguru numbers its handlers in sequence).
    """
    if "apyosoenergyapi" in sys.modules:
        return sys.modules["apyosoenergyapi"]
    home = tmp_path_factory.mktemp("pyosoenergyapi-home")
    hook = sys.excepthook
    probe = logger.add(lambda _: None)
    logger.remove(probe)
    with patch.dict(os.environ, {"HOME": str(home)}):
        module = importlib.import_module("apyosoenergyapi")
    sys.excepthook = hook
    for handler_id in range(probe + 1, probe + 4):
        with suppress(ValueError):
            logger.remove(handler_id)
    return module


@pytest.fixture
def library_log() -> Generator[list[str]]:
    """Collect what the library logs at WARNING and above (it logs every failed call)."""
    messages: list[str] = []
    handler_id = logger.add(
        lambda message: messages.append(str(message).strip()),
        level="WARNING",
        format="{level} {message}",
    )
    yield messages
    logger.remove(handler_id)


@pytest.fixture
def oso(simulator: Simulator) -> OSOEnergyVendor:
    """The simulated OSO cloud."""
    vendor = simulator.vendor(VENDOR)
    assert isinstance(vendor, OSOEnergyVendor)
    return vendor


def point_at(client: Any, base_url: str) -> None:
    """Send every request of the library to ``base_url`` instead of OSO's cloud."""
    api = client.api
    assert api.base_url == LIBRARY_BASE_URL
    assert all(url.startswith(LIBRARY_BASE_URL) for url in api.urls.values())
    api.base_url = base_url
    api.urls = {
        name: base_url + url.removeprefix(LIBRARY_BASE_URL) for name, url in api.urls.items()
    }


@pytest.fixture
async def client(
    library: ModuleType, simulator: Simulator, library_log: list[str]
) -> AsyncGenerator[Any]:
    """The library's ``OSOEnergy`` session for the simulator's key, on our web session."""
    async with aiohttp.ClientSession() as web:
        session = library.OSOEnergy(API_KEY, web)
        point_at(session, simulator.url(VENDOR))
        yield session


async def started(client: Any) -> dict[str, list[Any]]:
    """Start the library's session as Home Assistant core does; return its entity lists."""
    device_list: dict[str, list[Any]] = await client.start_session({"api_key": API_KEY})
    return device_list


def of(items: list[Any], device_id: str, kind: str | None = None) -> Any:
    """Return the entity of one heater (of one osoEnergyType) from a library list."""
    return next(
        item
        for item in items
        if item.device_id == device_id and (kind is None or item.osoEnergyType == kind)
    )


def served(heater: Heater, simulator: Simulator) -> dict[str, Any]:
    """The JSON object the simulator serves for a heater now."""
    return heater.as_json(simulator.clock.timestamp())


def assert_no_library_errors(library_log: list[str]) -> None:
    """The library logged no error nor warning: it accepted every answer."""
    assert library_log == []


# --- reads -----------------------------------------------------------------------------------


async def test_user_email(client: Any, library_log: list[str], oso: OSOEnergyVendor) -> None:
    """get_user_email: the account's email; None (and a logged 401/403) for a refused key."""
    assert await client.get_user_email() == EMAIL
    await client.update_subscription_key(OTHER_API_KEY)
    assert client.subscription_key == OTHER_API_KEY
    assert await client.get_user_email() == OTHER_EMAIL
    assert_no_library_errors(library_log)

    await client.update_subscription_key("not-a-key")
    assert await client.get_user_email() is None
    oso.expired.add(API_KEY)
    await client.update_subscription_key(API_KEY)
    assert await client.get_user_email() is None
    assert len(library_log) == 2
    assert "HTTP status is - 401" in library_log[0]
    assert "HTTP status is - 403" in library_log[1]


async def test_start_session_lists_every_entity(
    client: Any, simulator: Simulator, oso: OSOEnergyVendor, library_log: list[str]
) -> None:
    """start_session builds one entity per reading the simulator serves, no more, no less."""
    device_list = await started(client)
    assert simulator.log.count(VENDOR, DEVICE_ALL) == 1
    heaters = oso.heaters
    assert {d.device_id for d in device_list["water_heater"]} == set(heaters)
    for device_id, heater in heaters.items():
        water_heater = of(device_list["water_heater"], device_id)
        assert (water_heater.device_name, water_heater.device_type) == (
            heater.name,
            heater.device_type,
        )
        assert water_heater.online is True
        assert water_heater.volume == heater.volume
        sensors = {s.osoEnergyType for s in device_list["sensor"] if s.device_id == device_id}
        # The library creates a tank sensor only for the sensors the heater reports.
        assert {kind for kind in sensors if kind.startswith("TEMPERATURE_")} == {
            f"TEMPERATURE_{name.upper()}" for name in heater.sensors
        }
        binary = {s.osoEnergyType for s in device_list["binary_sensor"] if s.device_id == device_id}
        assert binary == {"POWER_SAVE", "EXTRA_ENERGY", "HEATER_STATE"}
        assert of(device_list["switch"], device_id).osoEnergyType == "HOLIDAY_MODE"
    assert_no_library_errors(library_log)


async def test_every_getter_matches_the_simulator(
    client: Any, simulator: Simulator, oso: OSOEnergyVendor, library_log: list[str]
) -> None:
    """Every value the library reads equals the simulator's state (both heaters)."""
    device_list = await started(client)
    now = simulator.clock.timestamp()
    for device_id, heater in oso.heaters.items():
        raw = served(heater, simulator)
        water_heater = await client.hotwater.get_water_heater(
            of(device_list["water_heater"], device_id)
        )
        assert water_heater.available is True
        assert water_heater.current_operation == ("on" if heater.heating else "off")
        assert water_heater.heater_state == water_heater.current_operation
        assert water_heater.heater_mode == LIBRARY_MODES[heater.mode()]
        assert water_heater.optimization_mode == heater.optimization
        assert water_heater.current_temperature == round(heater.temperature, 1)
        assert water_heater.target_temperature == heater.setpoint(now)
        assert water_heater.target_temperature_low == heater.setpoint(now) - 3
        assert water_heater.target_temperature_high == heater.setpoint(now) + 3
        assert water_heater.min_temperature == heater.min_temperature
        assert water_heater.max_temperature == heater.max_temperature
        assert water_heater.profile == heater.profile
        assert water_heater.power_load == raw["powerConsumption"]
        assert water_heater.volume == heater.volume
        assert water_heater.isInPowerSave is heater.power_save

        expected_sensors = {
            "HEATER_MODE": LIBRARY_MODES[heater.mode()],
            "OPTIMIZATION_MODE": heater.optimization,
            "PROFILE": heater.profile,
            "VOLUME": heater.volume,
            "POWER_LOAD": raw["data"]["actualLoadKwh"],
            "TAPPING_CAPACITY": raw["data"]["tappingCapacitykWh"],
            "CAPACITY_MIXED_WATER_40": raw["data"]["capacityMixedWater40"],
            "V40_MIN": heater.v40_min,
            "V40_LEVEL_MIN": raw["v40LevelMin"],
            "V40_LEVEL_MAX": raw["v40LevelMax"],
            **{
                f"TEMPERATURE_{name.upper()}": raw["control"][f"currentTemperature{name}"]
                for name in heater.sensors
            },
        }
        sensors = [s for s in device_list["sensor"] if s.device_id == device_id]
        assert {s.osoEnergyType for s in sensors} == set(expected_sensors)
        for sensor in sensors:
            read = await client.sensor.get_sensor(sensor)
            assert read.available is True
            assert read.state == expected_sensors[sensor.osoEnergyType], sensor.osoEnergyType

        expected_binary = {
            "POWER_SAVE": heater.power_save,
            "EXTRA_ENERGY": heater.extra_energy,
            "HEATER_STATE": heater.heating,
        }
        for sensor in (s for s in device_list["binary_sensor"] if s.device_id == device_id):
            read = await client.binary_sensor.get_sensor(sensor)
            assert read.state is expected_binary[sensor.osoEnergyType], sensor.osoEnergyType
        switch = await client.switch.get_switch(of(device_list["switch"], device_id))
        assert switch.state is heater.power_save

        attr = client.attr
        assert await attr.online_offline(device_id) is True
        assert await attr.get_sub_optimization_mode(device_id) == heater.optimization_sub
        assert await attr.get_power_consumption(device_id) == raw["powerConsumption"]
        assert await attr.get_power_save(device_id) == ("on" if heater.power_save else "off")
        assert await attr.get_extra_energy(device_id) == ("on" if heater.extra_energy else "off")
        assert await attr.get_heater_state(device_id) == ("on" if heater.heating else "off")
        state = await attr.state_attributes(device_id)
        assert state["v40_min"] == heater.v40_min
        assert state["actual_load_kwh"] == raw["data"]["actualLoadKwh"]
        assert state["tapping_capacity"] == raw["data"]["tappingCapacitykWh"]
    assert_no_library_errors(library_log)


async def test_offline_heater(
    client: Any, simulator: Simulator, oso: OSOEnergyVendor, library_log: list[str]
) -> None:
    """A disconnected heater is offline for the library (which warns once about it)."""
    oso.heaters[S300].connected = False
    device_list = await started(client)
    water_heater = of(device_list["water_heater"], S300)
    assert water_heater.online is False
    assert (await client.hotwater.get_water_heater(water_heater)).online is False
    assert await client.attr.online_offline(S300) is False
    assert library_log == [f"WARNING Device offline could not update entity - {S300}"]
    connected = await client.hotwater.get_water_heater(of(device_list["water_heater"], S200))
    assert connected.available is True


async def test_update_data_polls_once_per_interval(
    client: Any, simulator: Simulator, oso: OSOEnergyVendor, library_log: list[str]
) -> None:
    """update_data fetches the heaters again only once its scan interval has passed."""
    await started(client)
    await client.update_interval(5)
    assert client.config.scan_interval == timedelta(seconds=15)  # the library's floor
    assert await client.update_data() is False
    assert simulator.log.count(VENDOR, DEVICE_ALL) == 1
    oso.heaters[S200].v40_min = 260.0
    # The library keeps naive local times.
    client.config.last_update = datetime.now() - timedelta(seconds=16)  # noqa: DTZ005
    assert await client.update_data() is True
    assert simulator.log.count(VENDOR, DEVICE_ALL) == 2
    assert await client.attr.get_v40_min(S200) == 260
    assert await client.get_devices() is True
    assert_no_library_errors(library_log)


# --- writes ----------------------------------------------------------------------------------


async def write(
    simulator: Simulator, operation: Any, *args: Any, endpoint: str, **kwargs: Any
) -> None:
    """Run one write of the library: accepted (True), then the library re-reads the heaters."""
    simulator.log.reset()
    assert await operation(*args, **kwargs) is True
    assert simulator.log.count(VENDOR, f"{endpoint}") == 1
    assert simulator.log.count(VENDOR, DEVICE_ALL) == 1
    assert simulator.log.count(VENDOR) == 2


@pytest.mark.parametrize("full_utilization", [True, False])
async def test_turn_on_and_off(
    client: Any,
    simulator: Simulator,
    oso: OSOEnergyVendor,
    library_log: list[str],
    full_utilization: bool,
) -> None:
    """TurnOn/TurnOff with the library's Python-bool flag (``True``/``False``)."""
    device_list = await started(client)
    device = of(device_list["water_heater"], S300)
    heater = oso.heaters[S300]
    now = simulator.clock.timestamp()
    await write(
        simulator,
        client.hotwater.turn_off,
        device,
        full_utilization,
        endpoint="POST /osoenergy/1/Device/{device_id}/TurnOff",
    )
    assert (heater.forced, heater.forced_limit) == ("off", full_utilization)
    assert heater.forced_until == now + (86400 if full_utilization else 3600)
    assert await client.attr.get_heater_mode(S300) == "powerSave"
    assert await client.hotwater.get_heater_state(device) == "off"

    await write(
        simulator,
        client.hotwater.turn_on,
        device,
        full_utilization,
        endpoint="POST /osoenergy/1/Device/{device_id}/TurnOn",
    )
    assert (heater.forced, heater.forced_limit) == ("on", full_utilization)
    assert heater.forced_until == (None if full_utilization else now + 3600)
    assert await client.attr.get_heater_mode(S300) == "extraEnergy"
    assert await client.attr.get_heater_state_bool(S300) is heater.heating
    assert_no_library_errors(library_log)


async def test_set_v40_min(
    client: Any, simulator: Simulator, oso: OSOEnergyVendor, library_log: list[str]
) -> None:
    """V40Min with the float path segment the library sends (``/V40Min/300.0``); a value
    outside the model's range is refused (400) and the library reports the failure."""
    device_list = await started(client)
    device = of(device_list["water_heater"], S200)
    endpoint = "PUT /osoenergy/1/Device/{device_id}/V40Min/{value}"
    await write(simulator, client.hotwater.set_v40_min, device, 300.0, endpoint=endpoint)
    assert simulator.log.recent[0].path.endswith("/V40Min/300.0")
    assert oso.heaters[S200].v40_min == 300
    assert await client.attr.get_v40_min(S200) == 300
    await write(simulator, client.hotwater.set_v40_min, device, 210, endpoint=endpoint)
    assert oso.heaters[S200].v40_min == 210
    assert_no_library_errors(library_log)

    assert await client.hotwater.set_v40_min(device, 400.0) is False
    assert oso.heaters[S200].v40_min == 210
    assert len(library_log) == 1
    assert "HTTP status is - 400" in library_log[0]


@pytest.mark.parametrize(("option", "sub_option"), [(2, 1), (4, 0), (0, 3), (5, 2)])
async def test_set_optimization_mode(  # noqa: PLR0917
    client: Any,
    simulator: Simulator,
    oso: OSOEnergyVendor,
    library_log: list[str],
    option: int,
    sub_option: int,
) -> None:
    """PUT OptimizationMode with the library's hand-built body; the heater reports the
    option (by name) and the sub option it was given."""
    device_list = await started(client)
    device = of(device_list["water_heater"], S200)
    await write(
        simulator,
        client.hotwater.set_optimization_mode,
        device,
        option,
        sub_option,
        endpoint="PUT /osoenergy/1/Device/{device_id}/OptimizationMode",
    )
    heater = oso.heaters[S200]
    assert (heater.optimization, heater.optimization_sub) == (
        OPTIMIZATION_OPTIONS[option],
        sub_option,
    )
    assert await client.attr.get_optimization_mode(S200) == OPTIMIZATION_OPTIONS[option]
    assert await client.attr.get_sub_optimization_mode(S200) == sub_option
    # Only the targeted heater changed.
    assert oso.heaters[S300].optimization == "GridCompany"
    assert_no_library_errors(library_log)


async def test_set_optimization_mode_refusals(
    client: Any, oso: OSOEnergyVendor, library_log: list[str]
) -> None:
    """An unknown option, and the library's ``None`` (which it writes as invalid JSON), are
    refused with 400: the library reports False and nothing changes."""
    device_list = await started(client)
    device = of(device_list["water_heater"], S200)
    assert await client.hotwater.set_optimization_mode(device, 17, 0) is False
    assert await client.hotwater.set_optimization_mode(device, 1, None) is False
    assert (oso.heaters[S200].optimization, oso.heaters[S200].optimization_sub) == ("OSO", None)
    assert len(library_log) == 2
    assert all("HTTP status is - 400" in message for message in library_log)


async def test_set_profile(
    client: Any, simulator: Simulator, oso: OSOEnergyVendor, library_log: list[str]
) -> None:
    """PUT Profile with the library's body (``{"hours": [...]}`` built by string
    concatenation, floats as ``45.0``); the target follows the current UTC hour."""
    device_list = await started(client)
    device = of(device_list["water_heater"], S300)
    hours = [45.0] * 12 + [50.5] + [60] * 11
    await write(
        simulator,
        client.hotwater.set_profile,
        device,
        hours,
        endpoint="PUT /osoenergy/1/Device/{device_id}/Profile",
    )
    assert oso.heaters[S300].profile == hours
    assert await client.attr.get_profile(S300) == hours
    assert await client.attr.get_target_temperature(S300) == 50.5  # 12:00 UTC
    assert oso.heaters[S200].profile == [65.0] * 24
    assert_no_library_errors(library_log)

    # Outside the heater's own limits: refused.
    oso.heaters[S300].max_temperature = 70
    assert await client.hotwater.set_profile(device, [71] * 24) is False
    assert oso.heaters[S300].profile == hours
    assert len(library_log) == 1


def _holiday_period(simulator: Simulator) -> timedelta:
    """The period of the last HolidayMode request, from its path."""
    path = next(r.path for r in simulator.log.recent if "/HolidayMode/" in r.path)
    start, end = path.split("/")[-2:]
    # The library's format: 6-digit microseconds and a Z.
    assert start.endswith("Z")
    assert len(start) == len("2026-01-15T12:00:00.123456Z")
    return datetime.fromisoformat(end) - datetime.fromisoformat(start)


@pytest.mark.parametrize("via", ["hotwater", "switch"])
async def test_holiday_mode(
    client: Any, simulator: Simulator, oso: OSOEnergyVendor, library_log: list[str], via: str
) -> None:
    """Holiday mode on (default 365 days, and N days) and off, through the water heater and
    through the switch: the heater is in power save, then out of it."""
    device_list = await started(client)
    device = of(device_list["water_heater" if via == "hotwater" else "switch"], S200)
    operations = getattr(client, via)
    heater = oso.heaters[S200]
    enable = "POST /osoenergy/1/Device/{device_id}/HolidayMode/{start}/{end}"
    disable = "DELETE /osoenergy/1/Device/{device_id}/HolidayMode"
    await write(simulator, operations.enable_holiday_mode, device, endpoint=enable)
    assert abs(_holiday_period(simulator) - timedelta(days=365)) < timedelta(seconds=1)
    assert heater.power_save is True
    assert await client.attr.get_power_save_bool(S200) is True
    assert await client.attr.get_heater_mode(S200) == "powerSave"
    await write(simulator, operations.disable_holiday_mode, device, endpoint=disable)
    assert heater.power_save is False
    assert await client.attr.get_power_save_bool(S200) is False
    await write(simulator, operations.enable_holiday_mode, device, 7, endpoint=enable)
    assert abs(_holiday_period(simulator) - timedelta(days=7)) < timedelta(seconds=1)
    assert heater.power_save is True
    switch = await client.switch.get_switch(of(device_list["switch"], S200))
    assert switch.state is True
    assert_no_library_errors(library_log)


async def test_write_to_a_sleeping_heater_is_refused(
    client: Any, oso: OSOEnergyVendor, library_log: list[str]
) -> None:
    """A heater in holiday mode cannot be forced on: 400, the library reports False."""
    device_list = await started(client)
    oso.heaters[S200].power_save = True
    assert await client.hotwater.turn_on(of(device_list["water_heater"], S200), True) is False
    assert oso.heaters[S200].forced is None
    assert len(library_log) == 1
    assert "HTTP status is - 400" in library_log[0]


async def test_every_library_operation_is_judged(library: ModuleType) -> None:
    """The operations judged above are all the library offers: a new one fails here."""
    api = library.API
    operations = {
        name
        for name in vars(api)
        if not name.startswith("_") and callable(getattr(api, name)) and name != "request"
    }
    assert operations == {
        "get_user_details",
        "get_devices",
        "turn_on",
        "turn_off",
        "set_profile",
        "set_optimization_mode",
        "set_v40_min",
        "enable_holiday_mode",
        "disable_holiday_mode",
    }
    endpoints = set(library.API(osoenergy_session=None, websession=object()).urls)
    assert endpoints == {
        "devices",
        "turn_on",
        "turn_off",
        "profile",
        "optimization_mode",
        "set_v40_min",
        "enable_holiday_mode",
        "disable_holiday_mode",
        "user",
    }
