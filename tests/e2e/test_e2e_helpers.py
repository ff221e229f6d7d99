"""The e2e helpers themselves: websocket action calls, in-progress flows, the log check."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from .conftest import HassEnv, is_our_deprecation


def test_websocket_action_errors_are_clean(hass_env: HassEnv) -> None:
    ok = hass_env.ws_call_service("homeassistant", "update_entity", {"entity_id": []})
    assert ok["success"] is True
    bad = hass_env.ws_call_service("homeassistant", "no_such_action", {})
    assert bad["success"] is False
    assert bad["error"]["code"] == "not_found"
    assert hass_env.flows_in_progress("no_such_domain") == []
    assert hass_env.requests("no_such_vendor") == {"total": 0}


@pytest.mark.parametrize(
    ("record", "ours"),
    [
        (
            (
                "2026-12-06 10:00:00.000 WARNING (MainThread) [homeassistant.helpers.frame] Detected"
                " that custom integration 'ohme' calls `device_registry.async_get_device`, which is"
                " deprecated; use `async_get_device_by_identifier` at custom_components/ohme/x.py,"
                " line 3. This will stop working in Home Assistant 2027.8.0, please create a bug"
                " report at https://example.org"
            ),
            True,
        ),
        (
            (
                "2026-12-06 10:00:00.000 WARNING (MainThread) [custom_components.osoenergy.water_heater]"
                " custom_components.osoenergy.water_heater::OSOEnergyWaterHeater provides the"
                " deprecated temperature_unit, this will stop working in Home Assistant 2027.11, use"
                " native_temperature_unit instead, please report it to the author of the"
                " 'osoenergy' custom integration"
            ),
            True,
        ),
        (
            (
                "2026-12-06 10:00:00.000 WARNING (MainThread) [homeassistant.helpers.frame] Detected"
                " that custom integration 'charge_amps_monitor' has an update listener and should use"
                " it for scheduling a reload"
            ),
            True,
        ),
        (
            (
                "2026-12-06 10:00:00.000 WARNING (SyncWorker_0) [homeassistant.loader] We found a"
                " custom integration ohme which has not been tested by Home Assistant. This component"
                " might cause stability problems, be sure to disable it if you experience issues"
            ),
            False,
        ),
        (
            (
                "2026-12-06 10:00:00.000 WARNING (MainThread) [homeassistant.helpers.frame] Detected"
                " that custom integration 'hacs' calls a deprecated helper"
            ),
            False,
        ),
        (
            (
                "2026-12-06 10:00:00.000 DEBUG (MainThread) [custom_components.ohme.coordinator]"
                " Finished fetching ohme data in 0.010 seconds (success: True)"
            ),
            False,
        ),
    ],
)
def test_deprecation_records_of_ours_are_recognised(record: str, ours: bool) -> None:
    assert is_our_deprecation(record) is ours


def test_log_problems_skip_debug_detail_but_not_errors(tmp_path: Path) -> None:
    log = tmp_path / "hass.log"
    log.write_text(
        "2026-12-06 10:00:00.000 DEBUG (MainThread) [custom_components.ohme] Full error:\n"
        "Traceback (most recent call last):\n  File x\nTimeoutError\n"
        "2026-12-06 10:00:01.000 ERROR (MainThread) [homeassistant.setup] Error during setup\n"
        "Traceback (most recent call last):\n  File y\nValueError\n"
        "2026-12-06 10:00:02.000 DEBUG (MainThread) [homeassistant.helpers.frame] Detected that"
        " custom integration 'ohme' calls a deprecated helper\n"
    )
    env = HassEnv(SimpleNamespace(client=None, sim_url=""), log)  # type: ignore[arg-type]
    problems = env.log_problems()
    assert len(problems) == 2
    assert "ValueError" in problems[0]
    assert "deprecated helper" in problems[1]
    assert env.deprecations() == [problems[1]]


def test_hass_2025_logging_of_an_action_error_is_not_a_problem(tmp_path: Path) -> None:
    log = tmp_path / "hass.log"
    header = (
        "2026-12-06 10:00:00.000 ERROR (MainThread)"
        " [homeassistant.components.websocket_api.http.connection] [1] Unexpected exception\n"
        "Traceback (most recent call last):\n  File x\n"
    )
    log.write_text(
        header
        + "homeassistant.exceptions.HomeAssistantError: The cloud refused the change\n"
        + header.replace("10:00:00", "10:00:01")
        + "KeyError: 'slots'\n"
    )
    env = HassEnv(SimpleNamespace(client=None, sim_url=""), log)  # type: ignore[arg-type]
    assert len(env.log_problems()) == 1
    assert "KeyError" in env.log_problems()[0]
