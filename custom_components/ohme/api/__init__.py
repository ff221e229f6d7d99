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
    OhmeError,
    OhmeRateLimitError,
    OhmeResponseError,
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
    CtReading,
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
    "Charger",
    "ChargerMode",
    "ChargerStatus",
    "CtReading",
    "OhmeApiError",
    "OhmeAuthError",
    "OhmeClient",
    "OhmeConnectionError",
    "OhmeError",
    "OhmeRateLimitError",
    "OhmeResponseError",
]
