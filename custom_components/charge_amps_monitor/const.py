"""Constants of the Charge Amps Monitor integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

from homeassistant.const import CONF_TOKEN

from .api import DEFAULT_BASE_URL, DEFAULT_HOST_NAME

DOMAIN: Final = "charge_amps_monitor"
LOGGER = logging.getLogger(__package__)

MANUFACTURER: Final = "Charge Amps"

CONF_HOST_NAME: Final = "host_name"
CONF_BASE_URL: Final = "base_url"
CONF_UPDATE_INTERVAL: Final = "update_interval"
# The last token (CONF_TOKEN) and until when it is used (local POSIX time): restarts re-use it.
CONF_TOKEN_VALID_UNTIL: Final = "token_valid_until"  # noqa: S105 - a key, not a secret
# Whether the charge point list has answered to that token (missing in entries saved by
# earlier versions: taken as True). A refusal of a token it never accepted is the list's own
# refusal, so a restart or a setup retry does not log in again for it.
CONF_TOKEN_ACCEPTED: Final = "token_accepted"  # noqa: S105 - a key, not a secret

DEFAULT_UPDATE_INTERVAL: Final = 60
MIN_UPDATE_INTERVAL: Final = 10
MAX_UPDATE_INTERVAL: Final = 3600

# Back-off after failed polls: the first failure keeps the interval, each further consecutive
# failure doubles it, up to this cap (or the configured interval, if that is longer). The cap is
# short on purpose: after an outage the entities come back within five minutes at worst, while
# a long outage costs the service only 12 requests an hour per account.
MAX_BACKOFF: Final = timedelta(minutes=5)

__all__ = [
    "CONF_BASE_URL",
    "CONF_HOST_NAME",
    "CONF_TOKEN",
    "CONF_TOKEN_ACCEPTED",
    "CONF_TOKEN_VALID_UNTIL",
    "CONF_UPDATE_INTERVAL",
    "DEFAULT_BASE_URL",
    "DEFAULT_HOST_NAME",
    "DEFAULT_UPDATE_INTERVAL",
    "DOMAIN",
    "LOGGER",
    "MANUFACTURER",
    "MAX_BACKOFF",
    "MAX_UPDATE_INTERVAL",
    "MIN_UPDATE_INTERVAL",
]
