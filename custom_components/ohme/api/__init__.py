"""Async client of the Ohme cloud. Imports nothing from Home Assistant."""

from .client import (
    DEFAULT_API_URL,
    DEFAULT_IDENTITY_URL,
    DEFAULT_SECURETOKEN_URL,
    GOOGLE_API_KEY,
    OhmeClient,
)
from .exceptions import (
    OhmeApiError,
    OhmeAuthError,
    OhmeConnectionError,
    OhmeEndpointRefusedError,
    OhmeError,
    OhmeRateLimitError,
    OhmeRejectedError,
    OhmeResponseError,
    OhmeServerError,
)
from .models import (
    Account,
    Car,
    Charger,
    ChargerMode,
    ChargerStatus,
    ChargeRule,
    ChargeSession,
    ChargeSlot,
    ChargeStat,
    ChargeSummary,
)

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_IDENTITY_URL",
    "DEFAULT_SECURETOKEN_URL",
    "GOOGLE_API_KEY",
    "Account",
    "Car",
    "ChargeRule",
    "ChargeSession",
    "ChargeSlot",
    "ChargeStat",
    "ChargeSummary",
    "Charger",
    "ChargerMode",
    "ChargerStatus",
    "OhmeApiError",
    "OhmeAuthError",
    "OhmeClient",
    "OhmeConnectionError",
    "OhmeEndpointRefusedError",
    "OhmeError",
    "OhmeRateLimitError",
    "OhmeRejectedError",
    "OhmeResponseError",
    "OhmeServerError",
]
