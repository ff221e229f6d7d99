"""Fixtures shared by every test package.

- ``simulator``: the vendor-cloud simulator served in-process on 127.0.0.1 (the only host
  pytest-socket lets tests reach), with a frozen clock the test drives.
- ``entity_registry_enabled_by_default``: enable every entity, as HA core's tests do.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from datetime import UTC, datetime
import inspect
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest.mock import patch

from aiohttp import ClientResponse
import aioresponses.core
import pytest
from yarl import URL

from simulator import SimClock, Simulator

SIM_START = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


if "stream_writer" in inspect.signature(ClientResponse.__init__).parameters:

    class _MockedClientResponse(ClientResponse):
        """The response aioresponses builds, given what aiohttp 3.14 requires.

        aioresponses 0.7.9 (the newest) constructs ``ClientResponse`` without the
        ``stream_writer`` argument that aiohttp 3.14 made required; a response that was
        never sent only reads its ``output_size``.
        """

        def __init__(self, method: str, url: URL, **kwargs: Any) -> None:
            kwargs.setdefault("stream_writer", SimpleNamespace(output_size=0))
            super().__init__(method, url, **kwargs)

    aioresponses.core.ClientResponse = _MockedClientResponse  # type: ignore[misc]


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add --run-bench: benchmarks only run from scripts/bench."""
    parser.addoption("--run-bench", action="store_true", help="run tests/bench")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Leave tests/bench out unless --run-bench is given."""
    if collection_path.name == "bench" and not config.getoption("--run-bench"):
        return True
    return None


@pytest.fixture
async def simulator(socket_enabled: None) -> AsyncGenerator[Simulator]:
    """Serve every simulated vendor on a free local port; the clock is frozen at SIM_START.

    pytest-socket (set up by the HA test plugin) blocks socket creation; ``socket_enabled``
    allows it again while its host filter still limits connections to 127.0.0.1.
    """
    sim = Simulator(clock=SimClock(SIM_START, frozen=True))
    await sim.start()
    yield sim
    await sim.stop()


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Enable entities that are disabled by default."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
    ):
        yield
