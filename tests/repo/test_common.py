"""The modules the integrations share: identical copies, used, translated alike, and correct.

``common/`` holds the one edited copy; ``scripts/sync_common`` writes it into the integrations.
The behaviour of the shared code is tested once here (on one copy: they are byte-identical) and
through every integration's own tests.
"""

from __future__ import annotations

from datetime import timedelta
import importlib.util
import json
import logging
from pathlib import Path
import shutil
from types import ModuleType

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, HomeAssistantError
from homeassistant.helpers.update_coordinator import UpdateFailed
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.charge_amps_monitor.cloud import (
    DEFAULT_RETRY_AFTER,
    MAX_BACKOFF,
    MAX_RETRY_AFTER,
    SLACK,
    BackOff,
    ClientErrors,
    CloudCoordinator,
)

ROOT = Path(__file__).resolve().parents[2]
SHARED_KEYS = (
    "auth_failed",
    "endpoint_refused",
    "rate_limited",
    "cannot_connect",
    "rejected",
    "api_error",
)


def _sync_common() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sync_common", ROOT / "scripts/sync_common.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SYNC = _sync_common()


def test_copies_are_identical() -> None:
    """Every integration's copy of a shared module is the one in common/."""
    assert SYNC.stale_copies() == []


def test_a_changed_copy_is_caught(tmp_path: Path) -> None:
    """The check fails on a copy edited by hand, and on a missing one."""
    shutil.copytree(ROOT / "common", tmp_path / "common")
    for name, domains in SYNC.COPIES.items():
        for domain in domains:
            target = tmp_path / "custom_components" / domain
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / "common" / name, target / name)
    assert SYNC.stale_copies(tmp_path) == []
    edited = tmp_path / "custom_components/ohme/cloud.py"
    edited.write_text(edited.read_text() + "# local change\n")
    (tmp_path / "custom_components/osoenergy/devices.py").unlink()
    assert sorted(SYNC.stale_copies(tmp_path)) == sorted(
        [edited, tmp_path / "custom_components/osoenergy/devices.py"]
    )


@pytest.mark.parametrize(
    ("name", "domain"),
    [(name, domain) for name, domains in SYNC.COPIES.items() for domain in domains],
)
def test_copies_are_used(name: str, domain: str) -> None:
    """An integration that carries a shared module uses it (no dead copy, no own variant)."""
    module = name.removesuffix(".py")
    sources = [
        path.read_text()
        for path in (ROOT / "custom_components" / domain).rglob("*.py")
        if path.name != name
    ]
    assert any(f"from .{module} import" in source for source in sources)


def test_shared_error_messages_are_the_same_everywhere() -> None:
    """The errors of common/cloud.py read the same in the four integrations."""
    messages = {
        domain: {
            key: json.loads(
                (ROOT / "custom_components" / domain / "translations/en.json").read_text()
            )["exceptions"][key]["message"]
            for key in SHARED_KEYS
        }
        for domain in SYNC.ALL
    }
    first = messages[SYNC.ALL[0]]
    assert all(each == first for each in messages.values()), messages


def test_backoff_doubles_from_the_second_failure_up_to_the_cap() -> None:
    """One failure keeps the interval; more in a row double it up to MAX_BACKOFF."""
    backoff = BackOff(timedelta(seconds=60))
    delays = [backoff.failed() for _ in range(6)]
    assert delays == [timedelta(seconds=s) for s in (60, 120, 240, 480, 900, 900)]
    assert timedelta(seconds=900) == MAX_BACKOFF
    assert backoff.backing_off
    assert backoff.succeeded() == timedelta(seconds=60)
    assert not backoff.backing_off
    assert backoff.failed() == timedelta(seconds=60)


def test_backoff_never_shortens_a_long_interval() -> None:
    """An interval longer than MAX_BACKOFF stays the delay after failures."""
    backoff = BackOff(timedelta(minutes=30))
    assert [backoff.failed() for _ in range(3)] == [timedelta(minutes=30)] * 3
    for _ in range(100):  # many failures in a row do not overflow
        backoff.failed()
    assert backoff.failed() == timedelta(minutes=30)


