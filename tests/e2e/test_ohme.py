"""Ohme in a real Home Assistant against the simulator: set up over REST, set the target."""

from __future__ import annotations

import json
import re

from .conftest import HassEnv

DOMAIN = "ohme"
TARGET = "number.ohme_home_pro_target_percentage"
MODE = "select.ohme_home_pro_charger_mode"
LOGIN = "POST /ohme/identitytoolkit/v3/relyingparty/verifyPassword"
ADVANCED = "GET /ohme/v1/chargeDevices/{serial}/advancedSettings"
STOP = "POST /ohme/v1/chargeSessions/{serial}/stop"
OHME_ERROR_RE = re.compile(r"^\S+ \S+ ERROR .*ohme", re.MULTILINE | re.IGNORECASE)


def test_ohme_end_to_end(hass_env: HassEnv) -> None:
    steps = hass_env.dev_steps(DOMAIN)
    result = hass_env.add_entry(DOMAIN, steps)
    assert result["type"] in ("create_entry", "abort"), result
    entry = hass_env.wait_for(
        lambda: next((e for e in hass_env.entries(DOMAIN) if e["state"] == "loaded"), None),
        timeout=60,
    )
    hass_env.wait_for(lambda: hass_env.state(TARGET) not in (None, "unavailable", "unknown"))
    assert hass_env.state("sensor.ohme_home_pro_status") in {
        "unplugged",
        "plugged_in",
        "charging",
        "finished",
    }

    # Change the target percentage: the cloud's rule follows and the entity shows it at once
    # (the session's own rule during a session, else the schedule for the next one).
    hass_env.call_service("number", "set_value", {"entity_id": TARGET, "value": 65})
    cloud = hass_env.sim("GET", "/_sim/ohme/state")
    assert (cloud["session_rule"] or cloud["rule"])["targetPercent"] == 65
    assert hass_env.state(TARGET) == "65"

    # The slots action answers with a list (empty unless a charge is in progress).
    response = hass_env.call_service(
        DOMAIN, "list_charge_slots", {"config_entry": entry["entry_id"]}, return_response=True
    )
    assert isinstance(response["service_response"]["slots"], list)

    # Diagnostics never contain the credentials.
    text = json.dumps(hass_env.diagnostics(entry["entry_id"]))
    for secret in (steps[0]["email"], steps[0]["password"]):
        assert secret not in text

    assert [problem for problem in hass_env.log_problems() if "ohme" in problem] == []


def _loaded_entry(hass_env: HassEnv) -> dict:
    result = hass_env.add_entry(DOMAIN, hass_env.dev_steps(DOMAIN))
    assert result["type"] in ("create_entry", "abort"), result
    return hass_env.wait_for(
        lambda: next((e for e in hass_env.entries(DOMAIN) if e["state"] == "loaded"), None),
        timeout=60,
    )


def _requests(hass_env: HassEnv, endpoint: str) -> int:
    return hass_env.requests(DOMAIN).get(endpoint, 0)


