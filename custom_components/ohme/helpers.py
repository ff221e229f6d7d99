"""Helpers: build the client from entry data, map client errors to translated HA errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .api import (
    DEFAULT_API_URL,
    OhmeAuthError,
    OhmeClient,
    OhmeEndpointRefusedError,
    OhmeError,
)
from .const import CONF_API_URL, DOMAIN
from .coordinator import OhmeConfigEntry, OhmePauseRefusedError, OhmeRuleMissingError


def create_client(hass: HomeAssistant, data: dict[str, Any]) -> OhmeClient:
    """Build a client; a custom API URL also serves login and token refresh."""
    session = async_get_clientsession(hass)
    api_url = str(data.get(CONF_API_URL) or DEFAULT_API_URL).rstrip("/")
    if api_url == DEFAULT_API_URL:
        return OhmeClient(data[CONF_EMAIL], data[CONF_PASSWORD], session)
    return OhmeClient(
        data[CONF_EMAIL],
        data[CONF_PASSWORD],
        session,
        identity_url=api_url,
        securetoken_url=f"{api_url}/securetoken",
        api_url=api_url,
    )


@contextmanager
def ohme_errors(entry: OhmeConfigEntry) -> Iterator[None]:
    """Turn client errors raised by a write into translated Home Assistant errors."""
    try:
        yield
    except OhmeRuleMissingError as err:
        raise HomeAssistantError(translation_domain=DOMAIN, translation_key="no_rule") from err
    except OhmePauseRefusedError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="pause_refused",
            translation_placeholders={"status": str(err.status)},
        ) from err
    except OhmeEndpointRefusedError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="endpoint_refused",
            translation_placeholders={"path": err.path, "status": str(err.status)},
        ) from err
    except OhmeAuthError as err:
        entry.async_start_reauth(entry.runtime_data.session.hass)
        raise HomeAssistantError(translation_domain=DOMAIN, translation_key="auth_failed") from err
    except OhmeError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="api_failed",
            translation_placeholders={"error": str(err)},
        ) from err
