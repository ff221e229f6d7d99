"""Fault campaign for go-e Charger Cloud: a real Home Assistant against the simulator.

Every test injects one fault, checks that the charger's entities become unavailable (and what
else the fault must cause: a reauth flow, no request before Retry-After, ...), clears it and
checks that the entities are back by the next poll. The first failure keeps the interval and
the second in a row doubles it, so that poll comes within two intervals. The module shortens
the scan interval to the minimum of the options (10 s) to stay fast and restores the default
at the end.

go-e has no login: a token "expires" when the owner generates a new one in the app, and the
old one gets HTTP 401 from then on. Only /api/status, which every poll needs (and the config
flow validates with), judges the token: a 401/403 from /api/set is a refusal of the write.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
import json
from pathlib import Path
import time
from typing import Any

import pytest

from .conftest import HassEnv

DOMAIN = "smartenergy_goecharger"
VENDOR = "goecharger"
SERIAL = "051215"
STATUS_PATH = f"/{SERIAL}/api/status"
SET_PATH = f"/{SERIAL}/api/set"
STATUS_ENDPOINT = "GET /goecharger/{serial}/api/status"
SET_ENDPOINT = "GET /goecharger/{serial}/api/set"
ROTATED_TOKEN = "sim-goe-051215-renewed"

INTERVAL = 10  # seconds, the shortest scan interval the options allow
DEFAULT_INTERVAL = 30
ONE_POLL = INTERVAL + 5  # one poll plus the request and the state writes
# The next poll after an outage of one or two failed polls: the second failure in a row
# doubles the interval.
NEXT_POLL = 2 * INTERVAL + 5
CLIENT_TIMEOUT = 15  # api.REQUEST_TIMEOUT

TRANSLATIONS = json.loads(
    (
        Path(__file__).parents[2] / "custom_components" / DOMAIN / "translations" / "en.json"
    ).read_text()
)


@dataclass
class Charger:
    """The configured charger in the running Home Assistant."""

    entry_id: str
    token: str
    name: str
    entities: list[str]  # every entity of the integration that is available when healthy
    probe: str  # one of them, for homeassistant.update_entity
    problems_before: list[str]


def _message(key: str, **placeholders: str) -> str:
    """Return what the websocket API answers for a ServiceValidationError of ours."""
    message = str(TRANSLATIONS["exceptions"][key]["message"]).rstrip(".")  # as HA does
    return "Validation error: " + message.format(**placeholders)


def _entry(hass_env: HassEnv, entry_id: str) -> dict[str, Any] | None:
    return next((e for e in hass_env.entries(DOMAIN) if e["entry_id"] == entry_id), None)


def _loaded(hass_env: HassEnv, entry_id: str) -> bool:
    entry = _entry(hass_env, entry_id)
    return entry is not None and entry["state"] == "loaded"


def _unavailable(hass_env: HassEnv, entities: list[str]) -> list[str]:
    states = hass_env.states()
    return [e for e in entities if states.get(e, {}).get("state", "unavailable") == "unavailable"]


def _all_unavailable(hass_env: HassEnv, charger: Charger) -> bool:
    return len(_unavailable(hass_env, charger.entities)) == len(charger.entities)


def _all_available(hass_env: HassEnv, charger: Charger) -> bool:
    return not _unavailable(hass_env, charger.entities)


def _device(hass_env: HassEnv) -> dict[str, Any]:
    """Return the simulated charger's settings (read through the control API)."""
    status = hass_env.sim("GET", "/_sim/goecharger/chargers")[SERIAL]["status"]
    return {k: status[k] for k in ("amp", "psm", "frc", "trx", "acs", "fna", "ama", "mca")}


def _fault_hits(hass_env: HassEnv, fault_id: int) -> int:
    for fault in hass_env.sim("GET", "/_sim/faults"):
        if fault["id"] == fault_id:
            return int(fault["hits"])
    return 0


def _status_requests(hass_env: HassEnv) -> list[dict[str, Any]]:
    recent = hass_env.sim("GET", "/_sim/requests?recent=1000")["recent"]
    return [r for r in recent if r["path"] == f"/{VENDOR}{STATUS_PATH}"]


