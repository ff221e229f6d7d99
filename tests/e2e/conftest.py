"""A real Home Assistant process and the simulator, shared by the e2e tests of a session.

``hass_env`` starts ``python -m simulator`` and ``hass`` on free ports with a temporary
config directory that links our ``custom_components``, onboards a user, and offers helpers to
run config flows, read states, call actions and drive the simulator over HTTP.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
import re
import sys
from typing import Any

import pytest
import pytest_socket

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from dev_hass import (  # noqa: E402
    HassClient,
    HassError,
    Instance,
    dev_entries,
    free_port,
    hass_version,
    http,
    prepare_config,
    wait_for,
)

CONFIGURATION = """\
homeassistant:
  name: e2e
  unit_system: metric
  time_zone: Europe/London
  country: GB
  currency: GBP
  latitude: 51.5
  longitude: -0.12
  elevation: 10
http:
  server_port: {port}
api:
config:
frontend:
diagnostics:
repairs:
logger:
  default: warning
  logs:
    custom_components: debug
"""

# Log noise of this environment, not of our code: HA's camera helper (loaded by the frontend)
# looks for libturbojpeg, and 2026.x's ffmpeg component (set up with the base platforms) for the
# ffmpeg binary; neither is installed here.
KNOWN_NOISE = ("turbojpeg", "[haffmpeg.core] FFmpeg fails")
OUR_DOMAINS = sorted(
    p.name for p in (ROOT / "custom_components").iterdir() if (p / "manifest.json").exists()
)
# How Home Assistant reports a deprecated use (helpers.frame.report_usage, deprecated entity
# members, deprecated constants and functions) and what it says when it tolerates it for now.
DEPRECATION_RE = re.compile(
    r"deprecat|will stop working|stops working|Detected that custom integration"
    r"|Detected code that|please report it to the author",
    re.IGNORECASE,
)
DEBUG_RECORD_RE = re.compile(r"^\S+ \S+ DEBUG ")
OUR_DOMAIN_RE = re.compile(
    r"custom[_ ]components[./](?:{d})\b|custom integration '?(?:{d})\b|\b(?:{d})\.".format(
        d="|".join(OUR_DOMAINS)
    )
)


class HassEnv:
    """Helpers over a running Instance."""

    def __init__(self, instance: Instance, log_file: Path) -> None:
        """Wrap a started instance."""
        self.instance = instance
        self.client: HassClient = instance.client
        self.log_file = log_file
        self.sim_url = instance.sim_url

    def api(self, method: str, path: str, json: Any = None) -> Any:
        """Call HA's REST API."""
        return self.client.api(method, path, json)

    def add_entry(self, domain: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
        """Run a config flow; return the final flow result."""
        return self.client.add_entry(domain, steps)

    def dev_steps(self, domain: str) -> list[dict[str, Any]]:
        """Return the config-flow inputs the simulator offers for a domain."""
        for entry in dev_entries(self.sim_url):
            if entry.domain == domain:
                return list(entry.steps)
        msg = f"the simulator offers no dev entry for {domain}"
        raise LookupError(msg)

    def entries(self, domain: str | None = None) -> list[dict[str, Any]]:
        """Return the config entries (of a domain)."""
        return self.client.entries(domain)

    def states(self) -> dict[str, dict[str, Any]]:
        """Return every state by entity_id."""
        return self.client.states()

    def call_service(
        self,
        domain: str,
        service: str,
        data: dict[str, Any] | None = None,
        *,
        return_response: bool = False,
    ) -> Any:
        """Call an action."""
        return self.client.call_service(domain, service, data, return_response=return_response)

    def integration_entities(self, domain: str) -> list[str]:
        """Return the entity ids an integration created (HA's template function)."""
        text = self.api(
            "POST",
            "/api/template",
            {"template": f"{{{{ integration_entities('{domain}') | tojson }}}}"},
        )
        return list(text) if isinstance(text, list) else []

    def ws(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send one command over HA's websocket API (as the frontend does); return the result.

        Unlike the REST API, the websocket API answers a ServiceValidationError or
        HomeAssistantError with ``{"success": false, "error": {"code", "message", ...}}``
        carrying the translated message, and logs no traceback.
        """
        return self.client.ws(message)

    def ws_call_service(
        self,
        domain: str,
        service: str,
        data: dict[str, Any] | None = None,
        *,
        return_response: bool = False,
    ) -> dict[str, Any]:
        """Call an action over the websocket API; return the whole result message."""
        return self.ws(
            {
                "type": "call_service",
                "domain": domain,
                "service": service,
                "service_data": data or {},
                "return_response": return_response,
            }
        )

    def sim(self, method: str, path: str, json: Any = None) -> Any:
        """Call the simulator (``path`` like ``/_sim/requests``)."""
        return http(method, f"{self.sim_url}{path}", json)

    def fault(self, vendor: str, path: str = "*", **kwargs: Any) -> int:
        """Inject a simulator fault (see simulator.core.Fault); return its id."""
        fault: dict[str, Any] = self.sim(
            "POST", "/_sim/faults", {"vendor": vendor, "path": path, **kwargs}
        )
        return int(fault["id"])

    def clear_faults(self, vendor: str | None = None) -> None:
        """Clear the simulator's faults (of one vendor)."""
        self.sim("DELETE", "/_sim/faults" + (f"?vendor={vendor}" if vendor else ""))

    def requests(self, vendor: str) -> dict[str, int]:
        """Return the simulator's request counts of a vendor by endpoint (plus "total")."""
        data = self.sim("GET", "/_sim/requests?recent=0")["by_vendor"].get(vendor)
        if data is None:
            return {"total": 0}
        return {**data["endpoints"], "total": data["total"]}

    def refresh(self, *entity_ids: str) -> None:
        """Ask HA to refresh entities now (their coordinator polls, debounced by HA)."""
        self.call_service("homeassistant", "update_entity", {"entity_id": list(entity_ids)})

    def state(self, entity_id: str) -> str | None:
        """Return one entity's state."""
        try:
            return str(self.api("GET", f"/api/states/{entity_id}")["state"])
        except HassError as err:
            if err.status == 404:
                return None
            raise

    def flows_in_progress(self, domain: str, source: str | None = None) -> list[dict[str, Any]]:
        """Return the config flows in progress of a domain (e.g. source="reauth")."""
        flows: list[dict[str, Any]] = self.ws({"type": "config_entries/flow/progress"})["result"]
        return [
            f
            for f in flows
            if f["handler"] == domain and (source is None or f["context"].get("source") == source)
        ]

    def diagnostics(self, entry_id: str) -> Any:
        """Download an entry's diagnostics as the UI does."""
        return self.api("GET", f"/api/diagnostics/config_entry/{entry_id}")

    def set_options(self, entry_id: str, options: dict[str, Any]) -> dict[str, Any]:
        """Run an entry's options flow with one form submission; return the result."""
        flow: dict[str, Any] = self.api(
            "POST", "/api/config/config_entries/options/flow", {"handler": entry_id}
        )
        result: dict[str, Any] = self.api(
            "POST", f"/api/config/config_entries/options/flow/{flow['flow_id']}", options
        )
        return result

    @staticmethod
    def wait_for(predicate: Callable[[], Any], timeout: float = 30) -> Any:
        """Poll until ``predicate`` returns something truthy."""
        return wait_for(predicate, timeout)

    def log_text(self) -> str:
        """Return Home Assistant's log so far."""
        return self.log_file.read_text(errors="replace") if self.log_file.exists() else ""

    def log_blocks(self) -> list[str]:
        """Return the log's records (a record with a traceback is one block)."""
        return re.split(r"\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", self.log_text())

    def log_problems(self) -> list[str]:
        """Return tracebacks, setup errors and deprecations of ours, less environment noise."""
        problems: list[str] = []
        for block in self.log_blocks():
            if any(noise in block for noise in KNOWN_NOISE):
                continue
            if is_our_deprecation(block):
                problems.append(block[:2000])
                continue
            if is_logged_action_error(block):
                continue
            if DEBUG_RECORD_RE.match(block):
                # Detail logged on purpose, e.g. HA 2026.x's coordinator logs the traceback of
                # every failed update ("Full error:") at DEBUG after its one-line message.
                continue
            if (
                "Traceback (most recent call last)" in block
                or "Error setting up entry" in block
                or "[homeassistant.setup] Error" in block
                or "Unexpected error" in block
            ):
                problems.append(block[:2000])
        return problems

    def deprecations(self) -> list[str]:
        """Return every log record in which Home Assistant reports a deprecated use of ours."""
        return [block[:2000] for block in self.log_blocks() if is_our_deprecation(block)]


def is_logged_action_error(record: str) -> bool:
    """Return True for HA 2025.x logging an action's translated error as "Unexpected exception".

    Up to 2025.x the websocket API logs a HomeAssistantError that an entity method raises with
    its traceback, although the caller gets the translated message (2026.x logs one line). The
    error is the action's answer (a refused write, say), not a crash.
    """
    lines = record.strip().splitlines()
    return (
        "[homeassistant.components.websocket_api.http.connection]" in lines[0]
        and "Unexpected exception" in lines[0]
        and lines[-1].startswith(
            (
                "homeassistant.exceptions.HomeAssistantError: ",
                "homeassistant.exceptions.ServiceValidationError: ",
            )
        )
    )


def is_our_deprecation(record: str) -> bool:
    """Return True when a log record reports a deprecated use by one of our integrations."""
    return bool(DEPRECATION_RE.search(record) and OUR_DOMAIN_RE.search(record))


@pytest.fixture(scope="session")
def hass_env(tmp_path_factory: pytest.TempPathFactory) -> Generator[HassEnv]:
    """Start the simulator and Home Assistant once per test session."""
    pytest_socket.enable_socket()
    config_dir = tmp_path_factory.mktemp("hass-config")
    ha_port, sim_port = free_port(), free_port()
    prepare_config(config_dir, configuration=CONFIGURATION.format(port=ha_port))
    log_file = config_dir / "hass.log"
    instance = Instance(config_dir, ha_port, sim_port)
    try:
        instance.start(log_file=log_file)
        yield HassEnv(instance, log_file)
    finally:
        instance.stop()


@pytest.fixture(autouse=True, scope="module")
def _module_sockets() -> None:
    """Let module-scoped fixtures open sockets (set up before function-scoped ones)."""
    pytest_socket.enable_socket()


@pytest.fixture(autouse=True)
def _sockets(socket_enabled: None) -> None:
    """Let e2e tests open sockets (still only to 127.0.0.1)."""


__all__ = ["HassEnv", "HassError", "hass_version"]
