"""Fault campaign of Charge Amps Monitor: a real Home Assistant against the simulator (issue 7).

One test per fault, in the order below; each leaves the world healed (faults cleared, chargers
online, normal token lifetime, entry loaded). The campaign shortens the entry's update interval
to 10 s through the options flow (applied without a reload) and restores it at the end.
Every poll is one ``POST /api/users/chargepoints/owned`` for the whole account, so "a poll" is
counted with the simulator's request log; a refresh is asked for with
``homeassistant.update_entity`` (debounced by HA, 10 s) where waiting for the schedule would
be slower. "Back within one poll" is checked strictly: after a fault clears, the very next
owned-list answer brings the entities back, and after a single failure (the timeout) the next
*scheduled* poll does, without asking, at the normal interval.

The integration has no actions (it only monitors), so "actions with invalid input" reduces to
checking that it registers none; the test fails if one is added without being covered here.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
import json
import time
from typing import Any

import pytest

from .conftest import HassEnv

DOMAIN = "charge_amps_monitor"
VENDOR = "chargeamps"
CONTROL = "/_sim/chargeamps"
OWNED = "POST /chargeamps/api/users/chargepoints/owned"
OWNED_PATH = "/api/users/chargepoints/owned"
LOGIN = "POST /chargeamps/api/auth/login"
HALO = "2211072179M"  # "Garage" in the simulator
SPARE = "2401020304A"  # an Aura of this campaign only: it vanishes and returns
SPARE_NAME = "Fault campaign"
ANCHOR = "sensor.garage_charger_status"  # the entity asked to refresh (any entity will do)
CLIENT_TIMEOUT = 20.0  # custom_components/charge_amps_monitor/api.py DEFAULT_TIMEOUT
CAMPAIGN_INTERVAL = 10  # seconds, the shortest interval the options allow
UNAVAILABLE = "unavailable"


@dataclass
class ChargeAmps:
    """The Charge Amps entry under test."""

    env: HassEnv
    entry_id: str
    interval_before: int
    secrets: set[str] = field(default_factory=set)

    # --- reading ----------------------------------------------------------------------

    def entities(self, prefix: str | None = None) -> dict[str, str]:
        """Return the states of the enabled entities (of one charger, by name slug)."""
        ids = set(self.env.integration_entities(DOMAIN))
        states = self.env.states()
        found = {eid: states[eid]["state"] for eid in ids if eid in states}
        if prefix is None:
            return found
        return {eid: s for eid, s in found.items() if eid.split(".", 1)[1].startswith(prefix)}

    def polls(self) -> int:
        """Return how many owned-list requests have reached the simulator."""
        return self.env.requests(VENDOR).get(OWNED, 0)

    def logins(self) -> int:
        """Return the simulated account's login count."""
        return int(self.env.sim("GET", f"{CONTROL}/state")["logins"])

    def chargers(self) -> list[str]:
        """Return the chargers on the simulated account."""
        return list(self.env.sim("GET", f"{CONTROL}/state")["chargers"])

    def entry_state(self) -> str | None:
        """Return the state of the entry."""
        return next(
            (e["state"] for e in self.env.entries(DOMAIN) if e["entry_id"] == self.entry_id),
            None,
        )

    def stored(self) -> dict[str, Any]:
        """Return the entry's data as Home Assistant stores it (the real secrets)."""
        path = self.env.instance.config_dir / ".storage" / "core.config_entries"
        entries = json.loads(path.read_text())["data"]["entries"]
        data: dict[str, Any] = next(e for e in entries if e["entry_id"] == self.entry_id)["data"]
        return data

    def remember_secrets(self) -> None:
        """Collect the password and the current token of the entry."""
        data = self.stored()
        self.secrets.update(s for s in (data.get("password"), data.get("token")) if s)

    def status_last_changed(self) -> str:
        """Return when the Garage charger status last changed (unavailable counts)."""
        return str(self.env.api("GET", f"/api/states/{ANCHOR}")["last_changed"])

    # --- acting -----------------------------------------------------------------------

    def poll(self, timeout: float = 40, *, ask: bool = True, endpoint: str = OWNED) -> None:
        """Wait until one more request (to ``endpoint``) has reached the simulator.

        ``endpoint="total"`` counts any request of the vendor (a poll whose login is refused
        never asks for the owned list).
        """

        def count() -> int:
            return self.env.requests(VENDOR).get(endpoint, 0)

        before = count()
        deadline = time.monotonic() + timeout
        while count() == before:
            assert time.monotonic() < deadline, "no poll reached the simulator"
            if ask:
                self.env.refresh(ANCHOR)
            time.sleep(0.5)

    def wait_states(self, predicate: Callable[[dict[str, str]], bool], timeout: float = 10) -> None:
        """Wait until the entity states satisfy ``predicate`` (they follow a poll at once)."""
        self.env.wait_for(lambda: predicate(self.entities()), timeout=timeout)

    def heal_within_one_poll(self) -> None:
        """After a fault clears, the next poll makes every entity available again."""
        self.poll()
        self.wait_states(all_available, timeout=10)