def _outage(hass_env: HassEnv, charger: Charger, timeout: float = ONE_POLL) -> None:
    """Poll now (HA debounces: at most one cooldown later) and wait for the outage to show."""
    hass_env.refresh(charger.probe)
    hass_env.wait_for(lambda: _all_unavailable(hass_env, charger), timeout=timeout)
    assert _loaded(hass_env, charger.entry_id), "the entry stays loaded during an outage"


def _healed(hass_env: HassEnv, charger: Charger, within: float = NEXT_POLL) -> float:
    """Wait (without asking for a refresh) until every entity is back; return how long."""
    start = time.monotonic()
    hass_env.wait_for(lambda: _all_available(hass_env, charger), timeout=within)
    return time.monotonic() - start


def _reauth_flows(hass_env: HassEnv) -> list[dict[str, Any]]:
    return hass_env.flows_in_progress(DOMAIN, "reauth")


def _issues(hass_env: HassEnv) -> dict[str, dict[str, Any]]:
    """Return our active repair issues by translation key."""
    issues = hass_env.ws({"type": "repairs/list_issues"})["result"]["issues"]
    return {i["translation_key"]: i for i in issues if i["domain"] == DOMAIN}


@pytest.fixture(scope="module")
def charger(hass_env: HassEnv) -> Generator[Charger]:
    """The dev charger, polled every 10 s for the campaign; the default interval afterwards."""
    steps = hass_env.dev_steps(DOMAIN)
    hass_env.clear_faults(VENDOR)
    result = hass_env.add_entry(DOMAIN, steps)
    assert result["type"] == "create_entry" or result.get("reason") == "already_configured"
    entry = hass_env.wait_for(
        lambda: next(
            (
                e
                for e in hass_env.entries(DOMAIN)
                if e["title"] == steps[0]["name"] and e["state"] == "loaded"
            ),
            None,
        ),
        timeout=60,
    )
    entry_id = entry["entry_id"]
    assert hass_env.set_options(entry_id, {"scan_interval": INTERVAL})["type"] == "create_entry"
    hass_env.wait_for(lambda: _loaded(hass_env, entry_id), timeout=30)

    def healthy() -> list[str]:
        states = hass_env.states()
        ids = [e for e in hass_env.integration_entities(DOMAIN) if e in states]
        available = [e for e in ids if states[e]["state"] != "unavailable"]
        return available if len(available) == len(ids) and len(ids) >= 10 else []

    entities = hass_env.wait_for(healthy, timeout=30)
    probe = next(e for e in entities if e.endswith("_car_charging_status"))
    yield Charger(
        entry_id=entry_id,
        token=steps[0]["api_token"],
        name=steps[0]["name"],
        entities=entities,
        probe=probe,
        problems_before=hass_env.log_problems(),
    )
    hass_env.clear_faults(VENDOR)
    hass_env.set_options(entry_id, {"scan_interval": DEFAULT_INTERVAL})
    hass_env.wait_for(lambda: _loaded(hass_env, entry_id), timeout=30)


def test_token_expiry_mid_run(hass_env: HassEnv, charger: Charger) -> None:
    """A new token generated in the app revokes the old one: reauth with the new one heals."""

    def rotate_and_reauth(token: str) -> None:
        hass_env.sim("POST", f"/_sim/goecharger/{SERIAL}/token", {"token": token})
        _outage(hass_env, charger)
        flows = hass_env.wait_for(lambda: _reauth_flows(hass_env), timeout=10)
        assert len(flows) == 1
        assert flows[0]["context"]["entry_id"] == charger.entry_id
        result = hass_env.api(
            "POST", f"/api/config/config_entries/flow/{flows[0]['flow_id']}", {"api_token": token}
        )
        assert result["type"] == "abort"
        assert result["reason"] == "reauth_successful"
        # The entry reloads with the new token: its first refresh brings the entities back.
        _healed(hass_env, charger)
        assert _reauth_flows(hass_env) == []

    try:
        rotate_and_reauth(ROTATED_TOKEN)
    finally:
        # Back to the simulator's token, which later tests of the session use.
        rotate_and_reauth(charger.token)


