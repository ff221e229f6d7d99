"""Constants of the OSO Energy integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "osoenergy"
LOGGER = logging.getLogger(__package__)

CONF_API_URL: Final = "api_url"
# Version 1.1 (and core's entries) stored a custom API URL as "base_url"; 1.2 as "api_url".
# The key is optional, so a minor bump: core osoenergy and older versions still load entries.
CONFIG_VERSION: Final = 1
CONFIG_MINOR_VERSION: Final = 2
PORTAL_URL: Final = "https://portal.osoenergy.no/"
MANUFACTURER: Final = "OSO Energy"

# Fixed: one request a minute reads every heater of the account (no option to change it).
SCAN_INTERVAL: Final = timedelta(seconds=60)
AWAY_MODE_DEFAULT_DAYS: Final = 365
# The settable range of a heater that reports none (that of every known model).
DEFAULT_MIN_TEMP: Final = 10.0
DEFAULT_MAX_TEMP: Final = 75.0