def all_available(states: dict[str, str]) -> bool:
    """Return True when every entity has a state other than unavailable."""
    return bool(states) and all(s != UNAVAILABLE for s in states.values())


def all_unavailable(states: dict[str, str]) -> bool:
    """Return True when every entity is unavailable."""
    return bool(states) and all(s == UNAVAILABLE for s in states.values())


def _of(states: dict[str, str], prefix: str) -> dict[str, str]:
    return {eid: s for eid, s in states.items() if eid.split(".", 1)[1].startswith(prefix)}


def _recent(env: HassEnv) -> list[dict[str, Any]]:
    """Return the simulator's recent requests of this vendor, oldest first."""
    recent = env.sim("GET", "/_sim/requests?recent=1000")["recent"]
    return [r for r in recent if r["vendor"] == VENDOR]


def _last_is_good_poll(env: HassEnv) -> bool:
    """Return True when the vendor's latest request is an answered owned-list poll."""
    last = _recent(env)[-1]
    return bool(last["endpoint"] == OWNED and last["status"] == 200)


def _faults(env: HassEnv) -> list[dict[str, Any]]:
    return [f for f in env.sim("GET", "/_sim/faults") if f["vendor"] == VENDOR]


@pytest.fixture(scope="module")
def cam_entry(hass_env: HassEnv) -> Generator[ChargeAmps]:
    """Ensure the entry is loaded, poll every 10 s, add the campaign's spare charger."""
    result = hass_env.add_entry(DOMAIN, hass_env.dev_steps(DOMAIN))
    assert result["type"] == "create_entry" or result.get("reason") == "already_configured"
    entry = hass_env.wait_for(
        lambda: next((e for e in hass_env.entries(DOMAIN) if e["state"] == "loaded"), None),
        timeout=60,
    )
    options = hass_env.diagnostics(entry["entry_id"])["data"]["entry"]["options"]
    cam = ChargeAmps(hass_env, entry["entry_id"], int(options.get("scan_interval", 60)))
    hass_env.wait_for(lambda: cam.stored().get("token"), timeout=30)
    cam.remember_secrets()
    result = hass_env.set_options(cam.entry_id, {"scan_interval": CAMPAIGN_INTERVAL})
    assert result["type"] == "create_entry", result
    if SPARE not in cam.chargers():
        hass_env.sim(
            "POST", f"{CONTROL}/chargers", {"product": "Aura", "id": SPARE, "name": SPARE_NAME}
        )
    hass_env.wait_for(lambda: (cam.poll(), cam.entities("fault_campaign"))[1], timeout=60)
    cam.wait_states(all_available, timeout=30)
    yield cam
    # The spare charger leaves the account (the integration drops it after two answers).
    hass_env.sim("DELETE", f"{CONTROL}/chargers/{SPARE}")
    hass_env.set_options(cam.entry_id, {"scan_interval": cam.interval_before})


