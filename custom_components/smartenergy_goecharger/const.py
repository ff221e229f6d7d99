"""Constants of the go-e Charger Cloud integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "smartenergy_goecharger"
LOGGER = logging.getLogger(__package__)

# Config entry version: 1 was 0.6.0's; 2.1 stored the API URL as "url", 2.2 as "api_url".
CONFIG_VERSION: Final = 2
CONFIG_MINOR_VERSION: Final = 2

CONF_SERIAL: Final = "serial"
CONF_API_TOKEN: Final = "api_token"  # noqa: S105 - a config key, not a secret
CONF_API_URL: Final = "api_url"

DEFAULT_SCAN_INTERVAL: Final = 30
MIN_SCAN_INTERVAL: Final = 10
MAX_SCAN_INTERVAL: Final = 60000

# An offline charger (HTTP 404 "Data is outdated") this long raises a repair issue. A disabled
# cloud API (HTTP 403) raises its own issue at once: waiting does not fix a setting.
UNREACHABLE_ISSUE_AFTER: Final = timedelta(minutes=30)

ISSUE_UNREACHABLE: Final = "charger_unreachable"
ISSUE_CLOUD_API_DISABLED: Final = "cloud_api_disabled"
