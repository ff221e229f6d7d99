"""Ohme in a real Home Assistant against the simulator: set up over REST, set the target."""

from __future__ import annotations

import json

from .conftest import HassEnv

DOMAIN = "ohme"
TARGET = "number.ohme_home_pro_target_percentage"


def test_ohme_end_to_end(hass_env: HassEnv) -> None:
    steps = hass_env.dev_steps(DOMAIN)
    result = hass_env.add_entry(DOMAIN, steps, advanced=True)
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