@pytest.fixture
def cam(cam_entry: ChargeAmps, hass_env: HassEnv) -> Generator[ChargeAmps]:
    """Heal whatever a test broke, even when it fails."""
    yield cam_entry
    hass_env.clear_faults(VENDOR)
    state = hass_env.sim("GET", f"{CONTROL}/state")
    for charger in state["offline"]:
        hass_env.sim("POST", f"{CONTROL}/offline", {"charger": charger, "offline": False})
    if state["token_lifetime"] != 3600:
        hass_env.sim("POST", f"{CONTROL}/account", {"token_lifetime": 3600})
    if SPARE not in state["chargers"]:
        hass_env.sim(
            "POST", f"{CONTROL}/chargers", {"product": "Aura", "id": SPARE, "name": SPARE_NAME}
        )
    for flow in hass_env.flows_in_progress(DOMAIN, "reauth"):
        hass_env.api("DELETE", f"/api/config/config_entries/flow/{flow['flow_id']}")
    if cam_entry.entry_state() != "loaded" or not all_available(cam_entry.entities()):
        hass_env.api("POST", f"/api/config/config_entries/entry/{cam_entry.entry_id}/reload")
        hass_env.wait_for(lambda: cam_entry.entry_state() == "loaded", timeout=30)
        cam_entry.heal_within_one_poll()
    cam_entry.remember_secrets()


# --- actions ---------------------------------------------------------------------------------


def test_no_actions_to_misuse(cam: ChargeAmps, hass_env: HassEnv) -> None:
    """The integration registers no action, so none can be called with invalid input."""
    services = {s["domain"]: s["services"] for s in hass_env.api("GET", "/api/services")}
    assert DOMAIN not in services
    reply = hass_env.ws_call_service(DOMAIN, "refresh", {"entity_id": ANCHOR})
    assert reply["success"] is False
    assert reply["error"]["code"] == "not_found"
    assert hass_env.log_problems() == []


# --- tokens ----------------------------------------------------------------------------------


def test_token_revoked_and_expiring_mid_run(cam: ChargeAmps, hass_env: HassEnv) -> None:
    """A token the service drops is replaced silently; short-lived tokens are renewed in time.

    Neither makes an entity unavailable: the Garage status never changes (its last_changed
    stays), one login replaces a revoked token, and a token that lives 10 s (no longer than the
    poll interval) is renewed before the next poll, so the service never refuses it.
    """
    last_changed = cam.status_last_changed()
    logins = cam.logins()
    # The service drops every token (the account's token cap, a password reset elsewhere...).
    hass_env.sim("POST", f"{CONTROL}/account", {"revoke_tokens": True})
    cam.poll()
    hass_env.wait_for(lambda: _last_is_good_poll(hass_env), timeout=10)
    tail = [(r["endpoint"], r["status"]) for r in _recent(hass_env)[-3:]]
    assert tail == [(OWNED, 401), (LOGIN, 200), (OWNED, 200)]
    assert cam.logins() == logins + 1

    # Tokens now live 10 s: the next poll finds its token about to expire and logs in first.
    hass_env.sim("POST", f"{CONTROL}/account", {"token_lifetime": 10, "revoke_tokens": True})
    cam.poll()
    hass_env.wait_for(lambda: _last_is_good_poll(hass_env), timeout=10)
    since = _recent(hass_env)[-1]["at"]
    logins = cam.logins()
    hass_env.wait_for(lambda: cam.logins() > logins, timeout=25)
    hass_env.wait_for(lambda: _last_is_good_poll(hass_env), timeout=10)
    after = [(r["endpoint"], r["status"]) for r in _recent(hass_env) if r["at"] > since]
    assert after[-2:] == [(LOGIN, 200), (OWNED, 200)]
    assert all(status == 200 for _, status in after)
    assert cam.status_last_changed() == last_changed
    assert all_available(cam.entities())
    hass_env.sim("POST", f"{CONTROL}/account", {"token_lifetime": 3600})
    cam.remember_secrets()
    assert hass_env.flows_in_progress(DOMAIN, "reauth") == []


