"""Config flow for go-e Charger Cloud: user, reauth, reconfigure and options."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
import re
from typing import Any

from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_NAME, CONF_SCAN_INTERVAL
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

from .api import (
    DEFAULT_BASE_URL,
    GoeAuthError,
    GoeChargerClient,
    GoeCloudDisabledError,
    GoeError,
    GoeStatus,
    GoeUnavailableError,
)
from .const import (
    CONF_API_TOKEN,
    CONF_API_URL,
    CONF_SERIAL,
    CONFIG_MINOR_VERSION,
    CONFIG_VERSION,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    LOGGER,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
)
from .coordinator import GoeConfigEntry

_SERIAL = re.compile(r"^\d{6}$")
# The collapsed form section with the expert fields (the API URL).
SECTION_ADVANCED = "advanced"
_PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
# "{serial}" is shown literally in the URL help text (the URL template's own placeholder).
_PLACEHOLDERS = {
    "app_path": "Internet > Advanced settings",
    "url_example": DEFAULT_BASE_URL,
    "serial": "{serial}",
}


class GoeChargerConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a go-e charger."""

    VERSION = CONFIG_VERSION
    MINOR_VERSION = CONFIG_MINOR_VERSION

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: GoeConfigEntry) -> GoeOptionsFlow:
        """Return the options flow."""
        return GoeOptionsFlow()

    async def _async_validate(
        self, data: dict[str, Any], errors: dict[str, str], *, serial_required: bool = True
    ) -> GoeStatus | None:
        """Check the input with one status call; fill ``errors`` on failure.

        Without ``serial_required`` an empty serial (a migrated local entry that never
        answered) is allowed; the charger's answer then provides it.
        """
        serial = data[CONF_SERIAL]
        if (serial or serial_required) and not _SERIAL.match(serial):
            errors[CONF_SERIAL] = "invalid_serial"
            return None
        url = data.get(CONF_API_URL) or DEFAULT_BASE_URL
        parsed = URL(url.replace("{serial}", serial))
        if parsed.scheme not in ("http", "https") or not parsed.host:
            # The URL field is inside the section: the form shows the error above it.
            errors[SECTION_ADVANCED] = "invalid_url"
            return None
        client = GoeChargerClient(
            async_get_clientsession(self.hass), serial, data[CONF_API_TOKEN], url
        )
        try:
            status = await client.async_get_status()
        except GoeAuthError:
            errors["base"] = "invalid_auth"
        except GoeCloudDisabledError:
            errors["base"] = "cloud_api_disabled"
        except GoeUnavailableError:
            errors["base"] = "offline"
        except GoeError:
            errors["base"] = "cannot_connect"
        except Exception:  # noqa: BLE001 - shown as "unknown"
            LOGGER.exception("Unexpected error while validating a go-e charger")
            errors["base"] = "unknown"
        else:
            if serial and status.serial and status.serial != serial:
                errors[CONF_SERIAL] = "invalid_serial"
                return None
            return status
        return None

    @staticmethod
    def _clean(user_input: Mapping[str, Any]) -> dict[str, Any]:
        """Flatten the form input: stripped values, the URL only if it is not the default."""
        data = {
            k: v.strip() if isinstance(v, str) else v
            for k, v in user_input.items()
            if k != SECTION_ADVANCED
        }
        url = str(user_input.get(SECTION_ADVANCED, {}).get(CONF_API_URL) or "").strip()
        if url and url != DEFAULT_BASE_URL:
            data[CONF_API_URL] = url.rstrip("/")
        return data

    @staticmethod
    def _schema(entry_data: Mapping[str, Any] | None = None) -> vol.Schema:
        """Return the user form, or with ``entry_data`` the reconfigure form.

        The API URL lives in the collapsed "advanced" section; reconfigure defaults it to
        the entry's URL. Reconfigure never shows the token: an empty one keeps the stored.
        """
        fields: dict[Any, Any] = {}
        if entry_data is None:
            # No default: left empty, the charger's own name is used.
            fields[vol.Optional(CONF_NAME)] = str
            fields[vol.Required(CONF_SERIAL)] = str
            fields[vol.Required(CONF_API_TOKEN)] = _PASSWORD
        else:
            fields[vol.Required(CONF_SERIAL)] = str
            fields[vol.Optional(CONF_API_TOKEN)] = _PASSWORD
        default_url = (entry_data or {}).get(CONF_API_URL) or DEFAULT_BASE_URL
        fields[vol.Required(SECTION_ADVANCED)] = section(
            vol.Schema({vol.Optional(CONF_API_URL, default=default_url): str}),
            {"collapsed": True},
        )
        return vol.Schema(fields)

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for name, serial and token (and the API URL in the advanced section)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = self._clean(user_input)
            if status := await self._async_validate(data, errors):
                await self.async_set_unique_id(data[CONF_SERIAL])
                self._abort_if_unique_id_configured()
                # A blank name falls back to the charger's own name, then to the serial.
                data[CONF_NAME] = (
                    data.get(CONF_NAME)
                    or (status.friendly_name or "").strip()
                    or f"go-e {data[CONF_SERIAL]}"
                )
                return self.async_create_entry(
                    title=data[CONF_NAME],
                    data=data,
                    options={CONF_SCAN_INTERVAL: DEFAULT_SCAN_INTERVAL},
                )
        return self.async_show_form(
            step_id="user",
            # A form shown again after an error keeps what was entered.
            data_schema=self.add_suggested_values_to_schema(self._schema(), user_input),
            errors=errors,
            description_placeholders=_PLACEHOLDERS,
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Start reauthentication after the token was refused."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new token."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, CONF_API_TOKEN: user_input[CONF_API_TOKEN].strip()}
            # The form has no serial field: an entry without one learns it from the charger.
            if status := await self._async_validate(data, errors, serial_required=False):
                if not data.get(CONF_SERIAL) and status.serial:
                    data[CONF_SERIAL] = status.serial
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema({vol.Required(CONF_API_TOKEN): _PASSWORD}),
            errors=errors,
            description_placeholders={"name": entry.title, **_PLACEHOLDERS},
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the serial, the token or the API URL of a charger."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {CONF_NAME: entry.data.get(CONF_NAME, entry.title), **self._clean(user_input)}
            # The token is never shown: left empty, the stored one stays.
            data[CONF_API_TOKEN] = data.get(CONF_API_TOKEN) or entry.data.get(CONF_API_TOKEN, "")
            if await self._async_validate(data, errors):
                await self.async_set_unique_id(data[CONF_SERIAL])
                if entry.unique_id:
                    self._abort_if_unique_id_mismatch(reason="wrong_charger")
                else:
                    # A migrated entry that never learnt its serial; the reload claims it.
                    self._abort_if_unique_id_configured()
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="reconfigure",
            # The section's URL field defaults to the entry's URL (``_schema``).
            data_schema=self.add_suggested_values_to_schema(
                self._schema(entry.data),
                user_input or {CONF_SERIAL: entry.data.get(CONF_SERIAL, "")},
            ),
            errors=errors,
            description_placeholders=_PLACEHOLDERS,
        )


class GoeOptionsFlow(OptionsFlow):
    """Change the scan interval."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show the scan interval; a loaded charger uses a new one at once, without a reload."""
        if user_input is not None:
            entry: GoeConfigEntry = self.config_entry
            if entry.state is ConfigEntryState.LOADED:
                coordinator = entry.runtime_data.coordinator
                coordinator.set_interval(timedelta(seconds=user_input[CONF_SCAN_INTERVAL]))
                await coordinator.async_request_refresh()
            return self.async_create_entry(data=user_input)
        current = self.config_entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)
        return self.async_show_form(
            step_id="init",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_SCAN_INTERVAL, default=current): vol.All(
                        vol.Coerce(int), vol.Range(min=MIN_SCAN_INTERVAL, max=MAX_SCAN_INTERVAL)
                    )
                }
            ),
        )
