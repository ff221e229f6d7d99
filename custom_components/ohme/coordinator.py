"""Coordinators of the Ohme integration: charge session (30 s), account (30 min), CT (1 min)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .api import (
    Account,
    ChargerMode,
    ChargerStatus,
    ChargeRule,
    ChargeSession,
    ChargeSlot,
    CtReading,
    OhmeApiError,
    OhmeAuthError,
    OhmeClient,
    OhmeError,
    OhmeRateLimitError,
    OhmeResponseError,
)
from .const import (
    ACCOUNT_INTERVAL,
    CT_INTERVAL,
    DEFAULT_BACKOFF,
    DOMAIN,
    LOGGER,
    NEXT_RULE_MAX_AGE,
    RATE_LIMIT_SLACK,
    SESSION_INTERVAL,
)


@dataclass
class OhmeRuntimeData:
    """What a loaded Ohme entry holds."""

    client: OhmeClient
    serial: str
    session: OhmeSessionCoordinator
    account: OhmeAccountCoordinator
    ct: OhmeCtCoordinator | None


type OhmeConfigEntry = ConfigEntry[OhmeRuntimeData]


def ct_found_signal(entry: OhmeConfigEntry) -> str:
    """Return the signal sent when a CT is found after setup."""
    return f"{DOMAIN}_{entry.entry_id}_ct_found"


@dataclass(frozen=True, kw_only=True)
class SessionData:
    """The charge session plus what the entities derive from it."""

    session: ChargeSession
    next_rule: ChargeRule | None
    energy_wh: float

    @property
    def status(self) -> ChargerStatus:
        """Return the charger status."""
        return self.session.status

    @property
    def target_rule(self) -> ChargeRule | None:
        """Return the rule the targets come from (suspended, applied or next).

        During a charge Ohme can answer ``appliedRule: null``; the next-session rule is the
        best available estimate then (and the rule that target writes change).
        """
        return _session_rule(self.session) or self.next_rule

    @property
    def slots(self) -> tuple[ChargeSlot, ...]:
        """Return the planned slots; none unless a charge is in progress."""
        return self.session.slots if self.session.in_progress else ()


def _session_rule(session: ChargeSession) -> ChargeRule | None:
    """Return the rule of the charge in progress (suspended while paused, else applied)."""
    if not session.in_progress:
        return None
    if session.status is ChargerStatus.PAUSED and session.suspended_rule is not None:
        return session.suspended_rule
    return session.applied_rule


def _new_session(previous: ChargeSession, session: ChargeSession) -> bool:
    """Return True when Ohme started another session without an unplug in between."""
    return None not in (previous.session_id, session.session_id) and (
        previous.session_id != session.session_id
    )


class OhmeCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """Maps client errors to HA errors and backs off on HTTP 429."""

    config_entry: OhmeConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: OhmeConfigEntry,
        client: OhmeClient,
        name: str,
        interval: timedelta,
        *,
        always_update: bool = False,
    ) -> None:
        """Create the coordinator."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"Ohme {name}",
            update_interval=interval,
            always_update=always_update,
        )
        self.client = client
        self._interval = interval

    async def _fetch(self) -> DataT:
        raise NotImplementedError

    async def _async_update_data(self) -> DataT:
        try:
            data = await self._fetch()
        except OhmeAuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except OhmeRateLimitError as err:
            wait = timedelta(seconds=err.retry_after) if err.retry_after else DEFAULT_BACKOFF
            # HA schedules polls on whole seconds and may run one up to a second early: without
            # the slack that poll would still meet the closed gate and wait a whole interval.
            self.update_interval = max(self._interval, wait + RATE_LIMIT_SLACK)
            raise UpdateFailed(translation_domain=DOMAIN, translation_key="rate_limited") from err
        except OhmeError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="api_failed",
                translation_placeholders={"error": str(err)},
            ) from err
        self.update_interval = self._interval
        return data