# --- credentials refused ---------------------------------------------------------------------


def _one_reauth_flow(env: HassEnv) -> dict[str, Any]:
    flows = env.wait_for(lambda: env.flows_in_progress(DOMAIN, "reauth"), timeout=10)
    assert len(flows) == 1, flows
    return flows[0]


def _reload_heals(cam: ChargeAmps, env: HassEnv, flow: dict[str, Any]) -> None:
    """The user dismisses the reauth flow and reloads the entry: everything is back.

    (HA 2025.4 does not abort a reauth flow when its entry reloads, so it is aborted first.)
    """
    env.api("DELETE", f"/api/config/config_entries/flow/{flow['flow_id']}")
    env.api("POST", f"/api/config/config_entries/entry/{cam.entry_id}/reload")
    env.wait_for(lambda: cam.entry_state() == "loaded", timeout=30)
    cam.wait_states(all_available, timeout=30)
    assert env.flows_in_progress(DOMAIN, "reauth") == []


def test_persistent_401_starts_one_reauth(cam: ChargeAmps, hass_env: HassEnv) -> None:
    """Every request refused with 401 (the login too): exactly one reauth flow."""
    hass_env.fault(VENDOR, "*", status=401, body="Unauthorized", content_type="text/plain")
    cam.poll()
    cam.wait_states(all_unavailable)
    _one_reauth_flow(hass_env)
    cam.poll(endpoint=LOGIN)  # asked again: the login is refused again, still one flow
    flow = _one_reauth_flow(hass_env)
    # The password entered again while the service refuses everything: the form says so.
    password = cam.stored()["password"]
    result = hass_env.api(
        "POST", f"/api/config/config_entries/flow/{flow['flow_id']}", {"password": password}
    )
    assert result["type"] == "form"
    assert result["errors"] == {"base": "invalid_auth"}
    hass_env.clear_faults(VENDOR)
    _reload_heals(cam, hass_env, flow)


# --- the list refuses the token the login issued ---------------------------------------------

REFUSED_MESSAGE = "The cloud accepted the credentials but refused this request (HTTP {})"


@pytest.mark.parametrize("status", [403, 401])
def test_list_refusing_fresh_tokens_is_no_reauth(
    cam: ChargeAmps, hass_env: HassEnv, status: int
) -> None:
    """The login works but the owned list refuses every token: no reauth, no login loop.

    The token the list had accepted is renewed once (the service may have dropped it); the
    list refuses the new one too, so that is the list's own refusal: every entity is
    unavailable with a translated message, no reauth flow starts, and the polls that follow
    ask the list only, never the login. When the list answers again, the same token works.
    """
    logins = cam.logins()
    before = hass_env.requests(VENDOR)
    hass_env.fault(
        VENDOR, OWNED_PATH, status=status, body="Unauthorized", content_type="text/plain"
    )
    cam.poll()
    cam.wait_states(all_unavailable)
    for _ in range(4):
        cam.poll()
    # A poll may still be answering while counting: wait until the last request is a refusal.
    hass_env.wait_for(lambda: _recent(hass_env)[-1]["endpoint"] == OWNED, timeout=10)
    after = hass_env.requests(VENDOR)
    assert after[LOGIN] - before.get(LOGIN, 0) == 1
    assert cam.logins() == logins + 1
    assert after[OWNED] - before[OWNED] >= 6  # refused, retried after the renewal, 4 more
    assert hass_env.flows_in_progress(DOMAIN, "reauth") == []
    assert cam.entry_state() == "loaded"
    assert REFUSED_MESSAGE.format(status) in hass_env.log_text()

    hass_env.clear_faults(VENDOR)
    cam.heal_within_one_poll()
    assert cam.logins() == logins + 1
    assert hass_env.flows_in_progress(DOMAIN, "reauth") == []


