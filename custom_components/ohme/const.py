"""Constants of the Ohme integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

from homeassistant.const import Platform

DOMAIN: Final = "ohme"
LOGGER = logging.getLogger(__package__)

CONF_API_URL: Final = "api_url"

PLATFORMS: Final = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TIME,
]

SESSION_INTERVAL: Final = timedelta(seconds=30)
ACCOUNT_INTERVAL: Final = timedelta(minutes=30)
NEXT_RULE_MAX_AGE: Final = timedelta(minutes=5)
DEFAULT_BACKOFF: Final = timedelta(minutes=5)
RATE_LIMIT_SLACK: Final = timedelta(seconds=1)
