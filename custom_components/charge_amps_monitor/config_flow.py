"""Config flow of the Charge Amps Monitor integration."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD, CONF_SCAN_INTERVAL
from homeassistant.core import callback
from homeassistant.data_entry_flow import section
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
    CONF_API_URL,
    CONF_HOST_NAME,
    CONF_TOKEN,
    CONF_TOKEN_ACCEPTED,
    CONF_TOKEN_VALID_UNTIL,
    DEFAULT_API_URL,
    DEFAULT_HOST_NAME,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    LOGGER,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
)
from .coordinator import ChargeAmpsConfigEntry, configured_interval

EMAIL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.EMAIL, autocomplete="email"))
PASSWORD_SELECTOR = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="current-password")
)
INTERVAL_VALIDATOR = vol.All(
    vol.Coerce(int), vol.Range(min=MIN_SCAN_INTERVAL, max=MAX_SCAN_INTERVAL)
)

REAUTH_SCHEMA = vol.Schema({vol.Required(CONF_PASSWORD): PASSWORD_SELECTOR})
URL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
URL_PLACEHOLDERS = {"default_api_url": DEFAULT_API_URL}
# The collapsed form section that holds the expert settings.
SECTION_ADVANCED: Final = "advanced"


def _account_schema(advanced: Mapping[Any, Any]) -> vol.Schema:
    """Return email, password and the collapsed advanced section with these fields.

    Built per form: ``add_suggested_values_to_schema`` of older Home Assistant versions
    changes the section it fills in, so no section instance is shared between forms.
    """
    return vol.Schema(
        {
            vol.Required(CONF_EMAIL): EMAIL_SELECTOR,
            vol.Required(CONF_PASSWORD): PASSWORD_SELECTOR,
            vol.Required(SECTION_ADVANCED): section(vol.Schema(advanced), {"collapsed": True}),
        }
    )


def _user_schema() -> vol.Schema:
    """Return the setup form: the advanced fields default to the Charge Amps service."""
    return _account_schema(
        {
            vol.Required(CONF_HOST_NAME, default=DEFAULT_HOST_NAME): str,
            vol.Required(CONF_API_URL, default=DEFAULT_API_URL): URL_SELECTOR,
            vol.Required(CONF_SCAN_INTERVAL, default=DEFAULT_SCAN_INTERVAL): INTERVAL_VALIDATOR,
        }
    )


def _reconfigure_schema() -> vol.Schema:
    """Return the reconfigure form (the polling interval is an option, not asked here)."""
    return _account_schema(
        {
            vol.Required(CONF_HOST_NAME): str,
            vol.Required(CONF_API_URL): URL_SELECTOR,
        }
    )


def _suggested(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Return what the user typed, to show again with an error (never the password)."""
    return {key: value for key, value in user_input.items() if key != CONF_PASSWORD}


def _valid_api_url(value: str) -> bool:
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
    return _valid_api_url(f"https://{value}")


def _endpoint_errors(host_name: str, api_url: str) -> dict[str, str]:
    """Return the form error of an API host and API URL, if any.

    The error is keyed by the section: the frontend shows errors of top-level keys only.
    """
    errors: dict[str, str] = {}
    if not _valid_host_name(host_name):
        errors[SECTION_ADVANCED] = "invalid_host"
    elif not _valid_api_url(api_url):
        errors[SECTION_ADVANCED] = "invalid_url"
    return errors


class ChargeAmpsConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up a Charge Amps account."""

    VERSION = 1
    # 1.2: the API URL is stored as api_url (was base_url), the interval as the option
    # scan_interval (was update_interval); async_migrate_entry renames them.
    MINOR_VERSION = 2

    def __init__(self) -> None:
        """Start without a token."""
        self._token: dict[str, Any] = {}

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ChargeAmpsConfigEntry) -> ChargeAmpsOptionsFlow:
        """Return the options flow."""
        return ChargeAmpsOptionsFlow()

    async def _async_validate(
        self, email: str, password: str, api_url: str, host_name: str
    ) -> dict[str, str]:
        """Log in against the API URL that will be used; return form errors.

        The token of a successful login is kept in ``self._token`` and saved with the entry, so
        setting the entry up does not log in a second time.
        """
        errors: dict[str, str] = {}
        client = ChargeAmpsClient(
            async_get_clientsession(self.hass),
            email,
            password,
            api_url=api_url,
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
                CONF_TOKEN_ACCEPTED: client.token_accepted,
            }
        return errors

    async def _async_check(
        self, user_input: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """Check a submitted account form; return the entry data and the form errors.

        The credentials are checked against the host name and API URL of the advanced
        section, which are stored as entered (trimmed; the API URL without a final slash).
        """
        advanced = user_input[SECTION_ADVANCED]
        data = {
            CONF_EMAIL: user_input[CONF_EMAIL].strip(),
            CONF_PASSWORD: user_input[CONF_PASSWORD],
            CONF_HOST_NAME: str(advanced[CONF_HOST_NAME]).strip(),
            CONF_API_URL: str(advanced[CONF_API_URL]).strip().rstrip("/"),
        }
        errors = _endpoint_errors(data[CONF_HOST_NAME], data[CONF_API_URL])
        if not errors:
            errors = await self._async_validate(
                data[CONF_EMAIL], data[CONF_PASSWORD], data[CONF_API_URL], data[CONF_HOST_NAME]
            )
        return {**data, **self._token}, errors

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the account's email and password (and, collapsed, the expert settings)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            await self.async_set_unique_id(user_input[CONF_EMAIL].strip().lower())
            self._abort_if_unique_id_configured()
            data, errors = await self._async_check(user_input)
            if not errors:
                return self.async_create_entry(
                    title=data[CONF_EMAIL],
                    data=data,
                    options={
                        CONF_SCAN_INTERVAL: int(user_input[SECTION_ADVANCED][CONF_SCAN_INTERVAL])
                    },
                )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                _user_schema(), _suggested(user_input or {})
            ),
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
                entry.data.get(CONF_API_URL, DEFAULT_API_URL),
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
        """Change the password, the API host or the API URL of the same account."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            await self.async_set_unique_id(user_input[CONF_EMAIL].strip().lower())
            self._abort_if_unique_id_mismatch(reason="wrong_account")
            data, errors = await self._async_check(user_input)
            if not errors:
                return self.async_update_reload_and_abort(entry, data_updates=data)
            suggested = _suggested(user_input)
        else:
            suggested = {
                CONF_EMAIL: entry.data[CONF_EMAIL],
                SECTION_ADVANCED: {
                    CONF_HOST_NAME: entry.data.get(CONF_HOST_NAME, DEFAULT_HOST_NAME),
                    CONF_API_URL: entry.data.get(CONF_API_URL, DEFAULT_API_URL),
                },
            }
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(_reconfigure_schema(), suggested),
            description_placeholders=URL_PLACEHOLDERS,
            errors=errors,
        )


class ChargeAmpsOptionsFlow(OptionsFlow):
    """Change the polling interval; it applies at once, without a reload."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the polling interval; a loaded entry's coordinator takes it at once."""
        entry: ChargeAmpsConfigEntry = self.config_entry
        if user_input is not None:
            if entry.state is ConfigEntryState.LOADED:
                coordinator = entry.runtime_data.coordinator
                interval = configured_interval(user_input)
                if interval != coordinator.interval:
                    coordinator.set_interval(interval)
                    await coordinator.async_request_refresh()
            return self.async_create_entry(data={**entry.options, **user_input})
        current = entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)
        return self.async_show_form(
            step_id="init",
            data_schema=vol.Schema(
                {vol.Required(CONF_SCAN_INTERVAL, default=current): INTERVAL_VALIDATOR}
            ),
        )
