"""Constants of the Charge Amps Monitor integration."""

from __future__ import annotations

import logging
from typing import Final

from homeassistant.const import CONF_TOKEN

from .api import DEFAULT_API_URL, DEFAULT_HOST_NAME

DOMAIN: Final = "charge_amps_monitor"
LOGGER = logging.getLogger(__package__)

MANUFACTURER: Final = "Charge Amps"

CONF_HOST_NAME: Final = "host_name"
CONF_API_URL: Final = "api_url"
# The last token (CONF_TOKEN) and until when it is used (local POSIX time): restarts re-use it.
CONF_TOKEN_VALID_UNTIL: Final = "token_valid_until"  # noqa: S105 - a key, not a secret
# Whether the charge point list has answered to that token (missing in entries saved by
# earlier versions: taken as True). A refusal of a token it never accepted is the list's own
# refusal, so a restart or a setup retry does not log in again for it.
CONF_TOKEN_ACCEPTED: Final = "token_accepted"  # noqa: S105 - a key, not a secret

# Seconds between polls (the option homeassistant.const.CONF_SCAN_INTERVAL).
DEFAULT_SCAN_INTERVAL: Final = 60
MIN_SCAN_INTERVAL: Final = 10
MAX_SCAN_INTERVAL: Final = 3600

__all__ = [
    "CONF_API_URL",
    "CONF_HOST_NAME",
    "CONF_TOKEN",
    "CONF_TOKEN_ACCEPTED",
    "CONF_TOKEN_VALID_UNTIL",
    "DEFAULT_API_URL",
    "DEFAULT_HOST_NAME",
    "DEFAULT_SCAN_INTERVAL",
    "DOMAIN",
    "LOGGER",
    "MANUFACTURER",
    "MAX_SCAN_INTERVAL",
    "MIN_SCAN_INTERVAL",
]