def test_persistent_401_starts_exactly_one_reauth(hass_env: HassEnv, charger: Charger) -> None:
    fault = hass_env.fault(
        VENDOR,
        f"/{SERIAL}/api/*",
        status=401,
        body='{"success": false, "reason": "Invalid token"}',
    )
    try:
        _outage(hass_env, charger)
        hass_env.wait_for(lambda: _reauth_flows(hass_env), timeout=10)
        # A second refresh (HA runs it when its debounce cooldown ends) meets the 401 again.
        hass_env.refresh(charger.probe)
        hass_env.wait_for(lambda: _fault_hits(hass_env, fault) >= 2, timeout=ONE_POLL)
        time.sleep(1)
        flows = _reauth_flows(hass_env)
        assert len(flows) == 1, flows
        assert _all_unavailable(hass_env, charger)
    finally:
        hass_env.clear_faults(VENDOR)
    # Heal: the token works again; reloading the entry ends the outage, the flow is dropped.
    hass_env.api("POST", f"/api/config/config_entries/entry/{charger.entry_id}/reload")
    hass_env.wait_for(lambda: _loaded(hass_env, charger.entry_id), timeout=30)
    _healed(hass_env, charger)
    for flow in _reauth_flows(hass_env):
        hass_env.api("DELETE", f"/api/config/config_entries/flow/{flow['flow_id']}")
    assert _reauth_flows(hass_env) == []


def test_403_cloud_api_disabled(hass_env: HassEnv, charger: Charger) -> None:
    """The owner turned the cloud API off: unavailable, no reauth, and a repair issue at once
    that says what to switch on; everything is back once it is on again."""
    hass_env.sim("POST", f"/_sim/goecharger/{SERIAL}/cloud_api", {"enabled": False})
    try:
        _outage(hass_env, charger)
        assert _reauth_flows(hass_env) == []
        issue = hass_env.wait_for(lambda: _issues(hass_env).get("cloud_api_disabled"), timeout=5)
        assert issue["issue_id"] == f"cloud_api_disabled_{charger.entry_id}"
        assert issue["translation_placeholders"] == {"name": charger.name}
        assert issue["severity"] == "error"
        strings = hass_env.ws(
            {
                "type": "frontend/get_translations",
                "language": "en",
                "category": "issues",
                "integration": [DOMAIN],
            }
        )["result"]["resources"]
        text = strings[f"component.{DOMAIN}.issues.cloud_api_disabled.description"]
        assert "Internet > Advanced settings" in text
        assert "switch on the cloud API" in text
    finally:
        hass_env.sim("POST", f"/_sim/goecharger/{SERIAL}/cloud_api", {"enabled": True})
    _healed(hass_env, charger)
    assert "cloud_api_disabled" not in _issues(hass_env)


@pytest.mark.parametrize("status", [401, 403])
def test_write_refused_by_the_set_endpoint(
    hass_env: HassEnv, charger: Charger, status: int
) -> None:
    """/api/status accepts the token, /api/set refuses it: the writes fail with a translated
    error, no reauth flow starts, the token is not checked again, the entities stay."""
    number = next(e for e in charger.entities if e.startswith("number."))
    select = next(
        e for e in charger.entities if e.startswith("select.") and e.endswith("_phase_mode")
    )
    before = _device(hass_env)
    fault = hass_env.fault(
        VENDOR, SET_PATH, status=status, body='{"success": false, "reason": "refused"}'
    )
    try:
        started = time.monotonic()
        requests_before = hass_env.requests(VENDOR).get(STATUS_ENDPOINT, 0)
        calls = [
            ("select", "select_option", {"entity_id": select, "option": "one_phase"}),
            ("number", "set_value", {"entity_id": number, "value": 10}),
            (DOMAIN, "stop_charging", {"device_name": SERIAL}),
        ]
        for domain, action, data in calls:
            reply = hass_env.ws_call_service(domain, action, data)
            assert reply["success"] is False, (action, reply)
            error = reply["error"]
            assert error["code"] == "home_assistant_error", (action, error)
            assert error["translation_key"] == "endpoint_refused", (action, error)
            assert f"HTTP {status}" in error["message"], (action, error)
        assert _fault_hits(hass_env, fault) == len(calls)
        assert _reauth_flows(hass_env) == []
        # no status request because of the refusals: at most the regular polls
        polls = hass_env.requests(VENDOR).get(STATUS_ENDPOINT, 0) - requests_before
        assert polls <= 1 + (time.monotonic() - started) / INTERVAL
        assert _device(hass_env) == before
        hass_env.refresh(charger.probe)
        time.sleep(2)
        assert _all_available(hass_env, charger)
        assert _loaded(hass_env, charger.entry_id)
        assert _reauth_flows(hass_env) == []
        assert _issues(hass_env) == {}
    finally:
        hass_env.clear_faults(VENDOR)