def test_ohme_faults_and_reauth(hass_env: HassEnv) -> None:
    """Revoked token, cloud outage and a changed password, in a real Home Assistant."""
    _loaded_entry(hass_env)
    status = "sensor.ohme_home_pro_status"
    hass_env.wait_for(lambda: hass_env.state(status) not in (None, "unavailable"))
    login = "POST /ohme/identitytoolkit/v3/relyingparty/verifyPassword"

    # A revoked token: one new login, the entities stay available.
    logins = _requests(hass_env, login)
    hass_env.sim("POST", "/_sim/ohme/revoke")
    hass_env.wait_for(lambda: hass_env.refresh(status) or _requests(hass_env, login) == logins + 1)
    assert hass_env.state(status) != "unavailable"

    # The cloud fails: unavailable; it comes back: the entities recover by themselves.
    fault = hass_env.fault(DOMAIN, "/v1/chargeSessions", status=503)
    hass_env.wait_for(lambda: hass_env.refresh(status) or hass_env.state(status) == "unavailable")
    hass_env.sim("DELETE", f"/_sim/faults/{fault}")
    hass_env.wait_for(lambda: hass_env.refresh(status) or hass_env.state(status) != "unavailable")

    # The password changes in the Ohme app: exactly one reauth flow; the new password heals it.
    hass_env.sim("POST", "/_sim/ohme/password", {"password": "rotated-password"})
    hass_env.refresh(status)
    flows = hass_env.wait_for(lambda: hass_env.flows_in_progress(DOMAIN, "reauth"), timeout=40)
    assert len(flows) == 1, flows
    result = hass_env.api(
        "POST",
        f"/api/config/config_entries/flow/{flows[0]['flow_id']}",
        {"password": "rotated-password"},
    )
    assert result["reason"] == "reauth_successful"
    hass_env.wait_for(
        lambda: next((e for e in hass_env.entries(DOMAIN) if e["state"] == "loaded"), None),
        timeout=60,
    )
    hass_env.wait_for(lambda: hass_env.state(status) not in (None, "unavailable"), timeout=60)
    assert hass_env.flows_in_progress(DOMAIN, "reauth") == []
    assert [problem for problem in hass_env.log_problems() if "ohme" in problem] == []

    # Leave the account as the other tests expect it: the demo password, freshly set up.
    hass_env.sim(
        "POST", "/_sim/ohme/password", {"password": hass_env.dev_steps(DOMAIN)[0]["password"]}
    )
    for entry in hass_env.entries(DOMAIN):
        hass_env.api("DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}")
    _loaded_entry(hass_env)


def test_ohme_as_the_cloud_answers_today(hass_env: HassEnv) -> None:
    """Ohme refuses advancedSettings (since 2025-11-18) and pausing: still a clean setup.

    A new user's setup against such a cloud: one login, no reauth flow, no ERROR line, no
    advancedSettings request; choosing "Paused" gives a clear, translated error.
    """
    cloud = hass_env.sim("GET", "/_sim/ohme/state")
    assert cloud["advanced_settings"] is False, "the simulator refuses advancedSettings"
    assert cloud["pause_refusal"] is not None, "the simulator refuses pausing"
    for entry in hass_env.entries(DOMAIN):  # set up afresh, as a new user would
        hass_env.api("DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}")
    errors_before = len(OHME_ERROR_RE.findall(hass_env.log_text()))
    advanced = _requests(hass_env, ADVANCED)
    entry = _loaded_entry(hass_env)  # the flow checks the password with a login of its own
    # Start the entry again, as Home Assistant does at every start: exactly one login.
    logins = _requests(hass_env, LOGIN)
    hass_env.api("POST", f"/api/config/config_entries/entry/{entry['entry_id']}/reload")
    hass_env.wait_for(
        lambda: next((e for e in hass_env.entries(DOMAIN) if e["state"] == "loaded"), None),
        timeout=60,
    )
    hass_env.wait_for(lambda: hass_env.state(TARGET) not in (None, "unavailable", "unknown"))
    assert _requests(hass_env, LOGIN) == logins + 1
    assert _requests(hass_env, ADVANCED) == advanced
    assert hass_env.flows_in_progress(DOMAIN, "reauth") == []
    assert len(OHME_ERROR_RE.findall(hass_env.log_text())) == errors_before

    # Plug the car in; once the charger mode is offered, "Paused" fails with a clear error.
    hass_env.sim("POST", "/_sim/ohme/plug")
    hass_env.refresh("sensor.ohme_home_pro_status")
    hass_env.wait_for(
        lambda: hass_env.refresh(MODE) or hass_env.state(MODE) == "smart_charge", timeout=60
    )
    stops = _requests(hass_env, STOP)
    reply = hass_env.ws_call_service(
        "select", "select_option", {"entity_id": MODE, "option": "paused"}
    )
    assert reply["success"] is False, reply
    assert reply["error"]["translation_key"] == "pause_refused", reply
    assert "set the target percentage to 1 %" in reply["error"]["message"], reply
    assert _requests(hass_env, STOP) > stops
    assert hass_env.state(MODE) == "smart_charge"
    assert hass_env.sim("GET", "/_sim/ohme/state")["mode"] == "SMART_CHARGE"
    assert hass_env.flows_in_progress(DOMAIN, "reauth") == []
    assert _requests(hass_env, LOGIN) == logins + 1
    problems = [p for p in hass_env.log_problems() if "ohme" in p]
    assert problems == []