def test_backoff_honours_retry_after(freezer: FrozenDateTimeFactory) -> None:
    """A 429 forbids requests until Retry-After has passed; the next poll comes just after."""
    backoff = BackOff(timedelta(seconds=30))
    assert backoff.wait() is None
    assert backoff.failed(120, rate_limited=True) == timedelta(seconds=120) + SLACK
    assert backoff.wait() == 120
    freezer.tick(119)
    assert backoff.wait() == 1
    freezer.tick(1)
    assert backoff.wait() is None
    assert backoff.retry_at is None


def test_backoff_without_retry_after_waits_the_default(freezer: FrozenDateTimeFactory) -> None:
    """A 429 that does not say how long holds requests back for DEFAULT_RETRY_AFTER."""
    backoff = BackOff(timedelta(seconds=30))
    assert backoff.failed(None, rate_limited=True) == DEFAULT_RETRY_AFTER + SLACK
    assert backoff.wait() == DEFAULT_RETRY_AFTER.total_seconds()
    slow = BackOff(timedelta(hours=1))
    assert slow.hold(None) == timedelta(hours=1)


@pytest.mark.parametrize(
    ("retry_after", "wait"),
    [
        (0, DEFAULT_RETRY_AFTER),
        (-5, DEFAULT_RETRY_AFTER),
        (float("nan"), DEFAULT_RETRY_AFTER),
        (float("inf"), MAX_RETRY_AFTER),
        (1e300, MAX_RETRY_AFTER),
        (0.5, timedelta(seconds=0.5)),
    ],
)
def test_backoff_survives_odd_retry_after(retry_after: float, wait: timedelta) -> None:
    """A Retry-After that is no usable wait falls back to the default or the cap, no crash."""
    backoff = BackOff(timedelta(seconds=30))
    assert backoff.hold(retry_after) == wait
    assert backoff.failed(retry_after, rate_limited=True) == max(
        wait + SLACK, timedelta(seconds=30)
    )


class _Error(Exception):
    pass


class _AuthError(_Error):
    pass


class _RefusedError(_Error):
    status = 403


class _RateLimitedError(_Error):
    def __init__(self, retry_after: float | None) -> None:
        super().__init__("429")
        self.retry_after = retry_after


class _ConnectionError(_Error):
    pass


class _RejectedError(_Error):
    pass


class _Coordinator(CloudCoordinator[dict[str, int]]):
    """A coordinator whose fetch answers or raises what the test puts in ``answers``."""

    errors = ClientErrors(
        base=_Error,
        auth=_AuthError,
        endpoint_refused=_RefusedError,
        rate_limited=_RateLimitedError,
        connection=_ConnectionError,
        rejected=_RejectedError,
    )

    def __init__(self, hass: HomeAssistant, entry: MockConfigEntry) -> None:
        super().__init__(
            hass, logging.getLogger(__name__), entry, name="test", interval=timedelta(seconds=60)
        )
        self.answers: list[dict[str, int] | Exception] = []
        self.fetches = 0

    async def _async_fetch(self) -> dict[str, int]:
        self.fetches += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
async def coordinator(hass: HomeAssistant, enable_custom_integrations: None) -> _Coordinator:
    """Return a test coordinator of a (not set up) Charge Amps entry."""
    entry = MockConfigEntry(domain="charge_amps_monitor", data={"email": "a@b.c"})
    entry.add_to_hass(hass)
    return _Coordinator(hass, entry)


@pytest.mark.parametrize(
    ("error", "raised", "key", "placeholders"),
    [
        (_AuthError("no"), ConfigEntryAuthFailed, "auth_failed", None),
        (_RefusedError("403"), UpdateFailed, "endpoint_refused", {"status": "403"}),
        (_RateLimitedError(30), UpdateFailed, "rate_limited", {"seconds": "30"}),
        (_ConnectionError("down"), UpdateFailed, "cannot_connect", {"error": "down"}),
        (_RejectedError("bad"), UpdateFailed, "rejected", {"error": "bad"}),
        (_Error("odd"), UpdateFailed, "api_error", {"error": "odd"}),
    ],
)
async def test_poll_errors_are_translated(
    coordinator: _Coordinator,
    error: Exception,
    raised: type[Exception],
    key: str,
    placeholders: dict[str, str] | None,
) -> None:
    """Each kind of client error becomes what Home Assistant understands, with its key."""
    coordinator.answers = [error]
    await coordinator.async_refresh()
    assert not coordinator.last_update_success
    failure = coordinator.last_exception
    assert type(failure) is raised
    assert isinstance(failure, HomeAssistantError)
    assert failure.translation_key == key
    assert failure.translation_domain == "charge_amps_monitor"
    assert failure.translation_placeholders == placeholders


