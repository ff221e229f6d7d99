"""Config flow of the Ohme integration: user, reauth and reconfigure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from . import create_client
from .api import DEFAULT_API_URL, OhmeAuthError, OhmeError
from .const import CONF_API_URL, DOMAIN, LOGGER

RESET_URL = "https://api.ohme.io/fleet/index.html#/authentication/forgotten-password"
EMAIL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.EMAIL, autocomplete="email"))
PASSWORD_SELECTOR = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="current-password")
)
URL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
SECTION_ADVANCED = "advanced"


class OhmeConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up an Ohme account."""

    VERSION = 1

    async def _validate(self, data: dict[str, Any]) -> dict[str, str]:
        """Log in and read the account; return form errors (empty on success)."""
        errors: dict[str, str] = {}
        client = create_client(self.hass, data)
        try:
            await client.async_login()
            account = await client.async_get_account()
        except OhmeAuthError:
            errors["base"] = "invalid_auth"
        except OhmeError:
            errors["base"] = "cannot_connect"
        except Exception:  # noqa: BLE001 - the flow must show an error, never crash
            LOGGER.exception("Unexpected error while validating Ohme credentials")
            errors["base"] = "unknown"
        else:
            if account.charger is None:
                errors["base"] = "no_charger"
        return errors

    @staticmethod
    def _advanced_section(default_url: str) -> dict[vol.Marker, Any]:
        """Return the collapsed "Advanced options" section holding the API URL."""
        return {
            vol.Required(SECTION_ADVANCED): section(
                vol.Schema({vol.Required(CONF_API_URL, default=default_url): URL_SELECTOR}),
                {"collapsed": True},
            )
        }

    @staticmethod
    def _with_url(data: Mapping[str, Any], user_input: Mapping[str, Any]) -> dict[str, Any]:
        """Merge the form (section flattened) into entry data.

        The default URL is not stored, so the data stays core-compatible.
        """
        form = {key: value for key, value in user_input.items() if key != SECTION_ADVANCED}
        merged = {**data, **form, **user_input.get(SECTION_ADVANCED, {})}
        if str(merged.get(CONF_API_URL, DEFAULT_API_URL)).rstrip("/") == DEFAULT_API_URL:
            merged.pop(CONF_API_URL, None)
        return merged

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for email and password (and, in the advanced section, the API URL)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            email = user_input[CONF_EMAIL].strip()
            user_input[CONF_EMAIL] = email
            data = self._with_url({}, user_input)
            # The password first: a wrong one is a wrong password, configured account or not.
            errors = await self._validate(data)
            if not errors:
                for entry in self._async_current_entries(include_ignore=False):
                    if str(entry.data.get(CONF_EMAIL, "")).lower() == email.lower():
                        return self.async_abort(reason="already_configured")
                return self.async_create_entry(title=email, data=data)
        schema = vol.Schema(
            {
                vol.Required(CONF_EMAIL): EMAIL_SELECTOR,
                vol.Required(CONF_PASSWORD): PASSWORD_SELECTOR,
                **self._advanced_section(DEFAULT_API_URL),
            }
        )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(schema, user_input),
            description_placeholders={"reset_url": RESET_URL},
            errors=errors,
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Start re-authentication when Ohme refuses the stored password."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the new password of the same account."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, CONF_PASSWORD: user_input[CONF_PASSWORD]}
            errors = await self._validate(data)
            if not errors:
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema({vol.Required(CONF_PASSWORD): PASSWORD_SELECTOR}),
            description_placeholders={"email": entry.data[CONF_EMAIL]},
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the password (and, in the advanced section, the API URL) of the account."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = self._with_url(entry.data, user_input)
            errors = await self._validate(data)
            if not errors:
                return self.async_update_reload_and_abort(entry, data=data)
        schema = vol.Schema(
            {
                vol.Required(CONF_PASSWORD): PASSWORD_SELECTOR,
                **self._advanced_section(entry.data.get(CONF_API_URL, DEFAULT_API_URL)),
            }
        )
        # After an error the form keeps the typed URL, never the typed password.
        suggested = None if user_input is None else {SECTION_ADVANCED: user_input[SECTION_ADVANCED]}
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            description_placeholders={"email": entry.data[CONF_EMAIL]},
            errors=errors,
        )