def test_setup_while_the_list_refuses(cam: ChargeAmps, hass_env: HassEnv) -> None:
    """Set up (reloaded) while the owned list refuses: setup retried, never a reauth flow.

    The saved token, which the list had accepted, is renewed once at the first try; Home
    Assistant's own setup retries then resume the renewed token (saved as not accepted yet)
    and log in no more. Once the list answers, the entry loads with that token.
    """
    logins = cam.logins()
    polls = cam.polls()
    hass_env.fault(VENDOR, OWNED_PATH, status=403, body="Forbidden", content_type="text/plain")
    hass_env.api("POST", f"/api/config/config_entries/entry/{cam.entry_id}/reload")
    hass_env.wait_for(lambda: cam.entry_state() == "setup_retry", timeout=30)
    entry = next(e for e in hass_env.entries(DOMAIN) if e["entry_id"] == cam.entry_id)
    assert REFUSED_MESSAGE.format(403) in (entry.get("reason") or "")
    # Home Assistant writes the entry to its storage a moment later.
    hass_env.wait_for(lambda: cam.stored().get("token_accepted") is False, timeout=10)
    # Home Assistant retries the setup by itself (after about 10 s, then 20 s).
    hass_env.wait_for(lambda: cam.polls() >= polls + 4, timeout=60)
    assert cam.logins() == logins + 1
    assert cam.entry_state() == "setup_retry"
    assert hass_env.flows_in_progress(DOMAIN, "reauth") == []

    hass_env.clear_faults(VENDOR)
    hass_env.api("POST", f"/api/config/config_entries/entry/{cam.entry_id}/reload")
    hass_env.wait_for(lambda: cam.entry_state() == "loaded", timeout=30)
    cam.wait_states(all_available, timeout=30)
    assert cam.logins() == logins + 1
    hass_env.wait_for(lambda: cam.stored().get("token_accepted") is True, timeout=10)


# --- a charger goes offline, another leaves the account and returns --------------------------


def test_charger_offline_and_charger_vanishing(cam: ChargeAmps, hass_env: HassEnv) -> None:
    """The Garage charger goes offline while the spare leaves the account for one answer.

    Offline: its status says so, its connector entities are unavailable. Vanished: all its
    entities are unavailable but kept (one answer without it does not delete the device).
    The Carport is untouched. When both are back, the next poll restores everything, with the
    same entities.
    """
    spare_entities = set(cam.entities("fault_campaign"))
    hass_env.sim("POST", f"{CONTROL}/offline", {"charger": HALO})
    hass_env.sim("DELETE", f"{CONTROL}/chargers/{SPARE}")
    try:
        cam.poll()

        def degraded(states: dict[str, str]) -> bool:
            garage = _of(states, "garage_connector")
            return (
                all_unavailable(garage)
                and states.get(ANCHOR) == "offline"
                and states.get("binary_sensor.garage_online") == "off"
                and all_unavailable(_of(states, "fault_campaign"))
                and all_available(_of(states, "carport"))
            )

        cam.wait_states(degraded)
        devices = hass_env.ws({"type": "config/device_registry/list"})["result"]
        assert any([DOMAIN, SPARE] in d["identifiers"] for d in devices)
    finally:
        hass_env.sim("POST", f"{CONTROL}/offline", {"charger": HALO, "offline": False})
        hass_env.sim(
            "POST", f"{CONTROL}/chargers", {"product": "Aura", "id": SPARE, "name": SPARE_NAME}
        )
    cam.heal_within_one_poll()
    assert set(cam.entities("fault_campaign")) == spare_entities


# --- the cloud fails -------------------------------------------------------------------------


