"""Smoke test: HA starts with our integrations, every simulated vendor sets up cleanly.

Named ``zz`` so it runs after the per-integration e2e tests of the session and its log check
covers them too.
"""

from __future__ import annotations

from pathlib import Path

from .conftest import HassEnv, hass_version

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

    # Unload and set up every entry once more: unload paths are covered by the log check too.
    for entry in ours:
        hass_env.api("POST", f"/api/config/config_entries/entry/{entry['entry_id']}/reload")
    for entry in ours:
        hass_env.wait_for(
            lambda entry=entry: any(
                e["entry_id"] == entry["entry_id"] and e["state"] == "loaded"
                for e in hass_env.entries()
            ),
            timeout=60,
        )

    # The log of the whole session (every e2e module ran before this one): no traceback, no
    # setup error, and no deprecation warning about our integrations.
    assert hass_env.deprecations() == []
    assert hass_env.log_problems() == []


def test_runs_the_home_assistant_under_test(hass_env: HassEnv) -> None:
    """The hass of this session is the one HASS_BIN (or .venv-hass) names, at its version."""
    assert hass_env.api("GET", "/api/config")["version"] == hass_version()
