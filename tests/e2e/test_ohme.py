"""Ohme in a real Home Assistant against the simulator: set up over REST, set the target."""

from __future__ import annotations

import json

from .conftest import HassEnv

DOMAIN = "ohme"
TARGET = "number.ohme_home_pro_target_percentage"


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

    # Change the target percentage: the cloud's rule follows and the entity shows it at once.
    hass_env.call_service("number", "set_value", {"entity_id": TARGET, "value": 65})
    assert hass_env.sim("GET", "/_sim/ohme/state")["rule"]["targetPercent"] == 65
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
    _loaded_entry(hass_env)
    hass_env.wait_for(lambda: hass_env.state(status) not in (None, "unavailable"), timeout=60)
    assert hass_env.flows_in_progress(DOMAIN, "reauth") == []
    assert [problem for problem in hass_env.log_problems() if "ohme" in problem] == []