class OhmeAccountCoordinator(OhmeCoordinator[Account]):
    """Account, charger settings, cars and price cap (30 minutes)."""

    def __init__(self, hass: HomeAssistant, entry: OhmeConfigEntry, client: OhmeClient) -> None:
        """Create the coordinator."""
        super().__init__(hass, entry, client, "account", ACCOUNT_INTERVAL)
        # A CT probe that failed at setup for a transient reason, retried with each poll.
        self.ct_probe: OhmeCtCoordinator | None = None

    async def _fetch(self) -> Account:
        account = await self.client.async_get_account()
        if (probe := self.ct_probe) is not None:
            await self._async_retry_ct_probe(probe)
        return account

    async def _async_retry_ct_probe(self, probe: OhmeCtCoordinator) -> None:
        """Probe the CT again after a transient failure at setup; add its sensor if fitted."""
        connected = await probe.async_probe()
        if connected is None:
            return
        self.ct_probe = None
        if connected:
            self.config_entry.runtime_data.ct = probe
            async_dispatcher_send(self.hass, ct_found_signal(self.config_entry))

    async def async_set_setting(self, key: str, value: bool | str) -> None:
        """Change one charger setting, then show it at once."""
        charger = self.data.charger
        assert charger is not None  # noqa: S101 - setup refuses accounts without a charger
        await self.client.async_set_app_settings(charger.serial, {key: value})
        charger = replace(charger, settings={**charger.settings, key: value})
        self.async_set_updated_data(replace(self.data, charger=charger))

    async def async_select_car(self, car_id: str) -> None:
        """Make a vehicle the current one (first of the list)."""
        await self.client.async_select_car(car_id)
        cars = sorted(self.data.cars, key=lambda car: car.id != car_id)
        self.async_set_updated_data(replace(self.data, cars=tuple(cars)))

    async def async_set_price_cap(
        self, *, enabled: bool | None = None, value: float | None = None
    ) -> None:
        """Turn the price cap on or off, or change its value."""
        await self.client.async_set_price_cap(enabled=enabled, value=value)
        data = self.data
        if enabled is not None:
            data = replace(data, price_cap_enabled=enabled)
        if value is not None:
            data = replace(data, price_cap=value)
        self.async_set_updated_data(data)


class OhmeCtCoordinator(OhmeCoordinator[CtReading]):
    """CT clamp reading (1 minute), only for chargers with a CT."""

    def __init__(
        self, hass: HomeAssistant, entry: OhmeConfigEntry, client: OhmeClient, serial: str
    ) -> None:
        """Create the coordinator."""
        super().__init__(hass, entry, client, "CT", CT_INTERVAL)
        self.serial = serial

    async def _fetch(self) -> CtReading:
        return await self.client.async_get_ct_reading(self.serial)

    async def async_probe(self) -> bool | None:
        """Read the CT once: whether one is fitted, or None after a transient failure."""
        await self.async_refresh()
        if self.last_update_success:
            return self.data.connected
        cause = self.last_exception.__cause__ if self.last_exception else None
        # Older chargers refuse advancedSettings (HTTP 4xx): they simply have no CT sensor.
        return False if isinstance(cause, OhmeApiError) and 400 <= cause.status < 500 else None


