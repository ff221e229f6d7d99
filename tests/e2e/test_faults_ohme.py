"""Fault campaign for Ohme: a real Home Assistant against the simulated Ohme cloud.

Each test injects one fault, checks that the affected entities become unavailable (and what
else the fault must cause: a token renewal, a reauth flow, no request before Retry-After, ...),
clears it and checks that the entities are back within one poll. Ohme polls the charge session
every 30 s (not configurable); to keep the module short most tests ask for that poll at once
(``homeassistant.update_entity``, debounced by HA for 10 s) instead of waiting for the schedule;
the 429 test waits for the scheduled poll after Retry-After (the outage test of ``test_ohme.py``
also heals by the schedule alone).

Which entities a fault affects: a failing ``/v1/chargeSessions`` poll makes the session entities
(sensors, binary sensor, numbers, target time) unavailable; the switches and the vehicle select
belong to the 30-minute account poll and stay available, by design. A charger that Ohme reports
offline, or that vanishes from the account, makes every entity unavailable.

Not covered here (covered elsewhere): a revoked token, an outage and a password change with one
reauth flow are in ``test_ohme.py``; the 45-minute token refresh runs on the monotonic clock of
the hass process, which cannot be moved here, so it is in ``tests/ohme/test_coordinator.py`` and
the benchmark. Token expiry mid-run is simulated by letting the simulator expire the ID tokens.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
import json
from pathlib import Path
import re
import time
from typing import Any

import pytest

from .conftest import HassEnv

DOMAIN = "ohme"
VENDOR = "ohme"
SESSIONS_PATH = "/v1/chargeSessions"
LOGIN = "POST /ohme/identitytoolkit/v3/relyingparty/verifyPassword"
REFRESH = "POST /ohme/securetoken/v1/token"
GOOGLE_API_KEY = "AIzaSyC8ZeZngm33tpOXLpbXeKfwtyZ1WrkbdBY"  # public key of the Ohme app
OTHER_PASSWORD = "rotated-password"  # test_ohme.py's password change
# The simulator's tokens: "<JWT header>.<payload>.sig<n>" and "refresh-<n>".
TOKEN_PATTERNS = (re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.sig\d+"), re.compile(r"refresh-\d+"))

STATUS = "sensor.ohme_home_pro_status"
TARGET = "number.ohme_home_pro_target_percentage"
PRECONDITIONING = "number.ohme_home_pro_preconditioning_duration"
TARGET_TIME = "time.ohme_home_pro_target_time"
VEHICLE = "select.ohme_home_pro_vehicle"
CHARGER_MODE = "select.ohme_home_pro_charger_mode"

INTERVAL = 30  # the charge session poll
ONE_POLL = INTERVAL + 5  # one poll plus the request and the state writes
COOLDOWN = 10  # HA's debounce of requested refreshes
CLIENT_TIMEOUT = 10  # api.client.TIMEOUT

TRANSLATIONS = json.loads(
    (
        Path(__file__).parents[2] / "custom_components" / DOMAIN / "translations" / "en.json"
    ).read_text()
)


@dataclass
class Charger:
    """The configured Ohme account in the running Home Assistant."""

    entry_id: str
    email: str
    password: str
    session_entities: list[str]  # follow the charge session poll
    account_entities: list[str]  # follow the 30-minute account poll
    problems_before: list[str]

    @property
    def entities(self) -> list[str]:
        """Return every tracked entity."""
        return self.session_entities + self.account_entities


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


def _all_unavailable(hass_env: HassEnv, entities: list[str]) -> bool:
    return len(_unavailable(hass_env, entities)) == len(entities)


def _all_available(hass_env: HassEnv, charger: Charger) -> bool:
    return not _unavailable(hass_env, charger.entities)


def _count(hass_env: HassEnv, endpoint: str) -> int:
    return hass_env.requests(VENDOR).get(endpoint, 0)


def _fault_hits(hass_env: HassEnv, fault_id: int) -> int:
    for fault in hass_env.sim("GET", "/_sim/faults"):
        if fault["id"] == fault_id:
            return int(fault["hits"])
    return 0


def _recent(hass_env: HassEnv) -> list[dict[str, Any]]:
    recent: list[dict[str, Any]] = hass_env.sim("GET", "/_sim/requests?recent=1000")["recent"]
    return [r for r in recent if r["vendor"] == VENDOR]


def _reauth_flows(hass_env: HassEnv) -> list[dict[str, Any]]:
    return hass_env.flows_in_progress(DOMAIN, "reauth")


def _outage(hass_env: HassEnv, entities: list[str], timeout: float = ONE_POLL) -> None:
    """Poll now (HA debounces: at most one cooldown later) and wait for the outage to show."""
    hass_env.refresh(STATUS)
    hass_env.wait_for(lambda: _all_unavailable(hass_env, entities), timeout=timeout)


def _healed(hass_env: HassEnv, charger: Charger, *, poll_now: bool = True) -> float:
    """Wait until every entity is back within one poll; return how long it took."""
    start = time.monotonic()
    if poll_now:
        hass_env.refresh(STATUS)
    hass_env.wait_for(lambda: _all_available(hass_env, charger), timeout=ONE_POLL)
    return time.monotonic() - start


def _session_outage(hass_env: HassEnv, charger: Charger, timeout: float = ONE_POLL) -> None:
    """The session entities go unavailable; the account entities keep their last state."""
    _outage(hass_env, charger.session_entities, timeout)
    assert _unavailable(hass_env, charger.account_entities) == []
    assert _loaded(hass_env, charger.entry_id), "the entry stays loaded during an outage"


@pytest.fixture(scope="module")
def charger(hass_env: HassEnv) -> Generator[Charger]:
    """The dev account, loaded and healthy; every fault cleared afterwards."""
    hass_env.clear_faults(VENDOR)
    hass_env.sim("POST", "/_sim/ohme/online")
    hass_env.sim("POST", "/_sim/ohme/link")
    steps = hass_env.dev_steps(DOMAIN)
    result = hass_env.add_entry(DOMAIN, steps)
    assert result["type"] == "create_entry" or result.get("reason") == "already_configured"
    entry = hass_env.wait_for(
        lambda: next((e for e in hass_env.entries(DOMAIN) if e["state"] == "loaded"), None),
        timeout=60,
    )

    def healthy() -> list[str]:
        states = hass_env.states()
        ids = [e for e in hass_env.integration_entities(DOMAIN) if e in states]
        available = [e for e in ids if states[e]["state"] != "unavailable"]
        return available if STATUS in available and len(available) >= 10 else []

    available = healthy() or hass_env.refresh(STATUS) or hass_env.wait_for(healthy, timeout=60)
    # The charger mode and the approve button come and go with the charge itself.
    stable = [e for e in available if e != CHARGER_MODE and not e.startswith("button.")]
    account = [e for e in stable if e.startswith("switch.") or e == VEHICLE]
    yield Charger(
        entry_id=entry["entry_id"],
        email=steps[0]["email"],
        password=steps[0]["password"],
        session_entities=[e for e in stable if e not in account],
        account_entities=account,
        problems_before=hass_env.log_problems(),
    )
    hass_env.clear_faults(VENDOR)
    hass_env.sim("POST", "/_sim/ohme/online")
    hass_env.sim("POST", "/_sim/ohme/link")


def test_429_retry_after_is_honoured(hass_env: HassEnv, charger: Charger) -> None:
    """First in the module: no requested refresh before it, so no debounce cooldown to wait."""
    retry_after = INTERVAL + 5  # longer than the poll interval, so the back-off shows
    hass_env.fault(
        VENDOR,
        SESSIONS_PATH,
        status=429,
        headers={"Retry-After": str(retry_after)},
        body='{"status": 429, "error": "Too Many Requests", "message": "Slow down"}',
        remaining=1,
    )
    _session_outage(hass_env, charger)
    limited = [r for r in _recent(hass_env) if r["status"] == 429][-1]
    # Ask for another poll at once: HA runs it when its cooldown ends, long before
    # Retry-After; the integration must not call the cloud for it.
    hass_env.refresh(STATUS)
    start = time.monotonic()
    hass_env.wait_for(lambda: _all_available(hass_env, charger), timeout=retry_after + ONE_POLL)
    assert time.monotonic() - start <= retry_after + ONE_POLL
    after = [r for r in _recent(hass_env) if r["at"] > limited["at"]]
    assert after, "Ohme was polled again after Retry-After"
    # No request at all (any endpoint) until Retry-After has passed.
    assert min(r["at"] for r in after) - limited["at"] >= retry_after, (limited, after[0])
    assert after[0]["path"] == f"/ohme{SESSIONS_PATH}"
    assert after[0]["status"] == 200


def test_token_expiry_mid_run(hass_env: HassEnv, charger: Charger) -> None:
    """An expired ID token is renewed with the refresh token in the same poll: no outage."""
    logins, refreshes = _count(hass_env, LOGIN), _count(hass_env, REFRESH)
    expired_at = hass_env.sim("GET", "/_sim/clock")["timestamp"]
    hass_env.sim("POST", "/_sim/ohme/expire")
    hass_env.refresh(STATUS)

    def polls() -> list[int]:
        return [
            r["status"]
            for r in _recent(hass_env)
            if r["path"] == f"/ohme{SESSIONS_PATH}" and r["at"] >= expired_at
        ]

    hass_env.wait_for(lambda: len(polls()) >= 2, timeout=ONE_POLL)
    assert polls()[:2] == [401, 200], polls()  # refused, renewed, answered in the same poll
    assert _count(hass_env, REFRESH) == refreshes + 1
    assert _count(hass_env, LOGIN) == logins, "no password login for an expired token"
    assert _all_available(hass_env, charger)
    assert _reauth_flows(hass_env) == []


def test_persistent_401_is_the_endpoints_not_a_reauth(hass_env: HassEnv, charger: Charger) -> None:
    """The login works but the session endpoint refuses every token: an outage, no reauth.

    Only the login step refuses credentials. The token is renewed once (the first 401 might
    be an expired token); the endpoint refusing the renewed token too is its refusal, and it
    does not make the integration renew again or log in with the password, poll after poll.
    """
    logins, refreshes = _count(hass_env, LOGIN), _count(hass_env, REFRESH)
    fault = hass_env.fault(
        VENDOR,
        SESSIONS_PATH,
        status=401,
        body='{"status": 401, "error": "Unauthorized", "message": "Unauthorised"}',
    )
    try:
        _session_outage(hass_env, charger)
        # More polls meet the 401 again: one request each, no renewal, no login.
        for _ in range(2):
            hits = _fault_hits(hass_env, fault)
            hass_env.refresh(STATUS)
            hass_env.wait_for(lambda h=hits: _fault_hits(hass_env, fault) > h, timeout=ONE_POLL)
        time.sleep(1)
        assert _reauth_flows(hass_env) == []
        assert _all_unavailable(hass_env, charger.session_entities)
        assert _count(hass_env, LOGIN) == logins
        assert _count(hass_env, REFRESH) <= refreshes + 1
        assert _loaded(hass_env, charger.entry_id)
    finally:
        hass_env.clear_faults(VENDOR)
    _healed(hass_env, charger)
    assert _reauth_flows(hass_env) == []


def test_403_is_an_outage_not_a_reauth(hass_env: HassEnv, charger: Charger) -> None:
    """A 403 with a freshly renewed token refuses the request, not the password."""
    logins = _count(hass_env, LOGIN)
    fault = hass_env.fault(
        VENDOR,
        SESSIONS_PATH,
        status=403,
        body='{"status": 403, "error": "Forbidden", "message": "Access Denied"}',
    )
    try:
        _session_outage(hass_env, charger)
        # One poll: the token was refused, renewed, and refused again (not a password problem).
        assert _fault_hits(hass_env, fault) >= 2
        time.sleep(1)
        assert _reauth_flows(hass_env) == []
        assert _count(hass_env, LOGIN) == logins
        assert _all_unavailable(hass_env, charger.session_entities)
    finally:
        hass_env.clear_faults(VENDOR)
    _healed(hass_env, charger)


def test_404_from_the_cloud(hass_env: HassEnv, charger: Charger) -> None:
    hass_env.fault(
        VENDOR,
        SESSIONS_PATH,
        status=404,
        body='{"status": 404, "error": "Not Found", "message": "No message available"}',
    )
    try:
        _session_outage(hass_env, charger)
        assert _reauth_flows(hass_env) == []
    finally:
        hass_env.clear_faults(VENDOR)
    _healed(hass_env, charger)


def test_charger_offline_and_back(hass_env: HassEnv, charger: Charger) -> None:
    """Ohme reports the charger offline: every entity is unavailable until it is back."""
    hass_env.sim("POST", "/_sim/ohme/offline")
    try:
        _outage(hass_env, charger.entities)
        assert _loaded(hass_env, charger.entry_id)
        assert _reauth_flows(hass_env) == []
    finally:
        hass_env.sim("POST", "/_sim/ohme/online")
    _healed(hass_env, charger)


def test_500_503_burst(hass_env: HassEnv, charger: Charger) -> None:
    # First match wins: the 500 answers one poll, then the 503 answers the next.
    first = hass_env.fault(VENDOR, SESSIONS_PATH, status=500, remaining=1)
    second = hass_env.fault(
        VENDOR, SESSIONS_PATH, status=503, body="Service Unavailable", remaining=1
    )
    _session_outage(hass_env, charger)
    assert _fault_hits(hass_env, first) == 1
    hass_env.refresh(STATUS)
    hass_env.wait_for(lambda: _fault_hits(hass_env, second) == 1, timeout=ONE_POLL)
    assert _all_unavailable(hass_env, charger.session_entities)
    # The burst is over by itself; the next poll heals.
    _healed(hass_env, charger)


def test_request_slower_than_the_timeout(hass_env: HassEnv, charger: Charger) -> None:
    fault = hass_env.fault(VENDOR, SESSIONS_PATH, delay=CLIENT_TIMEOUT + 5, remaining=1)
    started = time.monotonic()
    _session_outage(hass_env, charger, timeout=COOLDOWN + CLIENT_TIMEOUT + 5)
    assert _fault_hits(hass_env, fault) == 1
    # The client gave up after its 10 s timeout, not when the answer finally came.
    assert time.monotonic() - started < COOLDOWN + CLIENT_TIMEOUT + 5
    _healed(hass_env, charger)


def test_malformed_body(hass_env: HassEnv, charger: Charger) -> None:
    hass_env.fault(VENDOR, SESSIONS_PATH, malformed=True)
    try:
        _session_outage(hass_env, charger)
    finally:
        hass_env.clear_faults(VENDOR)
    _healed(hass_env, charger)


def test_charger_vanishes_and_returns(hass_env: HassEnv, charger: Charger) -> None:
    """The charger drops off the account (no session, device endpoints 404) and comes back."""
    hass_env.sim("POST", "/_sim/ohme/unlink")
    try:
        _outage(hass_env, charger.entities)
        assert _loaded(hass_env, charger.entry_id)
        assert _reauth_flows(hass_env) == []
    finally:
        hass_env.sim("POST", "/_sim/ohme/link")
    _healed(hass_env, charger)


def test_refused_writes_are_translated(hass_env: HassEnv, charger: Charger) -> None:
    """A change the cloud refuses fails with the shared, translated message; nothing changes.

    401/403 to a working login is the endpoint's refusal (no reauth), 400/422 refuses the
    values, 5xx is an outage; the switch keeps its state and the entry stays loaded.
    """
    lock = "switch.ohme_home_pro_lock_buttons"
    before = hass_env.state(lock)
    action = "turn_off" if before == "on" else "turn_on"
    cases = [
        (
            403,
            "endpoint_refused",
            "refused this request (HTTP 403). Signing in again will not help",
        ),
        (422, "rejected", "The cloud refused the command (Ohme API error: /v1/chargeDevices/"),
        (503, "cannot_connect", "Could not reach the cloud (Ohme API error: /v1/chargeDevices/"),
    ]
    logins = _count(hass_env, LOGIN)
    for status, key, message in cases:
        fault = hass_env.fault(VENDOR, "/v1/chargeDevices/*/appSettings", status=status)
        try:
            reply = hass_env.ws_call_service("switch", action, {"entity_id": lock})
        finally:
            hass_env.sim("DELETE", f"/_sim/faults/{fault}")
        assert reply["success"] is False, reply
        assert reply["error"]["translation_key"] == key, reply
        assert message in reply["error"]["message"], reply
        assert "Traceback" not in reply["error"]["message"]
        assert hass_env.state(lock) == before
    assert _count(hass_env, LOGIN) == logins
    assert _reauth_flows(hass_env) == []
    assert _loaded(hass_env, charger.entry_id)
    assert _all_available(hass_env, charger)


def _device(hass_env: HassEnv) -> dict[str, Any]:
    """Return what the actions could change in the simulated cloud (control API)."""
    state = hass_env.sim("GET", "/_sim/ohme/state")
    return {k: state[k] for k in ("rule", "car", "settings", "price_cap", "soc", "mode")}


def _writes(hass_env: HassEnv) -> int:
    return sum(
        n
        for endpoint, n in hass_env.requests(VENDOR).items()
        if endpoint.split(" ")[0] in {"PUT", "PATCH", "POST"} and endpoint not in {LOGIN, REFRESH}
    )


def test_actions_with_invalid_input(hass_env: HassEnv, charger: Charger) -> None:
    """Each action refuses bad input with a clean, translated error and changes nothing."""
    entry_id = charger.entry_id
    unknown = "01JNOTANENTRY0000000000000"
    before = _device(hass_env)
    writes = _writes(hass_env)
    states_before = {e: hass_env.state(e) for e in (TARGET, PRECONDITIONING, TARGET_TIME, VEHICLE)}

    validation_errors: list[tuple[str, str, dict[str, Any], str, str | None]] = [
        (DOMAIN, "list_charge_slots", {"config_entry": unknown}, "invalid_config_entry",
         _message("invalid_config_entry", config_entry=unknown)),
        (DOMAIN, "set_price_cap", {"config_entry": unknown, "price_cap": 20},
         "invalid_config_entry", _message("invalid_config_entry", config_entry=unknown)),
        ("number", "set_value", {"entity_id": TARGET, "value": 150}, "out_of_range",
         f"Validation error: Value 150.0 for {TARGET} is outside valid range 0 - 100"),
        ("number", "set_value", {"entity_id": TARGET, "value": -5}, "out_of_range",
         f"Validation error: Value -5.0 for {TARGET} is outside valid range 0 - 100"),
        ("number", "set_value", {"entity_id": PRECONDITIONING, "value": 90}, "out_of_range",
         f"Validation error: Value 90.0 for {PRECONDITIONING} is outside valid range 0 - 60"),
        ("select", "select_option", {"entity_id": VEHICLE, "option": "Trabant 601"},
         "not_valid_option", None),
    ]  # fmt: skip
    if hass_env.state(CHARGER_MODE) not in (None, "unavailable"):
        validation_errors.append(
            ("select", "select_option", {"entity_id": CHARGER_MODE, "option": "turbo"},
             "not_valid_option", None)
        )  # fmt: skip
    for domain, action, data, key, message in validation_errors:
        reply = hass_env.ws_call_service(domain, action, data, return_response=(
            action == "list_charge_slots"))  # fmt: skip
        assert reply["success"] is False, (action, data, reply)
        error = reply["error"]
        assert error["code"] == "service_validation_error", (action, data, error)
        assert error["translation_key"] == key, (action, data, error)
        assert "Traceback" not in error["message"]
        if message is not None:
            assert error["message"] == message, (action, data, error)

    # Input the schemas refuse before the integration runs.
    schema_errors: list[tuple[str, str, dict[str, Any]]] = [
        (DOMAIN, "set_price_cap", {"config_entry": entry_id, "price_cap": -5}),
        (DOMAIN, "set_price_cap", {"config_entry": entry_id, "price_cap": "cheap"}),
        (DOMAIN, "set_price_cap", {"config_entry": entry_id}),
        (DOMAIN, "list_charge_slots", {}),
        ("number", "set_value", {"entity_id": TARGET, "value": "lots"}),
        ("time", "set_value", {"entity_id": TARGET_TIME, "time": "25:99"}),
    ]
    for domain, action, data in schema_errors:
        reply = hass_env.ws_call_service(
            domain, action, data, return_response=action == "list_charge_slots"
        )
        assert reply["success"] is False, (action, data, reply)
        assert reply["error"]["code"] == "invalid_format", (action, data, reply)
        assert "Traceback" not in reply["error"]["message"]

    assert _device(hass_env) == before
    assert _writes(hass_env) == writes
    assert {e: hass_env.state(e) for e in states_before} == states_before
    assert _all_available(hass_env, charger)


def test_no_secrets_and_no_traceback(hass_env: HassEnv, charger: Charger) -> None:
    diagnostics = json.dumps(hass_env.diagnostics(charger.entry_id))
    log = hass_env.log_text()
    for secret in (charger.password, OTHER_PASSWORD, GOOGLE_API_KEY):
        assert secret not in diagnostics
        assert secret not in log
    assert charger.email not in diagnostics
    for pattern in TOKEN_PATTERNS:
        assert pattern.search(diagnostics) is None, pattern
        assert pattern.search(log) is None, pattern
    data = json.loads(diagnostics)["data"]["entry"]["data"]
    assert data["password"] == "**REDACTED**"
    assert data["email"] == "**REDACTED**"
    new_problems = [p for p in hass_env.log_problems() if p not in charger.problems_before]
    assert new_problems == []