def test_cloud_failures_in_a_row(cam: ChargeAmps, hass_env: HassEnv) -> None:
    """A burst of bad answers (500, 503, 404, a malformed body), one per poll.

    Every entity is unavailable after each of them, no reauth is asked for, no login is
    wasted, and the first good answer brings everything back.
    """
    logins = cam.logins()
    burst: list[dict[str, Any]] = [
        {"status": 500},
        {"status": 503, "body": "Service Unavailable", "content_type": "text/plain"},
        {"status": 404, "body": '{"message": "Not Found"}'},
        {"malformed": True},
    ]
    for fault in burst:
        hass_env.fault(VENDOR, OWNED_PATH, remaining=1, **fault)
    # Poll until every fault has answered once (a scheduled poll may take one of them).
    while [f["hits"] for f in _faults(hass_env)] != [1] * len(burst):
        cam.poll()
        cam.wait_states(all_unavailable)
    assert hass_env.flows_in_progress(DOMAIN, "reauth") == []
    cam.heal_within_one_poll()
    assert cam.logins() == logins
    assert cam.entry_state() == "loaded"


def test_request_slower_than_timeout(cam: ChargeAmps, hass_env: HassEnv) -> None:
    """An answer later than the client's timeout: unavailable, then healed by the schedule.

    The poll times out; nothing more is asked for: the next scheduled poll, at the normal
    interval (one failure does not stretch it), brings everything back.
    """
    hass_env.fault(VENDOR, OWNED_PATH, delay=CLIENT_TIMEOUT + 1, remaining=1)
    started = time.monotonic()
    hass_env.refresh(ANCHOR)  # the slow poll may start now rather than at the next interval
    cam.wait_states(all_unavailable, timeout=CAMPAIGN_INTERVAL + CLIENT_TIMEOUT + 5)
    failed = time.monotonic()
    assert failed - started >= CLIENT_TIMEOUT - 1
    cam.wait_states(all_available, timeout=CAMPAIGN_INTERVAL + 5)
    # Back at the next scheduled poll: the interval was not stretched by one failure.
    assert time.monotonic() - failed <= CAMPAIGN_INTERVAL + 3


def test_rate_limit_honours_retry_after(cam: ChargeAmps, hass_env: HassEnv) -> None:
    """A 429 with Retry-After: no request at all before it has passed, even when asked."""
    retry_after = 12
    hass_env.fault(
        VENDOR,
        OWNED_PATH,
        status=429,
        headers={"Retry-After": str(retry_after)},
        remaining=1,
    )
    cam.poll()
    cam.wait_states(all_unavailable)
    throttled_at = time.monotonic()
    polls = cam.polls()
    # Keep asking for refreshes during the wait: none may reach the cloud.
    while time.monotonic() - throttled_at < retry_after - 1:
        hass_env.refresh(ANCHOR)
        time.sleep(1)
    assert cam.polls() == polls
    assert all_unavailable(cam.entities())
    # The next poll comes by itself right after Retry-After and heals everything.
    cam.poll(timeout=10, ask=False)
    cam.wait_states(all_available)
    owned = [r for r in _recent(hass_env) if r["endpoint"] == OWNED]
    limited = max(i for i, r in enumerate(owned) if r["status"] == 429)
    assert owned[limited + 1]["status"] == 200
    assert owned[limited + 1]["at"] - owned[limited]["at"] >= retry_after


# --- after the campaign ----------------------------------------------------------------------


def test_no_secret_leaks_and_no_traceback(cam: ChargeAmps, hass_env: HassEnv) -> None:
    """Neither password nor any token the entry held is in the log or the diagnostics."""
    cam.remember_secrets()
    secrets = set(cam.secrets) | {hass_env.dev_steps(DOMAIN)[0]["password"]}
    # A token's signature alone would be a leak too.
    secrets |= {s.rsplit(".", 1)[-1] for s in cam.secrets if s.count(".") == 2}
    assert len(secrets) >= 3
    log = hass_env.log_text()
    diagnostics = json.dumps(hass_env.diagnostics(cam.entry_id))
    for secret in secrets:
        assert secret not in log
        assert secret not in diagnostics
    assert hass_env.dev_steps(DOMAIN)[0]["email"] not in diagnostics
    assert "**REDACTED**" in diagnostics
    assert hass_env.log_problems() == []
