"""Constants of the go-e Charger Cloud integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "smartenergy_goecharger"
LOGGER = logging.getLogger(__package__)

CONF_SERIAL: Final = "serial"
CONF_API_TOKEN: Final = "api_token"  # noqa: S105 - a config key, not a secret
CONF_URL: Final = "url"
CONF_SCAN_INTERVAL: Final = "scan_interval"

DEFAULT_SCAN_INTERVAL: Final = 30
MIN_SCAN_INTERVAL: Final = 10
MAX_SCAN_INTERVAL: Final = 60000

# An offline charger (HTTP 404 "Data is outdated") this long raises a repair issue. A disabled
# cloud API (HTTP 403) raises its own issue at once: waiting does not fix a setting.
UNREACHABLE_ISSUE_AFTER: Final = timedelta(minutes=30)

ISSUE_UNREACHABLE: Final = "charger_unreachable"
ISSUE_CLOUD_API_DISABLED: Final = "cloud_api_disabled"
