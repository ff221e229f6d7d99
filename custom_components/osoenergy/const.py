"""Constants of the OSO Energy integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "osoenergy"
LOGGER = logging.getLogger(__package__)

CONF_BASE_URL: Final = "base_url"
PORTAL_URL: Final = "https://portal.osoenergy.no/"
MANUFACTURER: Final = "OSO Energy"

SCAN_INTERVAL: Final = timedelta(seconds=60)
AWAY_MODE_DEFAULT_DAYS: Final = 365
# The settable range of a heater that reports none (that of every known model).
DEFAULT_MIN_TEMP: Final = 10.0
DEFAULT_MAX_TEMP: Final = 75.0
