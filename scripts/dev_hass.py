"""Run and drive a real Home Assistant with our integrations against the simulator.

Used by ``scripts/develop`` (``python scripts/dev_hass.py develop``) and by the end-to-end
tests (``tests/e2e``). Everything goes through HA's public HTTP APIs: onboarding, the auth
login flow, the config-flow REST API, states and services.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass, field
import json
import os
from pathlib import Path
import signal
import socket
import subprocess
import sys
import time
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEV_USER = "dev"
DEV_PASSWORD = "dev"  # noqa: S105 - the documented login of the local dev instance
ONBOARDING_PRESEED = {
    "version": 4,
    "minor_version": 1,
    "key": "onboarding",
    # Every step but "user": the core_config step would start default flows (met, radio
    # browser, ...) whose libraries are not installed and that only clutter the log.
    "data": {"done": ["core_config", "analytics", "integration"]},
}


class HassError(RuntimeError):
    """Home Assistant answered with an error."""

    def __init__(self, status: int, body: str) -> None:
        """Keep the status and the body."""
        super().__init__(f"HTTP {status}: {body[:500]}")
        self.status = status
        self.body = body


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http(
    method: str,
    url: str,
    data: Any = None,
    *,
    token: str | None = None,
    form: bool = False,
    timeout: float = 30,
) -> Any:
    """Send one request; return the decoded JSON (or text) body, raise HassError on >= 400."""
    headers = {}
    body: bytes | None = None
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if data is not None:
        if form:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode()
    except urllib.error.HTTPError as err:
        raise HassError(err.code, err.read().decode(errors="replace")) from None
    try:
        return json.loads(text) if text else None
    except json.JSONDecodeError:
        return text


def wait_for(
    predicate: Callable[[], Any], timeout: float = 30, interval: float = 0.25, what: str = ""
) -> Any:
    """Poll ``predicate`` until it returns something truthy; return it or raise TimeoutError."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = predicate()
        except (OSError, HassError) as err:
            last_error = err
        else:
            if result:
                return result
        time.sleep(interval)
    msg = f"timed out after {timeout}s waiting for {what or predicate}"
    if last_error:
        msg += f" (last error: {last_error})"
    raise TimeoutError(msg)