def test_404_from_the_cloud(hass_env: HassEnv, charger: Charger) -> None:
    """A bare 404 (no go-e JSON body), as a proxy or a moved endpoint would answer."""
    hass_env.fault(VENDOR, STATUS_PATH, status=404, body="Not Found", content_type="text/plain")
    try:
        _outage(hass_env, charger)
        assert _reauth_flows(hass_env) == []
    finally:
        hass_env.clear_faults(VENDOR)
    _healed(hass_env, charger)


def test_429_retry_after_is_honoured(hass_env: HassEnv, charger: Charger) -> None:
    retry_after = 15
    hass_env.fault(
        VENDOR,
        STATUS_PATH,
        status=429,
        headers={"Retry-After": str(retry_after)},
        body='{"success": false, "reason": "Too many requests"}',
        remaining=1,
    )
    _outage(hass_env, charger)
    limited = [r for r in _status_requests(hass_env) if r["status"] == 429][-1]
    # Ask for another poll at once: HA runs it when its cooldown ends, before Retry-After;
    # the integration must not call the cloud for it.
    hass_env.refresh(charger.probe)
    _healed(hass_env, charger, within=retry_after + ONE_POLL)
    after = [r for r in _status_requests(hass_env) if r["at"] > limited["at"]]
    assert after, "the charger was polled again after Retry-After"
    assert after[0]["at"] - limited["at"] >= retry_after, (limited, after[0])
    assert after[0]["status"] == 200


def test_500_503_burst(hass_env: HassEnv, charger: Charger) -> None:
    # First match wins: the 500 answers one poll, then the 503 answers the next.
    first = hass_env.fault(VENDOR, STATUS_PATH, status=500, remaining=1)
    second = hass_env.fault(VENDOR, STATUS_PATH, status=503, remaining=1)
    _outage(hass_env, charger)
    assert _fault_hits(hass_env, first) == 1
    hass_env.wait_for(lambda: _fault_hits(hass_env, second) == 1, timeout=ONE_POLL)
    assert _all_unavailable(hass_env, charger)
    # The burst is over by itself; the next poll heals. It comes two intervals after the
    # second failure: the second failure in a row doubles the interval.
    _healed(hass_env, charger)
    requests = _status_requests(hass_env)
    failed = next(r for r in reversed(requests) if r["status"] == 503)
    after = [r for r in requests if r["at"] > failed["at"]]
    assert after[0]["status"] == 200, after
    assert after[0]["at"] - failed["at"] >= 2 * INTERVAL - 1, (failed, after[0])


def test_request_slower_than_the_timeout(hass_env: HassEnv, charger: Charger) -> None:
    hass_env.fault(VENDOR, STATUS_PATH, delay=CLIENT_TIMEOUT + 5, remaining=1)
    _outage(hass_env, charger, timeout=CLIENT_TIMEOUT + ONE_POLL)
    _healed(hass_env, charger)


def test_malformed_body(hass_env: HassEnv, charger: Charger) -> None:
    hass_env.fault(VENDOR, STATUS_PATH, malformed=True)
    try:
        _outage(hass_env, charger)
    finally:
        hass_env.clear_faults(VENDOR)
    _healed(hass_env, charger)


def test_charger_vanishes_and_returns(hass_env: HassEnv, charger: Charger) -> None:
    """The charger drops off the cloud (HTTP 404 "Data is outdated") and comes back."""
    hass_env.sim("POST", f"/_sim/goecharger/{SERIAL}/offline", {"offline": True})
    try:
        _outage(hass_env, charger)
        assert _reauth_flows(hass_env) == []
        # it may come back by itself: the repair issue waits 30 minutes
        assert _issues(hass_env) == {}
    finally:
        hass_env.sim("POST", f"/_sim/goecharger/{SERIAL}/offline", {"offline": False})
    _healed(hass_env, charger)


