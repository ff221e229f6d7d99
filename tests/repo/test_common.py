"""The modules the integrations share: identical copies, used, translated alike, and correct.

``common/`` holds the one edited copy; ``scripts/sync_common`` writes it into the integrations.
The behaviour of the shared code is tested once here (on one copy: they are byte-identical) and
through every integration's own tests.
"""

from __future__ import annotations

from datetime import timedelta
import importlib.util
import json
from pathlib import Path
import shutil
from types import ModuleType

from freezegun.api import FrozenDateTimeFactory
import pytest

from custom_components.charge_amps_monitor.cloud import (
    DEFAULT_RETRY_AFTER,
    MAX_BACKOFF,
    SLACK,
    BackOff,
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
