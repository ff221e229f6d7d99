"""Run the simulator: ``python -m simulator --port 8765``."""

from __future__ import annotations

import argparse
import asyncio
from datetime import datetime
import json
import logging
import signal
import sys

from .core import SimClock, Simulator

_LOGGER = logging.getLogger("simulator")


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765, 0 = any)")
    parser.add_argument("--start", help="simulated start time, ISO 8601 (default: now)")
    parser.add_argument("--frozen", action="store_true", help="freeze the simulated clock")
    parser.add_argument(
        "--dev-entries",
        metavar="BASE_URL",
        help="print the dev config entries for a simulator at BASE_URL as JSON and exit",
    )
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    start = datetime.fromisoformat(args.start) if args.start else None
    sim = Simulator(clock=SimClock(start, frozen=args.frozen))
    url = await sim.start(args.host, args.port)
    _LOGGER.info("simulator serving %s on %s", ", ".join(sorted(sim.vendors)) or "no vendor", url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await sim.stop()


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = _parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if args.dev_entries:
        sim = Simulator()
        entries = [
            {"domain": e.domain, "steps": e.steps}
            for vendor in sim.vendors.values()
            for e in vendor.dev_entries(args.dev_entries.rstrip("/"))
        ]
        sys.stdout.write(json.dumps(entries, indent=2) + "\n")
        return 0
    asyncio.run(_serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