def _invalid_calls(charger: Charger, number: str, select: str) -> list[tuple[Any, ...]]:
    """(domain, action, data, error code, translation key, message or None)."""
    unknown = "Nobody's charger"
    return [
        (DOMAIN, "start_charging", {"device_name": unknown}, "unknown_charger",
         _message("unknown_charger", device_name=unknown)),
        (DOMAIN, "stop_charging", {"device_name": unknown}, "unknown_charger",
         _message("unknown_charger", device_name=unknown)),
        (DOMAIN, "start_charging", {"device_name": SERIAL, "charging_power": 5},
         "current_out_of_range", _message("current_out_of_range", current="5", min="6", max="32")),
        (DOMAIN, "change_charging_power", {"device_name": charger.name, "charging_power": 40},
         "current_out_of_range",
         _message("current_out_of_range", current="40", min="6", max="32")),
        (DOMAIN, "set_phase", {"device_name": unknown, "phase": 1}, "unknown_charger",
         _message("unknown_charger", device_name=unknown)),
        (DOMAIN, "set_transaction", {"device_name": unknown, "status": 0}, "unknown_charger",
         _message("unknown_charger", device_name=unknown)),
        ("number", "set_value", {"entity_id": number, "value": 99}, "out_of_range",
         f"Validation error: Value 99.0 for {number} is outside valid range 6.0 - 32.0"),
        ("select", "select_option", {"entity_id": select, "option": "turbo"},
         "not_valid_option", None),
    ]  # fmt: skip


def _schema_calls() -> list[tuple[str, dict[str, Any]]]:
    """Input the action schemas refuse before the integration runs."""
    return [
        ("set_phase", {"device_name": SERIAL, "phase": 3}),
        ("set_transaction", {"device_name": SERIAL, "status": 5}),
        ("change_charging_power", {"device_name": SERIAL, "charging_power": "fast"}),
        ("change_charging_power", {"device_name": SERIAL}),
        ("stop_charging", {}),
        ("start_charging", {"device_name": SERIAL, "charging_power": -1}),
    ]


def test_actions_with_invalid_input(hass_env: HassEnv, charger: Charger) -> None:
    """Each action refuses bad input with a clean, translated error and changes nothing."""
    number = next(e for e in charger.entities if e.startswith("number."))
    select = next(
        e for e in charger.entities if e.startswith("select.") and e.endswith("_phase_mode")
    )
    before = _device(hass_env)
    sets_before = hass_env.requests(VENDOR).get(SET_ENDPOINT, 0)

    for domain, action, data, key, message in _invalid_calls(charger, number, select):
        reply = hass_env.ws_call_service(domain, action, data)
        assert reply["success"] is False, (action, data, reply)
        error = reply["error"]
        assert error["code"] == "service_validation_error", (action, data, error)
        assert error["translation_key"] == key, (action, data, error)
        assert "Traceback" not in error["message"]
        if message is not None:
            assert error["message"] == message, (action, data, error)
    for action, data in _schema_calls():
        reply = hass_env.ws_call_service(DOMAIN, action, data)
        assert reply["success"] is False, (action, data, reply)
        assert reply["error"]["code"] == "invalid_format", (action, data, reply)

    assert _device(hass_env) == before
    assert hass_env.requests(VENDOR).get(SET_ENDPOINT, 0) == sets_before
    assert _all_available(hass_env, charger)


def test_no_secrets_and_no_traceback(hass_env: HassEnv, charger: Charger) -> None:
    diagnostics = json.dumps(hass_env.diagnostics(charger.entry_id))
    log = hass_env.log_text()
    for secret in (charger.token, ROTATED_TOKEN):
        assert secret not in diagnostics
        assert secret not in log
    assert json.loads(diagnostics)["data"]["entry"]["data"]["api_token"] == "**REDACTED**"
    new_problems = [p for p in hass_env.log_problems() if p not in charger.problems_before]
    assert new_problems == []
