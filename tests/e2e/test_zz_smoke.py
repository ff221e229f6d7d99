"""Smoke test: HA starts with our integrations, every simulated vendor sets up cleanly.

Named ``zz`` so it runs after the per-integration e2e tests of the session and its log check
covers them too.
"""

from __future__ import annotations

from pathlib import Path

from .conftest import HassEnv

ROOT = Path(__file__).resolve().parents[2]


def test_home_assistant_runs_our_integrations(hass_env: HassEnv) -> None:
    config = hass_env.api("GET", "/api/config")
    assert config["state"] == "RUNNING"
    assert {"api", "config", "diagnostics"} <= set(config["components"])

    added = hass_env.instance.add_dev_entries()
    assert not [line for line in added if "FAILED" in line], added

    domains = {
        p.name for p in (ROOT / "custom_components").iterdir() if (p / "manifest.json").exists()
    }
    offered = {line.split(":")[0] for line in added}
    ours = [e for e in hass_env.entries() if e["domain"] in domains]
    # Every integration that offers a simulator profile has an entry, and all entries load.
    assert {e["domain"] for e in ours} >= offered
    for entry in ours:
        hass_env.wait_for(
            lambda entry=entry: any(
                e["entry_id"] == entry["entry_id"] and e["state"] == "loaded"
                for e in hass_env.entries()
            ),
            timeout=60,
        )
    # Each configured integration created entities, and they have live values.
    for domain in {e["domain"] for e in ours}:
        entity_ids = hass_env.integration_entities(domain)
        assert entity_ids, f"{domain} created no entity"
        hass_env.wait_for(
            lambda entity_ids=entity_ids: any(
                hass_env.states().get(eid, {}).get("state") not in (None, "unavailable", "unknown")
                for eid in entity_ids
            ),
            timeout=60,
        )

    assert hass_env.log_problems() == []
