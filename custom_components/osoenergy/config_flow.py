"""Config flow of the OSO Energy integration."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_API_KEY
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .api import (
    DEFAULT_BASE_URL,
    OSOEnergyAuthError,
    OSOEnergyClient,
    OSOEnergyConnectionError,
    OSOEnergyError,
)
from .const import CONF_BASE_URL, DOMAIN, LOGGER, PORTAL_URL

KEY_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
URL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))


class OSOEnergyConfigFlow(ConfigFlow, domain=DOMAIN):
    """Handle a config flow for OSO Energy."""

    VERSION = 1

    async def _validate(
        self, user_input: dict[str, Any], base_url: str
    ) -> tuple[str | None, dict[str, str]]:
        """Check a key; return the account e-mail or the form errors."""
        errors: dict[str, str] = {}
        client = OSOEnergyClient(
            async_get_clientsession(self.hass), user_input[CONF_API_KEY], base_url
        )
        try:
            return await client.get_user_email(), errors
        except OSOEnergyAuthError:
            errors["base"] = "invalid_auth"
        except OSOEnergyConnectionError:
            errors["base"] = "cannot_connect"
        except OSOEnergyError:
            LOGGER.exception("Unexpected answer from the OSO Energy cloud")
            errors["base"] = "unknown"
        return None, errors

    def _schema(self, defaults: Mapping[str, Any], *, with_url: bool) -> vol.Schema:
        """Build the key (and, in advanced mode, API URL) form."""
        fields: dict[vol.Marker, Any] = {vol.Required(CONF_API_KEY): KEY_SELECTOR}
        if with_url:
            fields[
                vol.Required(CONF_BASE_URL, default=defaults.get(CONF_BASE_URL, DEFAULT_BASE_URL))
            ] = URL_SELECTOR
        return vol.Schema(fields)

    @staticmethod
    def _data(user_input: dict[str, Any]) -> dict[str, Any]:
        """Entry data: the key, and the API URL only when it is not the default."""
        data: dict[str, Any] = {CONF_API_KEY: user_input[CONF_API_KEY]}
        base_url = str(user_input.get(CONF_BASE_URL, DEFAULT_BASE_URL)).rstrip("/")
        if base_url != DEFAULT_BASE_URL:
            data[CONF_BASE_URL] = base_url
        return data

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the subscription key (and the API URL in advanced mode)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = self._data(user_input)
            email, errors = await self._validate(
                user_input, data.get(CONF_BASE_URL, DEFAULT_BASE_URL)
            )
            if email is not None:
                await self.async_set_unique_id(email)
                self._abort_if_unique_id_configured()
                return self.async_create_entry(title=email, data=data)
        return self.async_show_form(
            step_id="user",
            data_schema=self._schema({}, with_url=self.show_advanced_options),
            errors=errors,
            description_placeholders={"portal_url": PORTAL_URL},
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Start a reauth when the key has been refused."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new key of the same account."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            email, errors = await self._validate(
                user_input, entry.data.get(CONF_BASE_URL, DEFAULT_BASE_URL)
            )
            if email is not None:
                await self.async_set_unique_id(email)
                self._abort_if_unique_id_mismatch(reason="wrong_account")
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_API_KEY: user_input[CONF_API_KEY]}
                )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=self._schema({}, with_url=False),
            errors=errors,
            description_placeholders={"portal_url": PORTAL_URL, "account": entry.title},
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the key (and, in advanced mode, the API URL) of the same account."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        with_url = self.show_advanced_options or CONF_BASE_URL in entry.data
        if user_input is not None:
            data = self._data(
                {CONF_BASE_URL: entry.data.get(CONF_BASE_URL, DEFAULT_BASE_URL), **user_input}
            )
            email, errors = await self._validate(
                user_input, data.get(CONF_BASE_URL, DEFAULT_BASE_URL)
            )
            if email is not None:
                await self.async_set_unique_id(email)
                self._abort_if_unique_id_mismatch(reason="wrong_account")
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self._schema(entry.data, with_url=with_url),
            errors=errors,
            description_placeholders={"portal_url": PORTAL_URL},
        )
