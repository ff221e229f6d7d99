"""Config flow of the Charge Amps Monitor integration."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult, OptionsFlow
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol
from yarl import URL

from .api import ChargeAmpsAuthError, ChargeAmpsClient, ChargeAmpsError
from .const import (
    CONF_BASE_URL,
    CONF_HOST_NAME,
    CONF_TOKEN,
    CONF_TOKEN_VALID_UNTIL,
    CONF_UPDATE_INTERVAL,
    DEFAULT_BASE_URL,
    DEFAULT_HOST_NAME,
    DEFAULT_UPDATE_INTERVAL,
    DOMAIN,
    LOGGER,
    MAX_UPDATE_INTERVAL,
    MIN_UPDATE_INTERVAL,
)
from .coordinator import ChargeAmpsConfigEntry

EMAIL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.EMAIL, autocomplete="email"))
PASSWORD_SELECTOR = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="current-password")
)
INTERVAL_VALIDATOR = vol.All(
    vol.Coerce(int), vol.Range(min=MIN_UPDATE_INTERVAL, max=MAX_UPDATE_INTERVAL)
)

USER_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_EMAIL): EMAIL_SELECTOR,
        vol.Required(CONF_PASSWORD): PASSWORD_SELECTOR,
    }
)
ADVANCED_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_HOST_NAME, default=DEFAULT_HOST_NAME): str,
        vol.Required(CONF_BASE_URL, default=DEFAULT_BASE_URL): TextSelector(
            TextSelectorConfig(type=TextSelectorType.URL)
        ),
        vol.Required(CONF_UPDATE_INTERVAL, default=DEFAULT_UPDATE_INTERVAL): INTERVAL_VALIDATOR,
    }
)
REAUTH_SCHEMA = vol.Schema({vol.Required(CONF_PASSWORD): PASSWORD_SELECTOR})
ENDPOINT_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_HOST_NAME): str,
        vol.Required(CONF_BASE_URL): TextSelector(TextSelectorConfig(type=TextSelectorType.URL)),
    }
)
URL_PLACEHOLDERS = {"default_base_url": DEFAULT_BASE_URL}


def _valid_base_url(value: str) -> bool:
    """Return True for an absolute http(s) URL."""
    try:
        url = URL(value.strip())
    except ValueError:
        return False
    return url.scheme in ("http", "https") and bool(url.host)


def _valid_host_name(value: str) -> bool:
    """Return True for a bare host name (optionally with a port), as sent at login."""
    if not value or any(char.isspace() or char in "/?#@" for char in value):
        return False
    try:
        url = URL(f"https://{value}")
    except ValueError:
        return False
    return bool(url.host)


def _endpoint_errors(host_name: str, base_url: str) -> dict[str, str]:
    """Return the form errors of an API host and base URL."""
    errors: dict[str, str] = {}
    if not _valid_host_name(host_name):
        errors[CONF_HOST_NAME] = "invalid_host"
    if not _valid_base_url(base_url):
        errors[CONF_BASE_URL] = "invalid_base_url"
    return errors


class ChargeAmpsConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up a Charge Amps account."""

    VERSION = 1

    def __init__(self) -> None:
        """Start with nothing entered."""
        self._credentials: dict[str, str] = {}
        self._advanced: dict[str, Any] = {}
        self._token: dict[str, Any] = {}

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ChargeAmpsConfigEntry) -> ChargeAmpsOptionsFlow:
        """Return the options flow."""
        return ChargeAmpsOptionsFlow()

    async def _async_validate(
        self, email: str, password: str, base_url: str, host_name: str
    ) -> dict[str, str]:
        """Log in against the base URL that will be used; return form errors.

        The token of a successful login is kept in ``self._token`` and saved with the entry, so
        setting the entry up does not log in a second time.
        """
        errors: dict[str, str] = {}
        client = ChargeAmpsClient(
            async_get_clientsession(self.hass),
            email,
            password,
            base_url=base_url,
            host_name=host_name,
        )
        try:
            await client.async_login()
        except ChargeAmpsAuthError:
            errors["base"] = "invalid_auth"
        except ChargeAmpsError:
            errors["base"] = "cannot_connect"
        except Exception:  # noqa: BLE001 - any failure must end in a form error
            LOGGER.exception("Unexpected error while logging in to Charge Amps")
            errors["base"] = "unknown"
        else:
            self._token = {
                CONF_TOKEN: client.token,
                CONF_TOKEN_VALID_UNTIL: client.token_valid_until,
            }
        return errors

    def _async_create(self, endpoint: Mapping[str, Any]) -> ConfigFlowResult:
        """Create the entry from the credentials and the endpoint settings."""
        return self.async_create_entry(
            title=self._credentials[CONF_EMAIL],
            data={
                **self._credentials,
                CONF_HOST_NAME: endpoint[CONF_HOST_NAME],
                CONF_BASE_URL: endpoint[CONF_BASE_URL],
                **self._token,
            },
            options={
                CONF_UPDATE_INTERVAL: int(
                    endpoint.get(CONF_UPDATE_INTERVAL, DEFAULT_UPDATE_INTERVAL)
                )
            },
        )

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the account's email and password."""
        errors: dict[str, str] = {}
        if user_input is not None:
            email = user_input[CONF_EMAIL].strip()
            await self.async_set_unique_id(email.lower())
            self._abort_if_unique_id_configured()
            self._credentials = {CONF_EMAIL: email, CONF_PASSWORD: user_input[CONF_PASSWORD]}
            if self.show_advanced_options:
                return await self.async_step_advanced()
            errors = await self._async_validate(
                email, user_input[CONF_PASSWORD], DEFAULT_BASE_URL, DEFAULT_HOST_NAME
            )
            if not errors:
                return self._async_create(
                    {CONF_HOST_NAME: DEFAULT_HOST_NAME, CONF_BASE_URL: DEFAULT_BASE_URL}
                )
        return self._show_user_form(errors)

    def _show_user_form(self, errors: dict[str, str]) -> ConfigFlowResult:
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                USER_SCHEMA, {CONF_EMAIL: self._credentials.get(CONF_EMAIL, "")}
            ),
            errors=errors,
        )

    async def async_step_advanced(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the API host, base URL and update interval (Advanced mode only)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._advanced = {
                **user_input,
                CONF_HOST_NAME: user_input[CONF_HOST_NAME].strip(),
                CONF_BASE_URL: user_input[CONF_BASE_URL].strip().rstrip("/"),
            }
            errors = _endpoint_errors(self._advanced[CONF_HOST_NAME], self._advanced[CONF_BASE_URL])
            if not errors:
                errors = await self._async_validate(
                    self._credentials[CONF_EMAIL],
                    self._credentials[CONF_PASSWORD],
                    self._advanced[CONF_BASE_URL],
                    self._advanced[CONF_HOST_NAME],
                )
                if errors.get("base") == "invalid_auth":
                    return self._show_user_form(errors)
                if not errors:
                    return self._async_create(self._advanced)
        return self.async_show_form(
            step_id="advanced",
            data_schema=self.add_suggested_values_to_schema(ADVANCED_SCHEMA, self._advanced),
            description_placeholders=URL_PLACEHOLDERS,
            errors=errors,
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Start reauthentication after the service refused the credentials."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the account's new password."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = await self._async_validate(
                entry.data[CONF_EMAIL],
                user_input[CONF_PASSWORD],
                entry.data.get(CONF_BASE_URL, DEFAULT_BASE_URL),
                entry.data.get(CONF_HOST_NAME, DEFAULT_HOST_NAME),
            )
            if not errors:
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_PASSWORD: user_input[CONF_PASSWORD], **self._token}
                )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=REAUTH_SCHEMA,
            description_placeholders={"email": entry.data[CONF_EMAIL]},
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the password or, in Advanced mode, the API host and base URL."""
        entry = self._get_reconfigure_entry()
        schema = (
            USER_SCHEMA.extend(ENDPOINT_SCHEMA.schema)
            if self.show_advanced_options
            else USER_SCHEMA
        )
        errors: dict[str, str] = {}
        if user_input is not None:
            email = user_input[CONF_EMAIL].strip()
            base_url = (
                str(user_input.get(CONF_BASE_URL, entry.data.get(CONF_BASE_URL, DEFAULT_BASE_URL)))
                .strip()
                .rstrip("/")
            )
            host_name = str(
                user_input.get(CONF_HOST_NAME, entry.data.get(CONF_HOST_NAME, DEFAULT_HOST_NAME))
            ).strip()
            await self.async_set_unique_id(email.lower())
            self._abort_if_unique_id_mismatch(reason="wrong_account")
            errors = _endpoint_errors(host_name, base_url)
            if not errors:
                errors = await self._async_validate(
                    email, user_input[CONF_PASSWORD], base_url, host_name
                )
            if not errors:
                return self.async_update_reload_and_abort(
                    entry,
                    data_updates={
                        CONF_EMAIL: email,
                        CONF_PASSWORD: user_input[CONF_PASSWORD],
                        CONF_BASE_URL: base_url,
                        CONF_HOST_NAME: host_name,
                        **self._token,
                    },
                )
        suggested = {
            CONF_EMAIL: entry.data[CONF_EMAIL],
            CONF_HOST_NAME: entry.data.get(CONF_HOST_NAME, DEFAULT_HOST_NAME),
            CONF_BASE_URL: entry.data.get(CONF_BASE_URL, DEFAULT_BASE_URL),
        }
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            description_placeholders=URL_PLACEHOLDERS,
            errors=errors,
        )


class ChargeAmpsOptionsFlow(OptionsFlow):
    """Change the update interval; it applies without a restart."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the update interval."""
        if user_input is not None:
            return self.async_create_entry(data={**self.config_entry.options, **user_input})
        current = self.config_entry.options.get(CONF_UPDATE_INTERVAL, DEFAULT_UPDATE_INTERVAL)
        return self.async_show_form(
            step_id="init",
            data_schema=vol.Schema(
                {vol.Required(CONF_UPDATE_INTERVAL, default=current): INTERVAL_VALIDATOR}
            ),
        )
