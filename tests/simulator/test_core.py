"""The simulator core: clock, control API, fault injection and request counting."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any, ClassVar

import aiohttp
from aiohttp import web
import pytest

from simulator import CONTROL_PREFIX, DevEntry, SimClock, Simulator, Vendor


class EchoVendor(Vendor):
    """A minimal vendor whose counter grows one per simulated second."""

    name: ClassVar[str] = "echo"

    def __init__(self, clock: SimClock) -> None:
        super().__init__(clock)
        self.energy = 0.0

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/v1/items/{item}", self._item), web.post("/v1/items", self._create)]

    def control_routes(self) -> list[web.RouteDef]:
        return [web.post("/boost", self._boost)]

    def dev_entries(self, base_url: str) -> list[DevEntry]:
        return [DevEntry("echo", [{"url": base_url}])]

    def reset(self) -> None:
        super().reset()
        self.energy = 0.0

    def evolve(self, start: float, end: float) -> None:
        self.energy += end - start

    async def _item(self, request: web.Request) -> web.Response:
        return web.json_response({"item": request.match_info["item"], "energy": self.energy})

    async def _create(self, request: web.Request) -> web.Response:
        return web.json_response(await request.json(), status=201)

    async def _boost(self, _: web.Request) -> web.Response:
        self.energy += 1000
        return web.json_response({"energy": self.energy})


@pytest.fixture
async def sim(socket_enabled: None) -> Any:
    simulator = Simulator([EchoVendor], SimClock(datetime(2026, 1, 1, tzinfo=UTC), frozen=True))
    await simulator.start()
    async with aiohttp.ClientSession() as session:
        yield simulator, session
    await simulator.stop()


async def test_clock_frozen_advance_set_unfreeze() -> None:
    clock = SimClock(datetime(2026, 3, 1, 8, 0), frozen=True)  # noqa: DTZ001 - naive is UTC
    assert clock.now() == datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    clock.advance(90)
    assert clock.now() == datetime(2026, 3, 1, 8, 1, 30, tzinfo=UTC)
    clock.set(datetime(2026, 3, 2, tzinfo=UTC))
    assert clock.timestamp() == datetime(2026, 3, 2, tzinfo=UTC).timestamp()
    clock.unfreeze()
    assert not clock.frozen
    assert abs(clock.timestamp() - datetime(2026, 3, 2, tzinfo=UTC).timestamp()) < 5
    clock.advance(3600)
    clock.set(datetime(2030, 1, 1, tzinfo=UTC))
    clock.freeze()
    assert clock.frozen
    assert abs(clock.timestamp() - datetime(2030, 1, 1, tzinfo=UTC).timestamp()) < 5


async def test_vendor_evolves_on_simulated_time(sim: Any) -> None:
    simulator, session = sim
    url = simulator.url("echo")
    async with session.get(f"{url}/v1/items/a") as resp:
        assert (await resp.json())["energy"] == 0
    async with session.post(f"{simulator.base_url}{CONTROL_PREFIX}/clock", json={"advance": 60}):
        pass
    async with session.get(f"{url}/v1/items/a") as resp:
        assert (await resp.json())["energy"] == 60
    async with session.post(f"{simulator.base_url}{CONTROL_PREFIX}/echo/boost") as resp:
        assert (await resp.json())["energy"] == 1060


async def test_counters_per_vendor_and_endpoint(sim: Any) -> None:
    simulator, session = sim
    url = simulator.url("echo")
    for item in ("a", "b", "c"):
        async with session.get(f"{url}/v1/items/{item}"):
            pass
    async with session.post(f"{url}/v1/items", json={"x": 1}) as resp:
        assert resp.status == 201
    assert simulator.log.count("echo", "GET /echo/v1/items/{item}") == 3
    async with session.get(f"{simulator.base_url}{CONTROL_PREFIX}/requests") as resp:
        data = await resp.json()
    assert data["total"] == 4
    assert data["by_vendor"]["echo"]["endpoints"] == {
        "GET /echo/v1/items/{item}": 3,
        "POST /echo/v1/items": 1,
    }
    assert data["by_vendor"]["echo"]["bytes_in"] == len(b'{"x": 1}')
    assert data["by_vendor"]["echo"]["bytes_out"] > 0
    async with session.delete(f"{simulator.base_url}{CONTROL_PREFIX}/requests"):
        pass
    assert simulator.log.count() == 0


async def test_fault_for_next_n_requests(sim: Any) -> None:
    simulator, session = sim
    control = f"{simulator.base_url}{CONTROL_PREFIX}/faults"
    fault = {
        "vendor": "echo",
        "path": "/v1/items/*",
        "status": 429,
        "headers": {"Retry-After": "120"},
        "body": '{"error": "slow down"}',
        "remaining": 2,
    }
    async with session.post(control, json=fault) as resp:
        assert resp.status == 201
    url = f"{simulator.url('echo')}/v1/items/a"
    for _ in range(2):
        async with session.get(url) as resp:
            assert resp.status == 429
            assert resp.headers["Retry-After"] == "120"
            assert await resp.json() == {"error": "slow down"}
    async with session.get(url) as resp:
        assert resp.status == 200
    # Faulted requests are counted with their status.
    assert [r.status for r in simulator.log.recent] == [429, 429, 200]


async def test_fault_until_cleared_method_filter_and_removal(sim: Any) -> None:
    simulator, session = sim
    control = f"{simulator.base_url}{CONTROL_PREFIX}/faults"
    async with session.post(control, json={"vendor": "echo", "method": "post", "status": 503}) as r:
        fault_id = (await r.json())["id"]
    for _ in range(3):
        async with session.post(f"{simulator.url('echo')}/v1/items", json={}) as resp:
            assert resp.status == 503
    async with session.get(f"{simulator.url('echo')}/v1/items/a") as resp:
        assert resp.status == 200
    async with session.get(control) as resp:
        assert [f["hits"] for f in await resp.json()] == [3]
    async with session.delete(f"{control}/{fault_id}") as resp:
        assert resp.status == 200
    async with session.delete(f"{control}/{fault_id}") as resp:
        assert resp.status == 404
    async with session.post(f"{simulator.url('echo')}/v1/items", json={}) as resp:
        assert resp.status == 201


async def test_malformed_and_delay_faults(sim: Any) -> None:
    simulator, session = sim
    simulator.faults.inject("echo", "/v1/items/a", malformed=True, remaining=1)
    async with session.get(f"{simulator.url('echo')}/v1/items/a") as resp:
        assert resp.status == 200
        with pytest.raises(ValueError):
            await resp.json()
    simulator.faults.inject("echo", "*", delay=2, remaining=1)
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.2), session.get(f"{simulator.url('echo')}/v1/items/a"):
            pass
    simulator.faults.clear("echo")
    assert list(simulator.faults) == []


async def test_bad_fault_requests_are_refused(sim: Any) -> None:
    simulator, session = sim
    control = f"{simulator.base_url}{CONTROL_PREFIX}/faults"
    for bad in (
        {"vendor": "nope", "status": 500},
        {"vendor": "echo"},
        {"vendor": "echo", "status": 500, "colour": "red"},
        ["not", "an", "object"],
    ):
        async with session.post(control, json=bad) as resp:
            assert resp.status == 400, bad
    assert list(simulator.faults) == []


async def test_clock_control_and_reset(sim: Any) -> None:
    simulator, session = sim
    clock = f"{simulator.base_url}{CONTROL_PREFIX}/clock"
    async with session.post(clock, json={"set": "2026-06-01T00:00:00+00:00"}) as resp:
        assert (await resp.json())["now"] == "2026-06-01T00:00:00+00:00"
    async with session.post(clock, json={"set": "yesterday"}) as resp:
        assert resp.status == 400
    async with session.post(clock, json={"frozen": False}) as resp:
        assert (await resp.json())["frozen"] is False
    async with session.post(clock, json={"frozen": True}) as resp:
        assert (await resp.json())["frozen"] is True
    async with session.get(clock) as resp:
        assert (await resp.json())["frozen"] is True
    async with session.get(f"{simulator.url('echo')}/v1/items/a"):
        pass
    simulator.faults.inject("echo", status=500)
    async with session.post(f"{simulator.base_url}{CONTROL_PREFIX}/reset") as resp:
        assert resp.status == 200
    assert simulator.log.count() == 0
    assert list(simulator.faults) == []
    async with session.get(f"{simulator.base_url}{CONTROL_PREFIX}/health") as resp:
        assert (await resp.json())["vendors"] == ["echo"]


async def test_unknown_paths_are_404(sim: Any) -> None:
    simulator, session = sim
    async with session.get(f"{simulator.url('echo')}/nope") as resp:
        assert resp.status == 404
    async with session.get(f"{simulator.base_url}/unknown-vendor/x") as resp:
        assert resp.status == 404
    assert simulator.log.count("echo") == 1


def test_dev_entries_and_discovery() -> None:
    simulator = Simulator([EchoVendor])
    assert simulator.vendor("echo").dev_entries("http://x") == [
        DevEntry("echo", [{"url": "http://x"}])
    ]
    # Discovery finds every vendor module of the package (each exposes VENDOR).
    discovered = Simulator()
    assert all(isinstance(v, Vendor) for v in discovered.vendors.values())
