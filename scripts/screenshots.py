"""Regenerate docs/images/*.png from a real Home Assistant against the simulator.

Starts the simulator with its clock frozen at a fixed instant (so states are stable), a
Home Assistant on a temporary config directory with every integration configured through
its config flow, logs in with headless Chromium and saves screenshots of the integrations
page, each integration's config-flow form, one device page per integration and an action's
response in the developer tools.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
import os
from pathlib import Path
import re
import sys
import tempfile
import time
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import browser
from dev_hass import (
    DEV_PASSWORD,
    DEV_USER,
    ROOT,
    HassClient,
    Instance,
    free_port,
    http,
    prepare_config,
    wait_for,
)
from playwright.sync_api import Error as PlaywrightError

# The simulated clock is frozen at the start of the current UTC hour: close enough to HA's own
# clock for "next slot" and "active" entities to make sense, and the same states every run.
SIM_START = datetime.now(UTC).replace(minute=0, second=0, microsecond=0).isoformat()
IMAGES = ROOT / "docs" / "images"
DOMAINS = ("ohme", "smartenergy_goecharger", "osoenergy", "charge_amps_monitor")


def template(client: HassClient, text: str) -> Any:
    """Render a template in HA."""
    return client.api("POST", "/api/template", {"template": text})


def device_with_most_entities(client: HassClient, domain: str) -> tuple[str, str] | None:
    """Return (device_id, name) of the integration's device with the most entities."""
    devices = template(
        client,
        "{% set ns = namespace(d=[]) %}"
        f"{{% for e in integration_entities('{domain}') %}}"
        "{% set ns.d = ns.d + [device_id(e)] %}{% endfor %}"
        "{{ ns.d | reject('none') | list | tojson }}",
    )
    if not devices:
        return None
    best = max(set(devices), key=devices.count)
    return best, template(client, f"{{{{ device_attr('{best}', 'name') }}}}")


def ohme_charging(instance: Instance) -> None:
    """Move the simulated Ohme session to charging and refresh HA (best effort)."""
    client = instance.client
    status = next(
        (
            e
            for e in template(client, "{{ integration_entities('ohme') | tojson }}") or []
            if e.endswith("_status")
        ),
        None,
    )
    if status is None:
        return
    for _ in range(12):
        if client.states().get(status, {}).get("state") == "charging":
            return
        http("POST", f"{instance.sim_url}/_sim/clock", {"advance": 600})
        client.call_service("homeassistant", "update_entity", {"entity_id": status})
        time.sleep(1)
    print(f"warning: {status} did not reach 'charging'", file=sys.stderr)


def shoot(page: Any, name: str) -> None:
    """Save one screenshot and say so."""
    path = IMAGES / f"{name}.png"
    browser.screenshot(page, path)
    print(f"  wrote {path.relative_to(ROOT)}")


def run(instance: Instance) -> None:
    """Take every screenshot."""
    client = instance.client
    for line in instance.add_dev_entries():
        print(f"  {line}")
    configured = {e["domain"] for e in client.entries()}
    domains = [d for d in DOMAINS if d in configured]
    for domain in domains:
        wait_for(
            lambda d=domain: template(client, f"{{{{ integration_entities('{d}') | tojson }}}}"), 60
        )
    if "ohme" in domains:
        ohme_charging(instance)
        # The Energy dashboard configured with the charger as an individual device (before the
        # browser starts: Playwright's sync API runs an event loop of its own).
        energy_delivered = next(
            e
            for e in template(client, "{{ integration_entities('ohme') | tojson }}")
            if e.endswith("_energy_delivered")
        )
        client.ws(
            {
                "type": "energy/save_prefs",
                "device_consumption": [{"stat_consumption": energy_delivered}],
            }
        )
    time.sleep(2)

    with browser.browser_page(1280, 900) as page:
        browser.login(page, client.url, DEV_USER, DEV_PASSWORD)
        page.goto(f"{client.url}/config/integrations/dashboard")
        browser.wait_for_text(page, "Devices")
        page.wait_for_timeout(1500)
        shoot(page, "integrations")

        for domain in domains:
            page.goto(f"{client.url}/config/integrations/dashboard/add?domain={domain}")
            # HA asks "Do you want to set up <name>?" first.
            page.get_by_role("button", name="OK").click()
            page.get_by_role("button", name="Submit").wait_for(timeout=20_000)
            page.wait_for_timeout(2000)
            shoot(page, f"{domain}_config_flow")
            page.keyboard.press("Escape")

        page.set_viewport_size({"width": 1280, "height": 1500})
        for domain in domains:
            device = device_with_most_entities(client, domain)
            if device is None:
                continue
            page.goto(f"{client.url}/config/devices/device/{device[0]}")
            browser.wait_for_text(page, device[1])
            page.wait_for_timeout(2000)
            shoot(page, f"{domain}_device")

        if "ohme" in domains:
            page.set_viewport_size({"width": 1280, "height": 1700})
            page.goto(f"{client.url}/config/energy")
            browser.wait_for_text(page, "Individual")
            page.wait_for_timeout(2000)
            shoot(page, "ohme_energy_dashboard")

            entry_id = client.entries("ohme")[0]["entry_id"]
            page.set_viewport_size({"width": 1280, "height": 1100})
            action_response(
                page,
                client.url,
                f"action: ohme.list_charge_slots\ndata:\n  config_entry: {entry_id}\n",
                "ohme_list_charge_slots",
            )


def action_response(page: Any, url: str, yaml_text: str, name: str) -> None:
    """Perform an action in Developer tools > Actions (YAML mode) and shoot its response."""
    page.goto(f"{url}/developer-tools/action")
    browser.wait_for_text(page, "Actions")
    # "Go to YAML mode" up to 2025.x; a "YAML mode" toggle since the developer tools moved
    # under Settings (2026.x).
    yaml_mode = re.compile(r"^(Go to )?YAML mode$")
    for toggle in (
        page.get_by_role("button", name=yaml_mode),
        page.get_by_role("radio", name=yaml_mode),
        page.get_by_role("tab", name=yaml_mode),
        page.get_by_text(yaml_mode),
    ):
        try:
            toggle.filter(visible=True).first.click(timeout=5000)
            break
        except PlaywrightError:
            continue
    editor = page.locator(".cm-content").first
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(yaml_text)
    page.get_by_role("button", name="Perform action").click()
    browser.wait_for_text(page, "Response")
    page.wait_for_timeout(1500)
    shoot(page, name)


def main() -> int:
    """Command line."""
    argparse.ArgumentParser(prog="scripts/screenshots", description=__doc__).parse_args()
    if browser.ensure_chromium() is None:
        print("scripts/screenshots: Chromium is not installed and could not be installed")
        return 1
    with tempfile.TemporaryDirectory(prefix="ha-screenshots-") as tmp:
        config_dir = Path(tmp)
        ha_port = free_port()
        os.environ["HA_PORT"] = str(ha_port)
        prepare_config(
            config_dir, configuration=(ROOT / "config" / "configuration.yaml").read_text()
        )
        instance = Instance(config_dir, ha_port, free_port())
        try:
            instance.start(log_file=config_dir / "hass.log", frozen=True, sim_start=SIM_START)
            run(instance)
        finally:
            instance.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
