"""Shared machinery of the simulator: clock, request log, fault injection, vendor registry."""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
import fnmatch
import importlib
import itertools
import pkgutil
import time
from typing import Any, ClassVar

from aiohttp import web

CONTROL_PREFIX = "/_sim"
MALFORMED_BODY = '{"malformed": tru'

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class SimClock:
    """Simulated time: wall-clock time shifted by an offset, or frozen at an instant.

    Vendors read ``now()`` whenever they answer a request and evolve their devices up to that
    instant, so advancing the clock by an hour makes an hour of charging happen at once.
    """

    def __init__(self, start: datetime | None = None, *, frozen: bool = False) -> None:
        """Start at ``start`` (default: now), optionally frozen."""
        self._offset = 0.0
        self._frozen_at: float | None = time.time() if frozen else None
        if start is not None:
            self.set(start)

    def timestamp(self) -> float:
        """Return the simulated POSIX time."""
        if self._frozen_at is not None:
            return self._frozen_at
        return time.time() + self._offset

    def now(self) -> datetime:
        """Return the simulated time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.timestamp(), UTC)

    @property
    def frozen(self) -> bool:
        """Return True while the clock does not move by itself."""
        return self._frozen_at is not None

    def advance(self, seconds: float) -> None:
        """Move the clock forward (or back, with a negative value)."""
        if self._frozen_at is not None:
            self._frozen_at += seconds
        else:
            self._offset += seconds

    def set(self, when: datetime) -> None:
        """Jump to an absolute instant (naive datetimes are taken as UTC)."""
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        target = when.timestamp()
        if self._frozen_at is not None:
            self._frozen_at = target
        else:
            self._offset = target - time.time()

    def freeze(self) -> None:
        """Stop the clock at its current simulated instant."""
        if self._frozen_at is None:
            self._frozen_at = self.timestamp()

    def unfreeze(self) -> None:
        """Let the clock run again from its current simulated instant."""
        if self._frozen_at is not None:
            self._offset = self._frozen_at - time.time()
            self._frozen_at = None

    def as_dict(self) -> dict[str, Any]:
        """Describe the clock for the control API."""
        return {"now": self.now().isoformat(), "timestamp": self.timestamp(), "frozen": self.frozen}


@dataclass
class Fault:
    """A fault injected into the answers of one vendor.

    ``path`` is a glob matched against the request path below the vendor prefix (for example
    ``/v1/chargeSessions`` or ``/*/api/status``). ``remaining`` is how many matching requests
    the fault applies to; ``None`` keeps it until it is cleared.
    """

    vendor: str
    path: str = "*"
    method: str | None = None
    status: int | None = None
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    delay: float = 0.0
    malformed: bool = False
    remaining: int | None = None
    id: int = 0
    hits: int = 0

    KEYS: ClassVar[frozenset[str]] = frozenset(
        {
            "vendor",
            "path",
            "method",
            "status",
            "body",
            "headers",
            "content_type",
            "delay",
            "malformed",
            "remaining",
        }
    )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fault:
        """Build a fault from control-API JSON, rejecting unknown keys."""
        unknown = set(data) - cls.KEYS
        if unknown:
            msg = f"unknown fault keys: {sorted(unknown)}"
            raise ValueError(msg)
        if "vendor" not in data:
            msg = "a fault needs a vendor"
            raise ValueError(msg)
        fault = cls(**data)
        if fault.status is None and not fault.malformed and fault.delay <= 0:
            msg = "a fault needs a status, a delay or malformed=true"
            raise ValueError(msg)
        if fault.method is not None:
            fault.method = fault.method.upper()
        return fault

    def matches(self, vendor: str, method: str, path: str) -> bool:
        """Return True if this fault applies to the request."""
        if self.vendor != vendor or (self.remaining is not None and self.remaining <= 0):
            return False
        if self.method is not None and self.method != method:
            return False
        return fnmatch.fnmatchcase(path, self.path)

    def as_dict(self) -> dict[str, Any]:
        """Describe the fault for the control API."""
        return asdict(self)


class FaultSet:
    """The active faults, first match wins."""

    def __init__(self) -> None:
        """Start with no fault."""
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(self, fault: Fault) -> Fault:
        """Activate a fault and return it with its id."""
        fault.id = next(self._ids)
        self._faults.append(fault)
        return fault

    def inject(self, vendor: str, path: str = "*", **kwargs: Any) -> Fault:
        """Activate a fault from keyword arguments (in-process convenience)."""
        return self.add(Fault.from_dict({"vendor": vendor, "path": path, **kwargs}))

    def take(self, vendor: str, method: str, path: str) -> Fault | None:
        """Return the fault for this request, consuming one of its uses."""
        for fault in self._faults:
            if fault.matches(vendor, method, path):
                fault.hits += 1
                if fault.remaining is not None:
                    fault.remaining -= 1
                return fault
        return None

    def remove(self, fault_id: int) -> bool:
        """Clear one fault; return False if it did not exist."""
        before = len(self._faults)
        self._faults = [f for f in self._faults if f.id != fault_id]
        return len(self._faults) != before

    def clear(self, vendor: str | None = None) -> None:
        """Clear every fault, or those of one vendor."""
        self._faults = [f for f in self._faults if vendor is not None and f.vendor != vendor]

    def __iter__(self) -> Iterator[Fault]:
        """Iterate over the active faults."""
        return iter(list(self._faults))


@dataclass(frozen=True)
class LoggedRequest:
    """One request the simulator answered."""

    at: float
    vendor: str
    method: str
    path: str
    endpoint: str
    status: int
    bytes_in: int
    bytes_out: int
    fault: int | None


class RequestLog:
    """Counts requests per vendor and endpoint, and keeps the most recent ones."""

    def __init__(self, keep: int = 1000) -> None:
        """Keep at most ``keep`` recent requests; counters are unbounded."""
        self.recent: deque[LoggedRequest] = deque(maxlen=keep)
        self.counts: Counter[tuple[str, str]] = Counter()
        self.bytes_in: Counter[str] = Counter()
        self.bytes_out: Counter[str] = Counter()

    def record(self, entry: LoggedRequest) -> None:
        """Add one request."""
        self.recent.append(entry)
        self.counts[(entry.vendor, entry.endpoint)] += 1
        self.bytes_in[entry.vendor] += entry.bytes_in
        self.bytes_out[entry.vendor] += entry.bytes_out

    def reset(self) -> None:
        """Forget everything."""
        self.recent.clear()
        self.counts.clear()
        self.bytes_in.clear()
        self.bytes_out.clear()

    def count(self, vendor: str | None = None, endpoint: str | None = None) -> int:
        """Count requests, optionally of one vendor and one endpoint (``"GET /path"``)."""
        return sum(
            n
            for (v, e), n in self.counts.items()
            if (vendor is None or v == vendor) and (endpoint is None or e == endpoint)
        )

    def as_dict(self, recent: int = 100) -> dict[str, Any]:
        """Describe the counters (and the last ``recent`` requests) for the control API."""
        by_vendor: dict[str, dict[str, Any]] = {}
        for (vendor, endpoint), n in sorted(self.counts.items()):
            data = by_vendor.setdefault(
                vendor,
                {
                    "total": 0,
                    "bytes_in": self.bytes_in[vendor],
                    "bytes_out": self.bytes_out[vendor],
                    "endpoints": {},
                },
            )
            data["total"] += n
            data["endpoints"][endpoint] = n
        tail = list(self.recent)[-recent:] if recent > 0 else []
        return {
            "total": self.count(),
            "by_vendor": by_vendor,
            "recent": [asdict(r) for r in tail],
        }


@dataclass(frozen=True)
class DevEntry:
    """A config entry ``scripts/develop`` creates through HA's config-flow REST API.

    ``steps`` are the form inputs of the successive flow steps, in order.
    """

    domain: str
    steps: list[dict[str, Any]]


class Vendor:
    """Base class of a simulated vendor cloud.

    A vendor module in this package exposes ``VENDOR = <subclass>``; the app mounts the routes
    of ``routes()`` under ``/<name>`` and those of ``control_routes()`` under ``/_sim/<name>``.
    Before each request the vendor is brought up to the simulated time with ``evolve``.
    """

    name: ClassVar[str] = ""

    def __init__(self, clock: SimClock) -> None:
        """Create the vendor in its initial state."""
        self.clock = clock
        self._synced_at = clock.timestamp()

    def routes(self) -> list[web.RouteDef]:
        """Return the vendor API routes, relative to ``/<name>``."""
        return []

    def control_routes(self) -> list[web.RouteDef]:
        """Return vendor-specific control routes, relative to ``/_sim/<name>``."""
        return []

    def dev_entries(self, base_url: str) -> list[DevEntry]:
        """Return the config entries the dev instance should create against ``base_url``."""
        del base_url
        return []

    def reset(self) -> None:
        """Return to the initial state."""
        self._synced_at = self.clock.timestamp()

    def sync(self) -> None:
        """Evolve the devices up to the simulated now."""
        now = self.clock.timestamp()
        if now > self._synced_at:
            self.evolve(self._synced_at, now)
        self._synced_at = now

    def evolve(self, start: float, end: float) -> None:
        """Advance device state from ``start`` to ``end`` (POSIX seconds); override."""


SIM_KEY: web.AppKey[Simulator] = web.AppKey("simulator")


def discover_vendors() -> list[type[Vendor]]:
    """Import every module of this package that exposes ``VENDOR``."""
    found: list[type[Vendor]] = []
    package = importlib.import_module(__package__ or "simulator")
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name in {"core", "__main__"} or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        vendor = getattr(module, "VENDOR", None)
        if isinstance(vendor, type) and issubclass(vendor, Vendor):
            found.append(vendor)
    return found


class Simulator:
    """The simulator: one aiohttp app, its clock, faults, request log and vendors."""

    def __init__(
        self,
        vendors: Iterable[type[Vendor]] | None = None,
        clock: SimClock | None = None,
    ) -> None:
        """Build the app with the given vendors (default: every vendor module found)."""
        self.clock = clock or SimClock()
        self.log = RequestLog()
        self.faults = FaultSet()
        self.vendors: dict[str, Vendor] = {}
        for vendor_cls in discover_vendors() if vendors is None else vendors:
            vendor = vendor_cls(self.clock)
            self.vendors[vendor.name] = vendor
        self.app = self._build_app()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    def vendor(self, name: str) -> Vendor:
        """Return a vendor by name."""
        return self.vendors[name]

    def url(self, vendor: str) -> str:
        """Return the base URL of a vendor on the running server."""
        return f"{self.base_url}/{vendor}"

    def reset(self) -> None:
        """Reset vendors, faults and counters."""
        for vendor in self.vendors.values():
            vendor.reset()
        self.faults.clear()
        self.log.reset()

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on ``host:port`` (0 picks a free port) and return the base URL."""
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = site._server  # noqa: SLF001 - the only way to learn the port picked
        assert isinstance(server, asyncio.Server)  # noqa: S101
        bound_port = server.sockets[0].getsockname()[1]
        self.base_url = f"http://{host}:{bound_port}"
        return self.base_url

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        app[SIM_KEY] = self
        control = _control_routes(self)
        for vendor in self.vendors.values():
            sub = web.Application()
            sub.add_routes(vendor.routes())
            app.add_subapp(f"/{vendor.name}", sub)
            control.extend(
                web.route(r.method, f"{CONTROL_PREFIX}/{vendor.name}{r.path}", r.handler)
                for r in vendor.control_routes()
                if isinstance(r, web.RouteDef)
            )
        app.add_routes(control)
        return app

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        if path.startswith(f"{CONTROL_PREFIX}/") or path == CONTROL_PREFIX:
            return await handler(request)
        vendor_name, _, rest = path.lstrip("/").partition("/")
        vendor = self.vendors.get(vendor_name)
        if vendor is None:
            return await handler(request)
        rest = "/" + rest
        body = await request.read()
        fault = self.faults.take(vendor_name, request.method, rest)
        response: web.StreamResponse
        if fault is not None and fault.delay > 0:
            await asyncio.sleep(fault.delay)
        if fault is not None and fault.status is not None:
            response = web.Response(
                status=fault.status,
                text=fault.body if fault.body is not None else "",
                headers=fault.headers,
                content_type=fault.content_type if fault.body is not None else None,
            )
        else:
            vendor.sync()
            try:
                response = await handler(request)
            except web.HTTPException as err:
                self._record(request, vendor_name, err, len(body), fault)
                raise
            if fault is not None and fault.malformed:
                response = web.Response(
                    status=response.status,
                    text=MALFORMED_BODY,
                    content_type=fault.content_type,
                )
        self._record(request, vendor_name, response, len(body), fault)
        return response

    def _record(
        self,
        request: web.Request,
        vendor: str,
        response: web.StreamResponse,
        bytes_in: int,
        fault: Fault | None,
    ) -> None:
        resource = request.match_info.route.resource
        canonical = resource.canonical if resource is not None else request.path
        out = response.body if isinstance(response, web.Response) else None
        self.log.record(
            LoggedRequest(
                at=self.clock.timestamp(),
                vendor=vendor,
                method=request.method,
                path=request.path,
                endpoint=f"{request.method} {canonical}",
                status=response.status,
                bytes_in=bytes_in,
                bytes_out=len(out) if isinstance(out, bytes) else 0,
                fault=fault.id if fault is not None else None,
            )
        )


def _control_routes(sim: Simulator) -> list[web.RouteDef]:
    """Routes of the control API under ``/_sim``."""

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"vendors": sorted(sim.vendors), "clock": sim.clock.as_dict()})

    async def get_requests(request: web.Request) -> web.Response:
        recent = int(request.query.get("recent", "100"))
        return web.json_response(sim.log.as_dict(recent))

    async def reset_requests(_: web.Request) -> web.Response:
        sim.log.reset()
        return web.json_response({"total": 0})

    async def list_faults(_: web.Request) -> web.Response:
        return web.json_response([f.as_dict() for f in sim.faults])

    async def add_fault(request: web.Request) -> web.Response:
        try:
            data = await request.json()
            if not isinstance(data, dict):
                msg = "a fault is a JSON object"
                raise TypeError(msg)  # noqa: TRY301
            if data.get("vendor") not in sim.vendors:
                msg = f"unknown vendor {data.get('vendor')!r}"
                raise ValueError(msg)  # noqa: TRY301
            fault = sim.faults.add(Fault.from_dict(data))
        except (ValueError, TypeError) as err:
            return web.json_response({"error": str(err)}, status=400)
        return web.json_response(fault.as_dict(), status=201)

    async def clear_faults(request: web.Request) -> web.Response:
        sim.faults.clear(request.query.get("vendor"))
        return web.json_response([])

    async def remove_fault(request: web.Request) -> web.Response:
        if not sim.faults.remove(int(request.match_info["fault_id"])):
            return web.json_response({"error": "no such fault"}, status=404)
        return web.json_response({"removed": int(request.match_info["fault_id"])})

    async def get_clock(_: web.Request) -> web.Response:
        return web.json_response(sim.clock.as_dict())

    async def set_clock(request: web.Request) -> web.Response:
        try:
            data = await request.json()
            if "set" in data:
                sim.clock.set(datetime.fromisoformat(data["set"]))
            if "advance" in data:
                sim.clock.advance(float(data["advance"]))
            if data.get("frozen") is True:
                sim.clock.freeze()
            elif data.get("frozen") is False:
                sim.clock.unfreeze()
        except (ValueError, TypeError, AttributeError) as err:
            return web.json_response({"error": str(err)}, status=400)
        return web.json_response(sim.clock.as_dict())

    async def reset(_: web.Request) -> web.Response:
        sim.reset()
        return web.json_response({"reset": True})

    return [
        web.get(f"{CONTROL_PREFIX}/health", health),
        web.get(f"{CONTROL_PREFIX}/requests", get_requests),
        web.delete(f"{CONTROL_PREFIX}/requests", reset_requests),
        web.get(f"{CONTROL_PREFIX}/faults", list_faults),
        web.post(f"{CONTROL_PREFIX}/faults", add_fault),
        web.delete(f"{CONTROL_PREFIX}/faults", clear_faults),
        web.delete(f"{CONTROL_PREFIX}/faults/{{fault_id:\\d+}}", remove_fault),
        web.get(f"{CONTROL_PREFIX}/clock", get_clock),
        web.post(f"{CONTROL_PREFIX}/clock", set_clock),
        web.post(f"{CONTROL_PREFIX}/reset", reset),
    ]


def create_app(
    vendors: Iterable[type[Vendor]] | None = None, clock: SimClock | None = None
) -> web.Application:
    """Build the simulator app (the ``Simulator`` is at ``app[SIM_KEY]``)."""
    return Simulator(vendors, clock).app


__all__ = [
    "CONTROL_PREFIX",
    "SIM_KEY",
    "DevEntry",
    "Fault",
    "FaultSet",
    "RequestLog",
    "SimClock",
    "Simulator",
    "Vendor",
    "create_app",
    "discover_vendors",
]
