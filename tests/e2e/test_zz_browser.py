"""What a user sees: HA's web UI in headless Chromium lists our integrations and devices.

Skipped, saying why, only where Chromium cannot be installed. Runs after the per-integration
e2e tests (``zz``) and adds the simulator's dev entries for every integration itself.
"""

from __future__ import annotations

import json
from pathlib import Path
import sys
from typing import Any

import pytest

from .conftest import HassEnv

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import browser  # noqa: E402
from dev_hass import DEV_PASSWORD, DEV_USER  # noqa: E402

PREFERRED_DEVICE_DOMAINS = ("ohme", "osoenergy", "charge_amps_monitor", "smartenergy_goecharger")


@pytest.fixture(scope="module")
def chromium() -> str:
    path = browser.ensure_chromium()
    if path is None:
        pytest.skip(
            "Chromium is not installed and could not be installed (apt-get install chromium)"
        )
    return path


def _our_integrations() -> dict[str, dict[str, Any]]:
    result = {}
    for path in sorted((ROOT / "custom_components").iterdir()):
        if (path / "manifest.json").exists():
            result[path.name] = {
                "manifest": json.loads((path / "manifest.json").read_text()),
                "en": json.loads((path / "translations" / "en.json").read_text()),
            }
    return result


def test_integrations_and_a_device_page_render(hass_env: HassEnv, chromium: str) -> None:
    del chromium
    assert not [line for line in hass_env.instance.add_dev_entries() if "FAILED" in line]
    integrations = _our_integrations()
    configured = {e["domain"] for e in hass_env.entries() if e["domain"] in integrations}
    assert configured, "no integration of ours is configured"
    domain = next(d for d in PREFERRED_DEVICE_DOMAINS if d in configured)
    entity_ids = hass_env.wait_for(lambda: hass_env.integration_entities(domain), timeout=60)
    device_id = hass_env.api(
        "POST", "/api/template", {"template": f"{{{{ device_id('{entity_ids[0]}') }}}}"}
    )
    device_name = hass_env.api(
        "POST", "/api/template", {"template": f"{{{{ device_attr('{device_id}', 'name') }}}}"}
    )
    on_device = hass_env.api(
        "POST", "/api/template", {"template": f"{{{{ device_entities('{device_id}') | tojson }}}}"}
    )

    with browser.browser_page(1280, 2000) as page:
        browser.login(page, hass_env.client.url, DEV_USER, DEV_PASSWORD)

        page.goto(f"{hass_env.client.url}/config/integrations/dashboard")
        for name in (integrations[d]["manifest"]["name"] for d in sorted(configured)):
            text = browser.wait_for_text(page, name)
        assert "Failed to set up" not in text
        assert "Not loaded" not in text
        assert "Retrying setup" not in text

        page.goto(f"{hass_env.client.url}/config/devices/device/{device_id}")
        text = browser.wait_for_text(page, "Sensors")
        assert device_name in text

        # Every sensor of the device is listed by name; enum sensors show their translated state.
        states = hass_env.states()
        sensor_strings = integrations[domain]["en"].get("entity", {}).get("sensor", {})
        checked_states = 0
        for entity_id in on_device:
            state = states.get(entity_id)
            if not entity_id.startswith("sensor.") or state is None:
                continue
            name = state["attributes"].get("friendly_name", "").removeprefix(device_name).strip()
            if name:
                assert name in text, f"{name!r} ({entity_id}) is not on the device page"
            for strings in sensor_strings.values():
                translated = strings.get("state", {}).get(state["state"])
                if strings.get("name") == name and translated:
                    assert translated in text, f"{entity_id} does not show {translated!r}"
                    checked_states += 1
        assert checked_states or not any(s.get("state") for s in sensor_strings.values()), (
            "no enum sensor state was checked"
        )