@dataclass
class HassClient:
    """A logged-in client of one Home Assistant instance."""

    url: str
    token: str | None = None
    refresh_token: str | None = None

    @property
    def client_id(self) -> str:
        """Return the OAuth client id (HA wants a URL)."""
        return f"{self.url}/"

    def api(self, method: str, path: str, data: Any = None, **kwargs: Any) -> Any:
        """Call HA's HTTP API with the access token."""
        return http(method, f"{self.url}{path}", data, token=self.token, **kwargs)

    def is_up(self) -> bool:
        """Return True once HA's HTTP server answers."""
        try:
            http("GET", f"{self.url}/api/onboarding", timeout=5)
        except HassError as err:
            return err.status in {401, 404}
        except OSError:
            return False
        return True

    def _exchange(self, code: str) -> None:
        tokens = http(
            "POST",
            f"{self.url}/auth/token",
            {"grant_type": "authorization_code", "code": code, "client_id": self.client_id},
            form=True,
        )
        self.token = tokens["access_token"]
        self.refresh_token = tokens["refresh_token"]

    def needs_onboarding(self) -> bool:
        """Return True while no user exists."""
        try:
            steps = http("GET", f"{self.url}/api/onboarding")
        except HassError as err:
            if err.status == 404:  # onboarded: the onboarding API is gone
                return False
            raise
        return any(s["step"] == "user" and not s["done"] for s in steps)

    def onboard(self, username: str = DEV_USER, password: str = DEV_PASSWORD) -> None:
        """Create the owner account through the onboarding API and log in as it."""
        result = http(
            "POST",
            f"{self.url}/api/onboarding/users",
            {
                "client_id": self.client_id,
                "name": "Developer",
                "username": username,
                "password": password,
                "language": "en",
            },
        )
        self._exchange(result["auth_code"])

    def login(self, username: str = DEV_USER, password: str = DEV_PASSWORD) -> None:
        """Log in through the auth login flow (what the frontend does)."""
        flow = http(
            "POST",
            f"{self.url}/auth/login_flow",
            {
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": self.client_id,
            },
        )
        result = http(
            "POST",
            f"{self.url}/auth/login_flow/{flow['flow_id']}",
            {"client_id": self.client_id, "username": username, "password": password},
        )
        if result.get("type") != "create_entry":
            msg = f"login failed: {result}"
            raise HassError(400, msg)
        self._exchange(result["result"])

    def ws(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send one command over HA's websocket API (as the frontend does); return the result."""
        import aiohttp  # noqa: PLC0415 - only the websocket commands need it

        async def run() -> dict[str, Any]:
            url = self.url.replace("http", "ws", 1) + "/api/websocket"
            async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
                await ws.receive_json()  # auth_required
                await ws.send_json({"type": "auth", "access_token": self.token})
                auth = await ws.receive_json()
                if auth.get("type") != "auth_ok":
                    msg = f"websocket auth failed: {auth}"
                    raise HassError(401, msg)
                await ws.send_json({"id": 1, **message})
                while True:
                    reply: dict[str, Any] = await ws.receive_json(timeout=60)
                    if reply.get("id") == 1 and reply.get("type") == "result":
                        return reply

        return asyncio.run(run())

    def confirm_http_config(self) -> str:
        """Confirm a pending HTTP configuration, so Home Assistant keeps it.

        Since 2026.x, HA moves the YAML ``http:`` settings (our port) into storage as a
        *pending* configuration on the first start and, unless it is promoted within five
        minutes, reverts it by restarting itself. Older versions have no such command.
        Returns what was done.
        """
        reply = self.ws({"type": "http/config"})
        if not reply.get("success"):
            return "no pending HTTP configuration (this Home Assistant has none)"
        if reply["result"].get("active_config_type") != "pending":
            return "HTTP configuration already stable"
        promoted = self.ws({"type": "http/config/promote"})
        if not promoted.get("success"):
            msg = f"could not promote the pending HTTP configuration: {promoted}"
            raise HassError(500, msg)
        return "pending HTTP configuration promoted"

    def wait_running(self, timeout: float = 90) -> None:
        """Wait until HA reports it has finished starting."""
        wait_for(
            lambda: self.api("GET", "/api/config").get("state") == "RUNNING",
            timeout,
            what="Home Assistant to be running",
        )

    def entries(self, domain: str | None = None) -> list[dict[str, Any]]:
        """Return the config entries (of one domain)."""
        path = "/api/config/config_entries/entry"
        if domain:
            path += f"?domain={domain}"
        result: list[dict[str, Any]] = self.api("GET", path)
        return result

    def add_entry(self, domain: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
        """Run a config flow with the given step inputs; return the final flow result."""
        result: dict[str, Any] = self.api(
            "POST", "/api/config/config_entries/flow", {"handler": domain}
        )
        for step in steps:
            if result.get("type") != "form":
                break
            result = self.api("POST", f"/api/config/config_entries/flow/{result['flow_id']}", step)
        return result

    def states(self) -> dict[str, dict[str, Any]]:
        """Return every state by entity_id."""
        return {s["entity_id"]: s for s in self.api("GET", "/api/states")}

    def call_service(
        self,
        domain: str,
        service: str,
        data: dict[str, Any] | None = None,
        *,
        return_response: bool = False,
    ) -> Any:
        """Call an action; with return_response, return its response data."""
        path = f"/api/services/{domain}/{service}"
        if return_response:
            path += "?return_response"
        return self.api("POST", path, data or {})


def dev_entries(sim_url: str) -> list[Any]:
    """Return the DevEntry list every simulated vendor offers for a simulator at sim_url."""
    from simulator import Simulator  # noqa: PLC0415 - keep the script importable without it

    return [e for v in Simulator().vendors.values() for e in v.dev_entries(sim_url)]


def prepare_config(config_dir: Path, *, configuration: str | None = None) -> None:
    """Link our custom_components and pre-seed onboarding in a HA config directory."""
    config_dir.mkdir(parents=True, exist_ok=True)
    if configuration is not None:
        (config_dir / "configuration.yaml").write_text(configuration)
    link = config_dir / "custom_components"
    if not link.exists() and not link.is_symlink():
        link.symlink_to(ROOT / "custom_components", target_is_directory=True)
    storage = config_dir / ".storage"
    storage.mkdir(exist_ok=True)
    if not (storage / "onboarding").exists():
        (storage / "onboarding").write_text(json.dumps(ONBOARDING_PRESEED))


def start_simulator(
    port: int, *, frozen: bool = False, start: str | None = None
) -> subprocess.Popen[bytes]:
    """Start ``python -m simulator`` and wait until it answers."""
    args = [sys.executable, "-m", "simulator", "--port", str(port)]
    if frozen:
        args.append("--frozen")
    if start:
        args += ["--start", start]
    proc = subprocess.Popen(args, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    wait_for(lambda: _answers(f"{url}/_sim/health", proc), 30, what="the simulator")
    return proc


def _answers(url: str, proc: subprocess.Popen[bytes]) -> bool:
    if proc.poll() is not None:
        msg = f"{proc.args} exited with {proc.returncode}"
        raise RuntimeError(msg)
    try:
        http("GET", url, timeout=2)
    except (OSError, HassError):
        return False
    return True


def hass_bin() -> Path:
    """Return the ``hass`` to run: $HASS_BIN, else .venv-hass's, else the one beside us."""
    if configured := os.environ.get("HASS_BIN"):
        return Path(configured)
    release = ROOT / ".venv-hass" / "bin" / "hass"
    return release if release.exists() else Path(sys.executable).with_name("hass")


def hass_version(hass: Path | None = None) -> str:
    """Return the version of a ``hass`` (the Home Assistant installed beside it)."""
    python = (hass or hass_bin()).with_name("python")
    result = subprocess.run(
        [str(python), "-c", "from homeassistant.const import __version__; print(__version__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def start_hass(config_dir: Path, log_file: Path | None = None) -> subprocess.Popen[bytes]:
    """Start ``hass`` on a config directory (no pip installs)."""
    args = [str(hass_bin()), "-c", str(config_dir), "--skip-pip"]
    if log_file is not None:
        args += ["--log-file", str(log_file)]
    return subprocess.Popen(args, cwd=ROOT)


def stop(proc: subprocess.Popen[bytes] | None, timeout: float = 60) -> None:
    """Stop a child process: SIGTERM, then SIGKILL after ``timeout`` seconds."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass
class Instance:
    """A running simulator plus Home Assistant."""

    config_dir: Path
    ha_port: int
    sim_port: int
    sim: subprocess.Popen[bytes] | None = None
    hass: subprocess.Popen[bytes] | None = None
    client: HassClient = field(init=False)

    def __post_init__(self) -> None:
        """Create the client."""
        self.client = HassClient(f"http://127.0.0.1:{self.ha_port}")

    @property
    def sim_url(self) -> str:
        """Return the simulator's base URL."""
        return f"http://127.0.0.1:{self.sim_port}"

    def start(
        self, *, log_file: Path | None = None, frozen: bool = False, sim_start: str | None = None
    ) -> None:
        """Start both processes, wait for HA and log in (onboarding on the first start)."""
        self.sim = start_simulator(self.sim_port, frozen=frozen, start=sim_start)
        self.hass = start_hass(self.config_dir, log_file)
        wait_for(
            lambda: _answers_hass(self.client, self.hass),
            180,
            interval=0.5,
            what="Home Assistant's HTTP server",
        )
        if self.client.needs_onboarding():
            self.client.onboard()
        else:
            self.client.login()
        self.client.wait_running()
        self.client.confirm_http_config()

    def add_dev_entries(self) -> list[str]:
        """Run the config flow of every simulated vendor's dev entry; return what happened.

        An entry that exists already ends in the flow's ``already_configured`` abort.
        """
        done: list[str] = []
        for entry in dev_entries(self.sim_url):
            try:
                result = self.client.add_entry(entry.domain, entry.steps)
            except HassError as err:
                done.append(f"{entry.domain}: FAILED {err}")
                continue
            if result.get("type") == "create_entry":
                done.append(f"{entry.domain}: added '{result.get('title')}'")
            elif result.get("reason") == "already_configured":
                done.append(f"{entry.domain}: already configured")
            else:
                done.append(f"{entry.domain}: FAILED, the flow ended with {result}")
        return done

    def stop(self) -> None:
        """Stop Home Assistant, then the simulator."""
        stop(self.hass)
        stop(self.sim, 10)


def _answers_hass(client: HassClient, proc: subprocess.Popen[bytes] | None) -> bool:
    if proc is not None and proc.poll() is not None:
        msg = f"hass exited with {proc.returncode}"
        raise RuntimeError(msg)
    return client.is_up()


def develop(args: argparse.Namespace) -> int:
    """Run the dev instance until Ctrl-C."""
    config_dir = ROOT / "config"
    prepare_config(config_dir)
    os.environ["HA_PORT"] = str(args.ha_port)  # read by config/configuration.yaml
    instance = Instance(config_dir, args.ha_port, args.sim_port)
    interrupted = False

    def on_signal(signum: int, frame: object) -> None:
        del signum, frame
        raise KeyboardInterrupt

    # Installed explicitly: a shell that starts us in the background makes SIGINT ignored.
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        instance.start()
        for line in instance.add_dev_entries():
            print(f"  {line}")
        print(
            f"\nHome Assistant is running on {instance.client.url}"
            f"\n  log in as '{DEV_USER}' with password '{DEV_PASSWORD}'"
            f"\n  simulator: {instance.sim_url} (control API under /_sim/)"
            "\nPress Ctrl-C to stop.\n",
            flush=True,
        )
        while all(p is not None and p.poll() is None for p in (instance.hass, instance.sim)):
            time.sleep(0.5)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        with contextlib.suppress(KeyboardInterrupt):
            instance.stop()
    if not interrupted:
        print("scripts/develop: a process exited unexpectedly", file=sys.stderr)
        return 1
    print("scripts/develop: stopped")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(prog="dev_hass.py")
    sub = parser.add_subparsers(dest="command", required=True)
    dev = sub.add_parser("develop", help="run the dev instance on config/")
    dev.add_argument("--ha-port", type=int, default=int(os.environ.get("HA_PORT", "8123")))
    dev.add_argument("--sim-port", type=int, default=int(os.environ.get("SIM_PORT", "8765")))
    args = parser.parse_args(argv)
    return develop(args)


if __name__ == "__main__":
    sys.exit(main())
