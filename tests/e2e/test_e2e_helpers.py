"""The e2e helpers themselves: websocket action calls and in-progress flows."""

from __future__ import annotations

from .conftest import HassEnv


def test_websocket_action_errors_are_clean(hass_env: HassEnv) -> None:
    ok = hass_env.ws_call_service("homeassistant", "update_entity", {"entity_id": []})
    assert ok["success"] is True
    bad = hass_env.ws_call_service("homeassistant", "no_such_action", {})
    assert bad["success"] is False
    assert bad["error"]["code"] == "not_found"
    assert hass_env.flows_in_progress("no_such_domain") == []
    assert hass_env.requests("no_such_vendor") == {"total": 0}
