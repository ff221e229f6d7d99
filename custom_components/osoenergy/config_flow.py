"""Config flow of the OSO Energy integration."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_API_KEY
from homeassistant.data_entry_flow import section
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .api import (
    DEFAULT_API_URL,
    OSOEnergyAuthError,
    OSOEnergyClient,
    OSOEnergyConnectionError,
    OSOEnergyError,
)
from .const import (
    CONF_API_URL,
    CONFIG_MINOR_VERSION,
    CONFIG_VERSION,
    DOMAIN,
    LOGGER,
    PORTAL_URL,
)

KEY_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
URL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
# The collapsed form section of the expert fields (here the API URL).
SECTION_ADVANCED = "advanced"


class OSOEnergyConfigFlow(ConfigFlow, domain=DOMAIN):
    """Handle a config flow for OSO Energy."""

    # 1.2 stores a custom API URL as "api_url" (1.1: "base_url"); see async_migrate_entry.
    VERSION = CONFIG_VERSION
    MINOR_VERSION = CONFIG_MINOR_VERSION

    async def _validate(
        self, user_input: dict[str, Any], api_url: str
    ) -> tuple[str | None, dict[str, str]]:
        """Check a key; return the account e-mail or the form errors.

        The key must open both the account (``/1/User/Details``: its e-mail is the unique id)
        and the heaters (``/1/Device/All``: every poll needs it, and its refusal asks for
        reauthentication), so a key accepted here is not refused at the first poll.
        """
        errors: dict[str, str] = {}
        client = OSOEnergyClient(
            async_get_clientsession(self.hass), user_input[CONF_API_KEY], api_url
        )
        try:
            email = await client.async_get_user_email()
            await client.async_get_devices()
        except OSOEnergyAuthError:
            errors["base"] = "invalid_auth"
        except OSOEnergyConnectionError:
            errors["base"] = "cannot_connect"
        except OSOEnergyError:
            LOGGER.exception("Unexpected answer from the OSO Energy cloud")
            errors["base"] = "unknown"
        else:
            return email, errors
        return None, errors

    @staticmethod
    def _schema(api_url: str | None) -> vol.Schema:
        """Build the key form; with a URL, also the collapsed section holding the API URL."""
        fields: dict[vol.Marker, Any] = {vol.Required(CONF_API_KEY): KEY_SELECTOR}
        if api_url is not None:
            fields[vol.Required(SECTION_ADVANCED)] = section(
                vol.Schema({vol.Required(CONF_API_URL, default=api_url): URL_SELECTOR}),
                {"collapsed": True},
            )
        return vol.Schema(fields)

    @staticmethod
    def _data(user_input: Mapping[str, Any]) -> dict[str, Any]:
        """Entry data, flat: the key, and the API URL only when it is not the default."""
        data: dict[str, Any] = {CONF_API_KEY: user_input[CONF_API_KEY]}
        url = str(user_input[SECTION_ADVANCED][CONF_API_URL]).rstrip("/")
        if url != DEFAULT_API_URL:
            data[CONF_API_URL] = url
        return data

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the subscription key (and, in the advanced section, the API URL)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = self._data(user_input)
            email, errors = await self._validate(
                user_input, data.get(CONF_API_URL, DEFAULT_API_URL)
            )
            if email is not None:
                await self.async_set_unique_id(email)
                self._abort_if_unique_id_configured()
                return self.async_create_entry(title=email, data=data)
        return self.async_show_form(
            step_id="user",
            # After an error the form keeps what the user typed.
            data_schema=self.add_suggested_values_to_schema(
                self._schema(DEFAULT_API_URL), user_input
            ),
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
                user_input, entry.data.get(CONF_API_URL, DEFAULT_API_URL)
            )
            if email is not None:
                await self.async_set_unique_id(email)
                self._abort_if_unique_id_mismatch(reason="wrong_account")
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_API_KEY: user_input[CONF_API_KEY]}
                )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=self._schema(None),
            errors=errors,
            description_placeholders={"portal_url": PORTAL_URL, "account": entry.title},
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the key (and, in the advanced section, the API URL) of the same account."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        suggested: dict[str, Any] | None = None
        if user_input is not None:
            data = self._data(user_input)
            email, errors = await self._validate(
                user_input, data.get(CONF_API_URL, DEFAULT_API_URL)
            )
            if email is not None:
                await self.async_set_unique_id(email)
                self._abort_if_unique_id_mismatch(reason="wrong_account")
                return self.async_update_reload_and_abort(entry, data=data)
            # After an error the form keeps the typed URL (never the key).
            suggested = {SECTION_ADVANCED: user_input[SECTION_ADVANCED]}
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                self._schema(entry.data.get(CONF_API_URL, DEFAULT_API_URL)), suggested
            ),
            errors=errors,
            description_placeholders={"portal_url": PORTAL_URL},
        )