class OhmeSessionCoordinator(OhmeCoordinator[SessionData]):
    """The live charge session (30 s); the next-session rule only when it is needed."""

    def __init__(
        self, hass: HomeAssistant, entry: OhmeConfigEntry, client: OhmeClient, serial: str
    ) -> None:
        """Create the coordinator."""
        # Slot entities depend on the time as well as the data: update them every poll.
        super().__init__(
            hass, entry, client, "charge session", SESSION_INTERVAL, always_update=True
        )
        self.serial = serial
        self._next_rule_at: datetime | None = None

    async def _fetch(self) -> SessionData:
        session = await self.client.async_get_charge_session()
        previous = self.data
        next_rule = previous.next_rule if previous else None
        now = dt_util.utcnow()
        if _session_rule(session) is None and (
            self._next_rule_at is None
            or now - self._next_rule_at >= NEXT_RULE_MAX_AGE
            or (previous is not None and _session_rule(previous.session) is not None)
        ):
            # The next-session rule only feeds the targets while the session has no rule of
            # its own (no charge in progress, or Ohme answered ``appliedRule: null``).
            # If Ohme cannot answer it, keep the last rule rather than lose the session.
            self._next_rule_at = now
            try:
                next_rule = await self.client.async_get_next_rule()
            except (OhmeApiError, OhmeResponseError) as err:
                LOGGER.debug("Ohme next-session rule unavailable: %s", err)
        energy = session.energy_wh
        if (
            session.in_progress
            and previous is not None
            and previous.session.in_progress
            and not _new_session(previous.session, session)
        ):
            energy = max(energy, previous.energy_wh)
        return SessionData(session=session, next_rule=next_rule, energy_wh=energy)

    async def async_rule_id(self) -> str:
        """Return the id of the rule that target writes must change."""
        data = self.data
        applied = data.session.applied_rule
        if data.session.in_progress and applied is not None and applied.id:
            return applied.id
        if data.next_rule is None or not data.next_rule.id:
            next_rule = await self.client.async_get_next_rule()
            self._next_rule_at = dt_util.utcnow()
            self.async_set_updated_data(replace(self.data, next_rule=next_rule))
        if self.data.next_rule is None or not self.data.next_rule.id:
            raise OhmeRuleMissingError
        return self.data.next_rule.id

    async def async_set_target(
        self,
        *,
        percent: int | None = None,
        seconds: int | None = None,
        preconditioning: int | None = None,
    ) -> None:
        """Change the charge target, then show it at once."""
        rule_id = await self.async_rule_id()
        await self.client.async_update_rule(
            rule_id,
            target_percent=percent,
            target_time=seconds,
            preconditioning_mins=preconditioning,
        )

        def patch(rule: ChargeRule | None) -> ChargeRule | None:
            if rule is None:
                return None
            if percent is not None:
                rule = replace(rule, target_percent=percent)
            if seconds is not None:
                rule = replace(rule, target_time=seconds)
            if preconditioning is not None:
                rule = replace(
                    rule,
                    preconditioning_enabled=preconditioning > 0,
                    precondition_length_mins=preconditioning or 15,
                )
            return rule

        data = self.data
        session = replace(
            data.session,
            applied_rule=patch(data.session.applied_rule),
            suspended_rule=patch(data.session.suspended_rule),
        )
        self.async_set_updated_data(replace(data, session=session, next_rule=patch(data.next_rule)))

    async def async_set_mode(self, mode: ChargerMode) -> None:
        """Switch between smart charge, max charge and paused."""
        if mode is ChargerMode.PAUSED:
            await self.client.async_pause(self.serial)
            raw = "STOPPED"
        elif mode is ChargerMode.SMART_CHARGE and self.data.session.mode is ChargerMode.PAUSED:
            # Turning max charge off does not reliably un-pause a charge: resume it instead.
            await self.client.async_resume(self.serial)
            raw = "SMART_CHARGE"
        else:
            await self.client.async_set_max_charge(self.serial, mode is ChargerMode.MAX_CHARGE)
            raw = "MAX_CHARGE" if mode is ChargerMode.MAX_CHARGE else "SMART_CHARGE"
        self.async_set_updated_data(
            replace(self.data, session=replace(self.data.session, mode_raw=raw))
        )

    async def async_approve(self) -> None:
        """Approve the charge waiting for approval."""
        await self.client.async_approve(self.serial)
        self.async_set_updated_data(
            replace(self.data, session=replace(self.data.session, mode_raw="SMART_CHARGE"))
        )

    async def async_set_battery(self, car_id: str, percent: int) -> None:
        """Tell Ohme the state of charge of the current vehicle."""
        await self.client.async_set_car_soc(car_id, percent)
        self.async_set_updated_data(
            replace(self.data, session=replace(self.data.session, battery_percent=percent))
        )


class OhmeRuleMissingError(OhmeError):
    """There is no charge rule to change."""
