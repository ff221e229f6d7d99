"""Setup, polling, unavailability, repair issue, reauth and migration."""

from __future__ import annotations

from datetime import timedelta
import logging
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.select import (
    ATTR_OPTION,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, CONF_NAME, CONF_SCAN_INTERVAL, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.smartenergy_goecharger import async_migrate_entry
from custom_components.smartenergy_goecharger.const import (
    CONF_API_TOKEN,
    CONF_API_URL,
    CONF_SERIAL,
    DOMAIN,
)
from simulator import Simulator

from .conftest import SERIAL, TOKEN, entry_data, vendor

STATUS = "GET /goecharger/{serial}/api/status"
SET = "GET /goecharger/{serial}/api/set"
CAR_STATUS = "sensor.driveway_car_charging_status"


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the warnings and errors logged, except asyncio's slow-callback notes (freezer)."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name != "asyncio"
    ]


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float = 30) -> None:
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_setup_and_unload(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: Simulator
) -> None:
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(CAR_STATUS).state == "charging"
    assert simulator.log.count("goecharger", STATUS) == 1
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED


async def test_one_filtered_request_per_interval(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    simulator.log.reset()
    for _ in range(4):
        await _tick(hass, freezer)
    assert simulator.log.count("goecharger") == 4
    request = simulator.log.recent[-1]
    assert "filter=" in request.path or request.endpoint == STATUS


async def test_offline_unavailable_and_recovery(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """An offline charger (404 "Data is outdated") gets its repair issue after 30 minutes."""
    coordinator = loaded_entry.runtime_data.coordinator
    charger = vendor(simulator).chargers[SERIAL]
    charger.offline = True
    await _tick(hass, freezer)
    assert hass.states.get(CAR_STATUS).state == STATE_UNAVAILABLE
    assert hass.states.get("button.driveway_wallbox_control").state == STATE_UNAVAILABLE
    assert hass.states.get("number.driveway_charging_current").state == STATE_UNAVAILABLE
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert coordinator.last_exception is not None
    assert coordinator.last_exception.translation_key == "charger_offline"
    # waiting may fix an offline charger: no issue yet
    await _tick(hass, freezer, 29 * 60)
    assert not issue_registry.issues
    await _tick(hass, freezer, 2 * 60)
    issue = issue_registry.async_get_issue(DOMAIN, f"charger_unreachable_{loaded_entry.entry_id}")
    assert issue is not None
    assert issue.translation_key == "charger_unreachable"
    assert issue.translation_placeholders == {"name": "Driveway"}
    assert len(issue_registry.issues) == 1
    assert not hass.config_entries.flow.async_progress()
    # three failures in a row: the interval doubled twice
    assert coordinator.update_interval == timedelta(seconds=120)
    charger.offline = False
    await _tick(hass, freezer)
    assert hass.states.get(CAR_STATUS).state == STATE_UNAVAILABLE
    await _tick(hass, freezer, 95)
    assert hass.states.get(CAR_STATUS).state == "charging"
    assert not issue_registry.issues
    assert coordinator.update_interval == timedelta(seconds=30)


async def test_cloud_api_disabled_raises_issue_at_once(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """HTTP 403 is a setting in the go-e app: waiting does not fix it, so the issue is at once."""
    charger = vendor(simulator).chargers[SERIAL]
    charger.cloud_api = False
    await _tick(hass, freezer)
    assert hass.states.get(CAR_STATUS).state == STATE_UNAVAILABLE
    assert loaded_entry.state is ConfigEntryState.LOADED
    # unavailable, not reauth
    assert not hass.config_entries.flow.async_progress()
    issue_id = f"cloud_api_disabled_{loaded_entry.entry_id}"
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "cloud_api_disabled"
    assert issue.translation_placeholders == {"name": "Driveway"}
    assert issue.severity is ir.IssueSeverity.ERROR
    assert list(issue_registry.issues) == [(DOMAIN, issue_id)]
    # switched on again, but the charger is offline now (404): that issue waits its 30 min
    coordinator = loaded_entry.runtime_data.coordinator
    assert coordinator.last_exception is not None
    assert coordinator.last_exception.translation_key == "cloud_api_disabled"
    charger.cloud_api = True
    charger.offline = True
    await _tick(hass, freezer)
    assert hass.states.get(CAR_STATUS).state == STATE_UNAVAILABLE
    assert not issue_registry.issues
    charger.offline = False
    # the second failure in a row doubled the interval
    await _tick(hass, freezer, 60)
    assert hass.states.get(CAR_STATUS).state == "charging"
    # a later 403 raises the issue at once again; an answer clears it
    charger.cloud_api = False
    await _tick(hass, freezer)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    charger.cloud_api = True
    await _tick(hass, freezer)
    assert hass.states.get(CAR_STATUS).state == "charging"
    assert not issue_registry.issues


@pytest.mark.parametrize("status", [401, 403])
async def test_write_refused_by_the_set_endpoint_is_no_reauth(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    issue_registry: ir.IssueRegistry,
    *,
    status: int,
) -> None:
    """/api/status accepts the token: a 401/403 from /api/set is that endpoint's refusal.

    The write fails with a translated error; no reauth flow starts, no repair issue is
    raised, the token is not checked again, and polling goes on with the same token.
    (``freezer`` before ``loaded_entry``: the first poll is scheduled on the frozen clock.)
    """
    simulator.faults.inject(
        "goecharger",
        "/*/api/set",
        status=status,
        body='{"success": false, "reason": "refused"}',
    )
    simulator.log.reset()
    for _ in range(2):
        with pytest.raises(HomeAssistantError) as err:
            await hass.services.async_call(
                SELECT_DOMAIN,
                SERVICE_SELECT_OPTION,
                {ATTR_ENTITY_ID: "select.driveway_phase_mode", ATTR_OPTION: "one_phase"},
                blocking=True,
            )
        assert not isinstance(err.value, ServiceValidationError)
        assert err.value.translation_key == "endpoint_refused"
        assert err.value.translation_placeholders == {"status": str(status)}
    assert simulator.log.count("goecharger", SET) == 2
    assert simulator.log.count("goecharger", STATUS) == 0
    assert not hass.config_entries.flow.async_progress()
    assert not issue_registry.issues
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert vendor(simulator).chargers[SERIAL].psm == 0
    await _tick(hass, freezer)
    assert simulator.log.count("goecharger", STATUS) == 1
    assert hass.states.get(CAR_STATUS).state == "charging"
    assert hass.states.get("select.driveway_phase_mode").state == "auto"
    assert not hass.config_entries.flow.async_progress()
    assert loaded_entry.data[CONF_API_TOKEN] == TOKEN


async def test_status_refusing_the_token_starts_reauth_after_a_refused_write(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A revoked token is noticed by the status endpoint, which every poll needs."""
    vendor(simulator).chargers[SERIAL].token = "renewed"
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            SELECT_DOMAIN,
            SERVICE_SELECT_OPTION,
            {ATTR_ENTITY_ID: "select.driveway_phase_mode", ATTR_OPTION: "one_phase"},
            blocking=True,
        )
    assert err.value.translation_key == "endpoint_refused"
    assert not hass.config_entries.flow.async_progress()
    await _tick(hass, freezer)
    flows = hass.config_entries.flow.async_progress()
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]


async def test_errors_while_polling(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 5xx cannot reach the cloud, a malformed body is the cloud's error; both heal."""
    coordinator = loaded_entry.runtime_data.coordinator
    simulator.faults.inject("goecharger", "/*/api/status", status=500, remaining=1)
    await _tick(hass, freezer)
    assert hass.states.get(CAR_STATUS).state == STATE_UNAVAILABLE
    assert coordinator.last_exception is not None
    assert coordinator.last_exception.translation_key == "cannot_connect"
    assert coordinator.last_exception.translation_placeholders == {
        "error": "/api/status: the go-e cloud answered HTTP 500"
    }
    await _tick(hass, freezer)
    assert hass.states.get(CAR_STATUS).state == "charging"
    simulator.faults.inject("goecharger", "/*/api/status", malformed=True, remaining=1)
    await _tick(hass, freezer)
    assert hass.states.get(CAR_STATUS).state == STATE_UNAVAILABLE
    assert coordinator.last_exception.translation_key == "api_error"
    assert coordinator.last_exception.translation_placeholders == {
        "error": "/api/status: malformed JSON"
    }
    assert not hass.config_entries.flow.async_progress()


async def test_failures_in_a_row_stretch_the_interval(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The first failure keeps the interval; each further one doubles it, up to 15 minutes."""
    coordinator = loaded_entry.runtime_data.coordinator
    simulator.faults.inject("goecharger", "/*/api/status", status=503, remaining=7)
    simulator.log.reset()
    intervals = []
    for _ in range(7):
        await _tick(hass, freezer, coordinator.update_interval.total_seconds() + 1)
        intervals.append(coordinator.update_interval.total_seconds())
    assert intervals == [30, 60, 120, 240, 480, 900, 900]
    assert simulator.log.count("goecharger", STATUS) == 7
    # nothing in between: a stretched interval sends no request before it ends
    await _tick(hass, freezer, 890)
    assert simulator.log.count("goecharger", STATUS) == 7
    await _tick(hass, freezer, 20)
    assert simulator.log.count("goecharger", STATUS) == 8
    assert hass.states.get(CAR_STATUS).state == "charging"
    assert coordinator.update_interval == timedelta(seconds=30)


async def test_rate_limit_backs_off(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    coordinator = loaded_entry.runtime_data.coordinator
    simulator.faults.inject(
        "goecharger", "/*/api/status", status=429, headers={"Retry-After": "300"}, remaining=1
    )
    await _tick(hass, freezer)
    # one second more: HA may schedule a poll up to a second early
    assert coordinator.update_interval == timedelta(seconds=301)
    assert hass.states.get(CAR_STATUS).state == STATE_UNAVAILABLE
    assert coordinator.last_exception is not None
    assert coordinator.last_exception.translation_key == "rate_limited"
    assert coordinator.last_exception.translation_placeholders == {"seconds": "300"}
    simulator.log.reset()
    await _tick(hass, freezer, 60)
    assert simulator.log.count("goecharger") == 0
    # a manual refresh during the back-off does not call the cloud either
    await coordinator.async_refresh()
    assert simulator.log.count("goecharger") == 0
    assert coordinator.update_interval == timedelta(seconds=241)
    assert coordinator.last_exception.translation_key == "rate_limited"
    assert coordinator.last_exception.translation_placeholders == {"seconds": "240"}
    assert hass.states.get(CAR_STATUS).state == STATE_UNAVAILABLE
    await _tick(hass, freezer, 250)
    assert simulator.log.count("goecharger") == 1
    assert coordinator.update_interval == timedelta(seconds=30)
    assert hass.states.get(CAR_STATUS).state == "charging"


async def test_rate_limit_without_retry_after_waits_five_minutes(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 429 that does not say how long: no request for 5 minutes, then the normal interval."""
    coordinator = loaded_entry.runtime_data.coordinator
    simulator.faults.inject("goecharger", "/*/api/status", status=429, remaining=1)
    await _tick(hass, freezer)
    assert coordinator.update_interval == timedelta(seconds=301)
    simulator.log.reset()
    await _tick(hass, freezer, 290)
    assert simulator.log.count("goecharger") == 0
    await _tick(hass, freezer, 15)
    assert simulator.log.count("goecharger") == 1
    assert hass.states.get(CAR_STATUS).state == "charging"
    assert coordinator.update_interval == timedelta(seconds=30)


async def test_bad_token_starts_reauth(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    vendor(simulator).chargers[SERIAL].token = "renewed"
    await _tick(hass, freezer)
    flows = hass.config_entries.flow.async_progress()
    assert len(flows) == 1
    assert flows[0]["context"]["source"] == SOURCE_REAUTH
    assert flows[0]["context"]["entry_id"] == loaded_entry.entry_id


async def test_setup_not_ready_when_offline(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    vendor(simulator).chargers[SERIAL].offline = True
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY


async def test_setup_auth_failed(
    hass: HomeAssistant, config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    vendor(simulator).chargers[SERIAL].token = "renewed"
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    assert hass.config_entries.flow.async_progress()[0]["context"]["source"] == SOURCE_REAUTH


async def test_options_change_applies_without_reload(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A new scan interval is used at once by the running coordinator; nothing reloads."""
    coordinator = loaded_entry.runtime_data.coordinator
    assert not loaded_entry.update_listeners
    caplog.clear()
    simulator.log.reset()
    with patch("custom_components.smartenergy_goecharger.async_setup_entry") as setup:
        result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_SCAN_INTERVAL: 120}
        )
        await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert not setup.called
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert loaded_entry.runtime_data.coordinator is coordinator
    assert loaded_entry.options == {CONF_SCAN_INTERVAL: 120}
    assert coordinator.update_interval == timedelta(seconds=120)
    # the refresh the change asked for, then one request per 120 s
    assert simulator.log.count("goecharger", STATUS) == 1
    await _tick(hass, freezer, 60)
    assert simulator.log.count("goecharger", STATUS) == 1
    await _tick(hass, freezer, 61)
    assert simulator.log.count("goecharger", STATUS) == 2
    assert hass.states.get(CAR_STATUS).state == "charging"
    assert _warnings(caplog) == []
    # a reload (here: after a restart) reads the stored option
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.runtime_data.coordinator.update_interval == timedelta(seconds=120)


async def test_options_change_during_back_off(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A rate-limit back-off is honoured; the new interval follows the next good poll."""
    coordinator = loaded_entry.runtime_data.coordinator
    simulator.faults.inject(
        "goecharger", "/*/api/status", status=429, headers={"Retry-After": "300"}, remaining=1
    )
    await _tick(hass, freezer)
    assert coordinator.update_interval == timedelta(seconds=301)
    simulator.log.reset()
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    await hass.config_entries.options.async_configure(result["flow_id"], {CONF_SCAN_INTERVAL: 60})
    await hass.async_block_till_done()
    assert simulator.log.count("goecharger") == 0
    assert coordinator.update_interval > timedelta(seconds=60)
    assert coordinator.interval == timedelta(seconds=60)
    await _tick(hass, freezer, 310)
    assert simulator.log.count("goecharger") == 1
    assert coordinator.update_interval == timedelta(seconds=60)


async def test_options_change_while_not_loaded(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An entry waiting for its charger stores the option; the next setup uses it."""
    charger = vendor(simulator).chargers[SERIAL]
    charger.offline = True
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SCAN_INTERVAL: 90}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    charger.offline = False
    await _tick(hass, freezer, 10)
    assert config_entry.state is ConfigEntryState.LOADED
    assert config_entry.runtime_data.coordinator.update_interval == timedelta(seconds=90)


async def test_reconfigure_loaded_entry_reloads_without_warning(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Reauth/reconfigure reload the entry themselves (no update listener to clash with)."""
    caplog.clear()
    result = await loaded_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_SERIAL: SERIAL, "advanced": {CONF_API_URL: entry_data(simulator)[CONF_API_URL]}},
    )
    await hass.async_block_till_done()
    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert loaded_entry.data[CONF_API_TOKEN] == TOKEN
    assert _warnings(caplog) == []


async def test_migrate_old_cloud_entry(
    hass: HomeAssistant,
    simulator: Simulator,
    entity_registry: er.EntityRegistry,
) -> None:
    """A 0.6.0 entry (version 1, no unique id, host URL) loads after migration."""
    old = {
        CONF_NAME: "charger1",
        "host": f"https://{SERIAL}.api.v3.go-e.io",
        CONF_API_TOKEN: TOKEN,
        CONF_SCAN_INTERVAL: 5,
    }
    entry = MockConfigEntry(domain=DOMAIN, title="charger1", version=1, data=old, options=old)
    entry.add_to_hass(hass)
    button = entity_registry.async_get_or_create(
        "button", DOMAIN, f"{entry.entry_id}_wallbox_control", config_entry=entry
    )
    other = entity_registry.async_get_or_create(
        "sensor", DOMAIN, f"{entry.entry_id}_unrelated", config_entry=entry
    )
    # the real cloud URL cannot be reached from tests: point the default at the simulator
    simulated = f"{simulator.url('goecharger')}/{{serial}}"
    with patch("custom_components.smartenergy_goecharger.DEFAULT_BASE_URL", simulated):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.minor_version) == (2, 2)
    assert entry.unique_id == SERIAL
    assert entry.data == {CONF_NAME: "charger1", CONF_SERIAL: SERIAL, CONF_API_TOKEN: TOKEN}
    assert entry.options == {CONF_SCAN_INTERVAL: 10}
    assert entity_registry.async_get(button.entity_id).unique_id == f"{SERIAL}_wallbox_control"
    assert entity_registry.async_get(other.entity_id).unique_id == f"{entry.entry_id}_unrelated"
    assert hass.states.get("sensor.charger1_car_charging_status").state == "charging"


async def test_migrate_old_local_entry(hass: HomeAssistant, simulator: Simulator) -> None:
    """An old entry with a non-cloud host keeps it as URL and learns the serial from `sse`."""
    old = {
        CONF_NAME: "charger2",
        "host": f"{simulator.url('goecharger')}/{SERIAL}/",
        CONF_API_TOKEN: TOKEN,
        CONF_SCAN_INTERVAL: "bad",
    }
    entry = MockConfigEntry(domain=DOMAIN, title="charger2", version=1, data=old, options=old)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.unique_id == SERIAL
    assert entry.data[CONF_SERIAL] == SERIAL
    assert entry.data == {
        CONF_NAME: "charger2",
        CONF_SERIAL: SERIAL,
        CONF_API_TOKEN: TOKEN,
        CONF_API_URL: f"{simulator.url('goecharger')}/{SERIAL}",
    }
    assert entry.options == {CONF_SCAN_INTERVAL: 30}
    assert (entry.version, entry.minor_version) == (2, 2)


async def test_migrate_duplicate_old_entries(hass: HomeAssistant, simulator: Simulator) -> None:
    """The old integration allowed duplicates: the first takes the charger, the second fails."""
    url = f"{simulator.url('goecharger')}/{SERIAL}"
    entries = []
    for name in ("a", "b"):
        old = {CONF_NAME: name, "host": url, CONF_API_TOKEN: TOKEN}
        entry = MockConfigEntry(domain=DOMAIN, title=name, version=1, data=old, options=old)
        entry.add_to_hass(hass)
        entries.append(entry)
    assert await hass.config_entries.async_setup(entries[0].entry_id)
    await hass.async_block_till_done()
    assert [e.unique_id for e in entries] == [SERIAL, None]
    assert entries[0].state is ConfigEntryState.LOADED
    # the duplicate is refused with a clear reason instead of clashing entity ids
    assert entries[1].state is ConfigEntryState.SETUP_ERROR
    assert entries[1].reason is not None
    assert entries[1].reason.startswith('This charger is already configured in the entry "a"')


async def test_migrate_url_key_of_version_2_1(
    hass: HomeAssistant, simulator: Simulator, entity_registry: er.EntityRegistry
) -> None:
    """Version 2.1 stored the API URL as "url": renamed to "api_url", nothing else changes."""
    url = f"{simulator.url('goecharger')}/{{serial}}"
    data = {CONF_NAME: "Driveway", CONF_SERIAL: SERIAL, CONF_API_TOKEN: TOKEN, "url": url}
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Driveway",
        unique_id=SERIAL,
        version=2,
        minor_version=1,
        data=data,
        options={CONF_SCAN_INTERVAL: 45},
    )
    entry.add_to_hass(hass)
    button = entity_registry.async_get_or_create(
        "button", DOMAIN, f"{SERIAL}_wallbox_control", config_entry=entry
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.minor_version) == (2, 2)
    assert entry.data == {
        CONF_NAME: "Driveway",
        CONF_SERIAL: SERIAL,
        CONF_API_TOKEN: TOKEN,
        CONF_API_URL: url,
    }
    assert entry.options == {CONF_SCAN_INTERVAL: 45}
    assert entry.unique_id == SERIAL
    assert entity_registry.async_get(button.entity_id).unique_id == f"{SERIAL}_wallbox_control"
    # the renamed URL is used: the simulator answered
    assert hass.states.get(CAR_STATUS).state == "charging"
    assert entry.runtime_data.coordinator.update_interval == timedelta(seconds=45)


async def test_migrate_version_2_1_without_url(hass: HomeAssistant, simulator: Simulator) -> None:
    """A cloud entry of version 2.1 (no URL stored) only gets the new minor version."""
    data = {CONF_NAME: "Cloud", CONF_SERIAL: SERIAL, CONF_API_TOKEN: TOKEN}
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Cloud",
        unique_id=SERIAL,
        version=2,
        minor_version=1,
        data=data,
        options={CONF_SCAN_INTERVAL: 30},
    )
    entry.add_to_hass(hass)
    simulated = f"{simulator.url('goecharger')}/{{serial}}"
    with patch("custom_components.smartenergy_goecharger.DEFAULT_BASE_URL", simulated):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.minor_version) == (2, 2)
    assert entry.data == data
    assert entry.options == {CONF_SCAN_INTERVAL: 30}


async def test_newer_minor_version_loads_as_it_is(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A newer minor version only adds optional keys: it loads and is left unchanged."""
    data = {**entry_data(simulator), "future_option": True}
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Driveway",
        unique_id=SERIAL,
        version=2,
        minor_version=3,
        data=data,
        options={CONF_SCAN_INTERVAL: 30},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.minor_version) == (2, 3)
    assert entry.data == data


async def test_migrate_from_future_version_fails(hass: HomeAssistant) -> None:
    entry = MockConfigEntry(domain=DOMAIN, version=3, data={})
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR


async def test_migrate_refuses_a_future_version(hass: HomeAssistant) -> None:
    """HA 2026.x refuses a newer entry itself; the handler refuses it too (HA 2025.4)."""
    entry = MockConfigEntry(domain=DOMAIN, version=3, data={})
    entry.add_to_hass(hass)
    assert not await async_migrate_entry(hass, entry)
    assert entry.version == 3


async def test_cloud_api_disabled_from_start_raises_issue(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A charger whose cloud API is off never loads: the issue is raised at the first try."""
    charger = vendor(simulator).chargers[SERIAL]
    charger.cloud_api = False
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    issue_id = f"cloud_api_disabled_{config_entry.entry_id}"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    assert not hass.config_entries.flow.async_progress()
    charger.cloud_api = True
    # the next retry: HA 2025.4 backs off up to 80 s, 2026.x up to 600 s
    for _ in range(11):
        if config_entry.state is ConfigEntryState.LOADED:
            break
        await _tick(hass, freezer, 60)
    assert config_entry.state is ConfigEntryState.LOADED
    assert not issue_registry.issues


async def test_offline_from_start_raises_issue_after_30_minutes(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """The outage is tracked across setup retries, so the repair issue appears."""
    vendor(simulator).chargers[SERIAL].offline = True
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    assert not issue_registry.issues
    for _ in range(40):  # 40 x 60 s covers the 30 min before the issue
        await _tick(hass, freezer, 60)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    issue_id = f"charger_unreachable_{config_entry.entry_id}"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None


@pytest.mark.parametrize("switch", ["offline", "cloud_api_disabled"])
async def test_remove_entry_deletes_issue(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    *,
    switch: str,
) -> None:
    charger = vendor(simulator).chargers[SERIAL]
    if switch == "offline":
        charger.offline = True
    else:
        charger.cloud_api = False
    await _tick(hass, freezer)
    await _tick(hass, freezer, 31 * 60)
    assert issue_registry.issues
    await hass.config_entries.async_remove(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert not issue_registry.issues


async def test_migrate_local_entry_without_serial(
    hass: HomeAssistant, simulator: Simulator, entity_registry: er.EntityRegistry
) -> None:
    """A local charger that reports no serial still loads, identified by the entry id."""
    vendor(simulator).chargers[SERIAL].extra["sse"] = None
    old = {CONF_NAME: "c", "host": f"{simulator.url('goecharger')}/{SERIAL}", CONF_API_TOKEN: TOKEN}
    entry = MockConfigEntry(domain=DOMAIN, title="c", version=1, data=old, options=old)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.unique_id is None
    button = entity_registry.async_get("button.c_wallbox_control")
    assert button is not None
    assert button.unique_id == f"{entry.entry_id}_wallbox_control"


async def test_migrate_duplicate_old_cloud_entries_with_entities(
    hass: HomeAssistant, simulator: Simulator, entity_registry: er.EntityRegistry
) -> None:
    """Two old cloud entries of one charger: the second fails cleanly, its ids stay."""
    entries: list[MockConfigEntry] = []
    buttons: list[er.RegistryEntry] = []
    for name in ("a", "b"):
        old = {CONF_NAME: name, "host": f"https://{SERIAL}.api.v3.go-e.io", CONF_API_TOKEN: TOKEN}
        entry = MockConfigEntry(domain=DOMAIN, title=name, version=1, data=old, options=old)
        entry.add_to_hass(hass)
        buttons.append(
            entity_registry.async_get_or_create(
                "button", DOMAIN, f"{entry.entry_id}_wallbox_control", config_entry=entry
            )
        )
        entries.append(entry)
    simulated = f"{simulator.url('goecharger')}/{{serial}}"
    with patch("custom_components.smartenergy_goecharger.DEFAULT_BASE_URL", simulated):
        await hass.config_entries.async_setup(entries[0].entry_id)
        await hass.async_block_till_done()
    assert entries[0].state is ConfigEntryState.LOADED
    assert entries[0].unique_id == SERIAL
    assert entity_registry.async_get(buttons[0].entity_id).unique_id == f"{SERIAL}_wallbox_control"
    # the duplicate is migrated, but refused with the clear reason, not a migration error
    assert entries[1].version == 2
    assert entries[1].unique_id is None
    assert entries[1].state is ConfigEntryState.SETUP_ERROR
    assert entries[1].reason is not None
    assert entries[1].reason.startswith('This charger is already configured in the entry "a"')
    assert (
        entity_registry.async_get(buttons[1].entity_id).unique_id
        == f"{entries[1].entry_id}_wallbox_control"
    )


async def test_migrate_old_local_entry_keeps_its_entities(
    hass: HomeAssistant, simulator: Simulator, entity_registry: er.EntityRegistry
) -> None:
    """A local entry learns its serial at the first refresh and then takes its old ids over."""
    old = {CONF_NAME: "c", "host": f"{simulator.url('goecharger')}/{SERIAL}", CONF_API_TOKEN: TOKEN}
    entry = MockConfigEntry(domain=DOMAIN, title="c", version=1, data=old, options=old)
    entry.add_to_hass(hass)
    button = entity_registry.async_get_or_create(
        "button", DOMAIN, f"{entry.entry_id}_wallbox_control", config_entry=entry
    )
    number = entity_registry.async_get_or_create(
        "number", DOMAIN, f"{entry.entry_id}_charger_max_current", config_entry=entry
    )
    # a stray registry entry already holds the new id of the number: it is not taken
    entity_registry.async_get_or_create("number", DOMAIN, f"{SERIAL}_charger_max_current")
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.unique_id == SERIAL
    assert entity_registry.async_get(button.entity_id).unique_id == f"{SERIAL}_wallbox_control"
    assert hass.states.get(button.entity_id) is not None
    assert (
        entity_registry.async_get(number.entity_id).unique_id
        == f"{entry.entry_id}_charger_max_current"
    )


async def test_migrated_local_entry_with_bad_token_is_repaired_by_reauth(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """The entry has no serial yet: reauth learns it, and the reload claims it."""
    old = {CONF_NAME: "c", "host": f"{simulator.url('goecharger')}/{SERIAL}", CONF_API_TOKEN: "bad"}
    entry = MockConfigEntry(domain=DOMAIN, title="c", version=1, data=old, options=old)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.data[CONF_SERIAL] == ""
    flow = hass.config_entries.flow.async_progress_by_handler(DOMAIN)[0]
    assert flow["context"]["source"] == SOURCE_REAUTH
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_API_TOKEN: TOKEN}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.unique_id == SERIAL
    assert entry.data[CONF_SERIAL] == SERIAL


async def test_odd_payload_keeps_entities_available(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A number instead of the temperature list and NaN values do not break polling."""
    vendor(simulator).chargers[SERIAL].extra.update({"tma": 25, "amp": float("nan")})
    await _tick(hass, freezer)
    assert hass.states.get(CAR_STATUS).state == "charging"
    assert hass.states.get("sensor.driveway_temperature").state == "unknown"
    assert hass.states.get("number.driveway_charging_current").state == STATE_UNAVAILABLE
