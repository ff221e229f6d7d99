"""Constants of the Ohme integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "ohme"
LOGGER = logging.getLogger(__package__)

CONF_API_URL: Final = "api_url"

SESSION_INTERVAL: Final = timedelta(seconds=30)
ACCOUNT_INTERVAL: Final = timedelta(minutes=30)
NEXT_RULE_MAX_AGE: Final = timedelta(minutes=5)
