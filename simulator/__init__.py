"""Local simulator of the four vendor clouds (Ohme, go-e, OSO Energy, Charge Amps).

One aiohttp.web application serves every vendor under its own path prefix
(``/<vendor>/...``) and a control API under ``/_sim/`` to drive the clock, inject
faults and read request counters (README.md, "The simulator").
"""

from .core import (
    CONTROL_PREFIX,
    DevEntry,
    Fault,
    RequestLog,
    SimClock,
    Simulator,
    Vendor,
    create_app,
)

__all__ = [
    "CONTROL_PREFIX",
    "DevEntry",
    "Fault",
    "RequestLog",
    "SimClock",
    "Simulator",
    "Vendor",
    "create_app",
]
