"""Charge Amps Monitor in a real Home Assistant against the simulator.

Covers the one-step flow with its advanced section, live values, both status forms, an offline
charger, a charger added and removed while running, the options flow applied without a reload,
token re-use, reauthentication and redacted diagnostics.
"""

from __future__ import annotations

from typing import Any

from .conftest import HassEnv

DOMAIN = "charge_amps_monitor"
CONTROL = "/_sim/chargeamps"
STATUS = "sensor.garage_charger_status"
HALO_POWER = "sensor.garage_connector_1_power"
HALO_STATUS = "sensor.garage_connector_1_status"
NEW = "2401010099A"


def _entry(hass_env: HassEnv) -> dict[str, Any] | None:
    return next((e for e in hass_env.entries(DOMAIN) if e["state"] == "loaded"), None)


def _refreshed(hass_env: HassEnv, check: Any) -> Any:
    """Ask for a refresh (debounced by the coordinator), then check."""
    hass_env.refresh(STATUS)
    return check()


def test_charge_amps_monitor_end_to_end(hass_env: HassEnv) -> None:
    # The form as the frontend gets it: the expert settings in a collapsed section, with the
    # real service as default.
    form = hass_env.api("POST", "/api/config/config_entries/flow", {"handler": DOMAIN})
    hass_env.api("DELETE", f"/api/config/config_entries/flow/{form['flow_id']}")
    fields = {field["name"]: field for field in form["data_schema"]}
    assert list(fields) == ["email", "password", "advanced"]
    assert (fields["advanced"]["type"], fields["advanced"]["expanded"]) == ("expandable", False)
    defaults = {field["name"]: field.get("default") for field in fields["advanced"]["schema"]}
    assert defaults == {
        "host_name": "my.charge.space",
        "api_url": "https://my.charge.space",
        "scan_interval": 60,
    }

    steps = hass_env.dev_steps(DOMAIN)
    # One step: the credentials, with the simulator's URL in the collapsed advanced section.
    assert len(steps) == 1 and "api_url" in steps[0]["advanced"]
    hass_env.sim("POST", f"{CONTROL}/account", {"revoke_tokens": True})
    logins_before = hass_env.sim("GET", f"{CONTROL}/state")["logins"]
    result = hass_env.add_entry(DOMAIN, steps)
    assert result["type"] in ("create_entry", "abort"), result
    entry = hass_env.wait_for(lambda: _entry(hass_env), timeout=60)

    hass_env.wait_for(lambda: hass_env.state(STATUS) == "online", timeout=60)
    assert hass_env.state("binary_sensor.garage_online") == "on"
    assert hass_env.state("sensor.carport_connector_2_status") is not None
    # The Schuko socket reports L1 only: it has no L2/L3 entities stuck at unknown.
    assert hass_env.state("sensor.garage_connector_2_current_l1") not in (None, "unknown")
    assert hass_env.state("sensor.garage_connector_2_current_l2") is None
    assert hass_env.state("sensor.garage_connector_2_current_l3") is None
    assert hass_env.state("sensor.garage_connector_1_current_l3") not in (None, "unknown")
    power = hass_env.states()[HALO_POWER]
    assert power["attributes"]["unit_of_measurement"] == "W"
    energy = hass_env.states()["sensor.garage_connector_1_total_consumption"]["attributes"]
    assert (energy["device_class"], energy["state_class"]) == ("energy", "total_increasing")

    # The live API's string forms give the same states as the documented integer codes.
    before = hass_env.state(HALO_STATUS)
    hass_env.sim("POST", f"{CONTROL}/form", {"status": "string", "numbers_as_strings": True})
    try:
        hass_env.wait_for(
            lambda: _refreshed(
                hass_env,
                lambda: (
                    hass_env.requests("chargeamps").get(
                        "POST /chargeamps/api/users/chargepoints/owned", 0
                    )
                    >= 2
                ),
            ),
            timeout=60,
        )
        assert hass_env.state(HALO_STATUS) == before
        assert hass_env.state(STATUS) == "online"
    finally:
        hass_env.sim("POST", f"{CONTROL}/form", {"status": "integer", "numbers_as_strings": False})

    # An offline charger: status Offline, its connector entities unavailable.
    hass_env.sim("POST", f"{CONTROL}/offline", {"charger": "2211072179M"})
    try:
        hass_env.wait_for(
            lambda: _refreshed(hass_env, lambda: hass_env.state(STATUS) == "offline"), timeout=60
        )
        assert hass_env.state(HALO_POWER) == "unavailable"
        assert hass_env.state("binary_sensor.garage_online") == "off"
        assert hass_env.state("sensor.carport_charger_status") == "online"
    finally:
        hass_env.sim("POST", f"{CONTROL}/offline", {"charger": "2211072179M", "offline": False})
    hass_env.wait_for(
        lambda: _refreshed(hass_env, lambda: hass_env.state(HALO_POWER) != "unavailable"),
        timeout=60,
    )

    # A charger added to the account appears without a reload; removed, it goes away.
    hass_env.sim("POST", f"{CONTROL}/chargers", {"product": "Aura", "id": NEW, "name": "Guest bay"})
    try:
        hass_env.wait_for(
            lambda: _refreshed(
                hass_env, lambda: hass_env.state("sensor.guest_bay_charger_status") == "online"
            ),
            timeout=60,
        )
    finally:
        hass_env.sim("DELETE", f"{CONTROL}/chargers/{NEW}")
    hass_env.wait_for(
        lambda: _refreshed(
            hass_env, lambda: hass_env.state("sensor.guest_bay_charger_status") is None
        ),
        timeout=60,
    )

    # The options flow applies the interval at once, without reloading the entry.
    result = hass_env.set_options(entry["entry_id"], {"scan_interval": 300})
    assert result["type"] == "create_entry", result
    diagnostics = hass_env.wait_for(
        lambda: (
            (d := hass_env.diagnostics(entry["entry_id"])["data"])["coordinator"]["update_interval"]
            == 300
            and d
        ),
        timeout=30,
    )
    # One login, in the flow: the entry started with that token and every poll re-used it.
    assert diagnostics["client"]["logins"] == 0
    assert hass_env.sim("GET", f"{CONTROL}/state")["logins"] - logins_before == 1
    text = str(diagnostics)
    assert steps[0]["password"] not in text
    assert steps[0]["email"] not in text

    # A changed password: the refused token and login start reauthentication.
    # The simulated account keeps the new password, which the entry now stores too.
    hass_env.sim("POST", f"{CONTROL}/account", {"password": "new-password", "revoke_tokens": True})
    flows = hass_env.wait_for(
        lambda: _refreshed(hass_env, lambda: hass_env.flows_in_progress(DOMAIN, "reauth")),
        timeout=60,
    )
    result = hass_env.api(
        "POST",
        f"/api/config/config_entries/flow/{flows[0]['flow_id']}",
        {"password": "new-password"},
    )
    assert result["type"] == "abort" and result["reason"] == "reauth_successful", result
    hass_env.wait_for(lambda: _entry(hass_env), timeout=60)
    hass_env.wait_for(lambda: hass_env.state(STATUS) == "online", timeout=60)
    assert hass_env.log_problems() == []