async def test_set_interval_waits_for_a_running_backoff(coordinator: _Coordinator) -> None:
    """A new interval applies at once, or after the back-off a failure started."""
    coordinator.set_interval(timedelta(seconds=30))
    assert coordinator.update_interval == timedelta(seconds=30)
    coordinator.answers = [_ConnectionError("down"), _ConnectionError("down"), {"a": 1}]
    await coordinator.async_refresh()
    await coordinator.async_refresh()
    assert coordinator.update_interval == timedelta(seconds=60)
    coordinator.set_interval(timedelta(seconds=45))
    assert coordinator.update_interval == timedelta(seconds=60)
    await coordinator.async_refresh()
    assert coordinator.interval == coordinator.update_interval == timedelta(seconds=45)


async def test_retry_after_of_a_poll_keeps_entities_unavailable(
    coordinator: _Coordinator, freezer: FrozenDateTimeFactory
) -> None:
    """After a poll's 429 nothing is fetched until Retry-After, and refreshes keep failing."""
    coordinator.answers = [{"a": 1}, _RateLimitedError(100), {"a": 2}]
    await coordinator.async_refresh()
    await coordinator.async_refresh()
    assert coordinator.update_interval == timedelta(seconds=101)
    freezer.tick(40)
    await coordinator.async_refresh()
    assert coordinator.fetches == 2
    assert not coordinator.last_update_success
    assert isinstance(coordinator.last_exception, UpdateFailed)
    assert coordinator.last_exception.translation_placeholders == {"seconds": "60"}
    assert coordinator.update_interval == timedelta(seconds=61)
    freezer.tick(60)
    await coordinator.async_refresh()
    assert coordinator.fetches == 3
    assert coordinator.data == {"a": 2}
    assert coordinator.update_interval == timedelta(seconds=60)


async def test_commands_are_translated(hass: HomeAssistant, coordinator: _Coordinator) -> None:
    """A command returns its result; its errors become translated HomeAssistantErrors."""

    async def command(result: int | Exception) -> int:
        if isinstance(result, Exception):
            raise result
        return result

    assert await coordinator.async_write(command(7)) == 7
    with pytest.raises(HomeAssistantError) as err:
        await coordinator.async_write(command(_RejectedError("too high")))
    assert type(err.value) is HomeAssistantError
    assert err.value.translation_key == "rejected"
    assert err.value.translation_placeholders == {"error": "too high"}
    assert not hass.config_entries.flow.async_progress()
    with pytest.raises(HomeAssistantError) as err:
        await coordinator.async_write(command(_AuthError("refused")))
    assert err.value.translation_key == "auth_failed"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_a_commands_retry_after_holds_polls_but_keeps_data(
    coordinator: _Coordinator, freezer: FrozenDateTimeFactory
) -> None:
    """A command answered 429: polls wait for Retry-After and the last answer stays."""

    async def throttled() -> None:
        raise _RateLimitedError(None)

    coordinator.answers = [{"a": 1}, {"a": 2}]
    await coordinator.async_refresh()
    with pytest.raises(HomeAssistantError) as err:
        await coordinator.async_write(throttled())
    assert err.value.translation_key == "rate_limited"
    assert err.value.translation_placeholders == {"seconds": "300"}
    assert coordinator.update_interval == DEFAULT_RETRY_AFTER + SLACK
    freezer.tick(120)
    await coordinator.async_refresh()
    assert coordinator.fetches == 1
    assert coordinator.last_update_success
    assert coordinator.data == {"a": 1}
    freezer.tick(180)
    await coordinator.async_refresh()
    assert coordinator.data == {"a": 2}
