"""Coordinators of the Ohme integration: charge session (30 s) and account (30 min)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, ClassVar

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .api import (
    Account,
    ChargerMode,
    ChargerStatus,
    ChargeRule,
    ChargeSession,
    ChargeSlot,
    OhmeApiError,
    OhmeAuthError,
    OhmeClient,
    OhmeConnectionError,
    OhmeEndpointRefusedError,
    OhmeError,
    OhmeRateLimitError,
    OhmeRejectedError,
    OhmeResponseError,
)
from .cloud import ClientErrors, CloudCoordinator
from .const import ACCOUNT_INTERVAL, LOGGER, NEXT_RULE_MAX_AGE, SESSION_INTERVAL
from .energy import EnergyMeter


@dataclass
class OhmeRuntimeData:
    """What a loaded Ohme entry holds."""

    client: OhmeClient
    serial: str
    session: OhmeSessionCoordinator
    account: OhmeAccountCoordinator


type OhmeConfigEntry = ConfigEntry[OhmeRuntimeData]


@dataclass(frozen=True, kw_only=True)
class SessionData:
    """The charge session plus what the entities derive from it."""

    session: ChargeSession
    next_rule: ChargeRule | None
    energy_wh: float
    # The appliedRule of the last session answer that had one (as ohmepy keeps it).
    last_applied_rule: ChargeRule | None = None

    @property
    def status(self) -> ChargerStatus:
        """Return the charger status."""
        return self.session.status

    @property
    def target_rule(self) -> ChargeRule | None:
        """Return the rule the targets come from (suspended, applied or next).

        During a charge Ohme can answer ``appliedRule: null``: then the targets come from
        the rule that target writes change (see write_rule_id).
        """
        if (rule := _session_rule(self.session)) is not None:
            return rule
        last = self.last_applied_rule
        if self.session.in_progress and last is not None and last.id:
            return last
        return self.next_rule

    @property
    def write_rule_id(self) -> str | None:
        """Return the id of the rule that target writes change, chosen as ohmepy 1.7+ does.

        The id of the last applied rule (the session's own rule), else the next-session
        rule's (the schedule): while unplugged Ohme answers an applied rule without an id.
        """
        last = self.last_applied_rule
        if last is not None and last.id:
            return last.id
        return self.next_rule.id if self.next_rule is not None else None

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


class OhmeCoordinator[DataT](CloudCoordinator[DataT]):
    """Polls one Ohme source; each of its commands sends its requests through ``async_write``.

    Entities and actions call the commands (``async_set_*``, ``async_select_car``,
    ``async_approve``) as they are: the client's errors come out as translated Home Assistant
    errors, with Ohme's own refusals (``no_rule``, ``pause_refused``) named here.

    Both coordinators share one client, whose own gate also refuses every request (polls of
    the other coordinator and commands) until a 429's Retry-After has passed.
    """

    errors: ClassVar[ClientErrors] = ClientErrors(
        base=OhmeError,
        auth=OhmeAuthError,
        endpoint_refused=OhmeEndpointRefusedError,
        rate_limited=OhmeRateLimitError,
        connection=OhmeConnectionError,
        rejected=OhmeRejectedError,
    )
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
            entry,
            name=f"Ohme {name}",
            interval=interval,
            always_update=always_update,
        )
        self.client = client

    def describe_error(self, err: Exception) -> tuple[str, dict[str, str]]:
        """Also name Ohme's own refusals: no rule to change, pausing blocked."""
        if isinstance(err, OhmeRuleMissingError):
            return ("no_rule", {})
        if isinstance(err, OhmePauseRefusedError):
            return ("pause_refused", {"status": str(err.status)})
        if isinstance(err, OhmeEndpointRefusedError):  # the translated message has no path
            LOGGER.debug("Ohme refuses %s to this account (HTTP %s)", err.path, err.status)
        return super().describe_error(err)


class OhmeAccountCoordinator(OhmeCoordinator[Account]):
    """Account, charger settings, cars and price cap (30 minutes)."""

    def __init__(self, hass: HomeAssistant, entry: OhmeConfigEntry, client: OhmeClient) -> None:
        """Create the coordinator."""
        super().__init__(hass, entry, client, "account", ACCOUNT_INTERVAL)

    async def _async_fetch(self) -> Account:
        return await self.client.async_get_account()

    async def async_set_setting(self, key: str, value: bool | str) -> None:
        """Change one charger setting, then show it at once."""
        charger = self.data.charger
        assert charger is not None  # noqa: S101 - setup refuses accounts without a charger
        await self.async_write(self.client.async_set_app_settings(charger.serial, {key: value}))
        charger = replace(charger, settings={**charger.settings, key: value})
        self.async_set_updated_data(replace(self.data, charger=charger))

    async def async_select_car(self, car_id: str) -> None:
        """Make a vehicle the current one (first of the list)."""
        await self.async_write(self.client.async_select_car(car_id))
        cars = sorted(self.data.cars, key=lambda car: car.id != car_id)
        self.async_set_updated_data(replace(self.data, cars=tuple(cars)))

    async def async_set_price_cap(
        self, *, enabled: bool | None = None, value: float | None = None
    ) -> None:
        """Turn the price cap on or off, or change its value."""
        await self.async_write(self.client.async_set_price_cap(enabled=enabled, value=value))
        data = self.data
        if enabled is not None:
            data = replace(data, price_cap_enabled=enabled)
        if value is not None:
            data = replace(data, price_cap=value)
        self.async_set_updated_data(data)


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
        self.energy = EnergyMeter()  # the delivered-energy sensor makes it ready
        self._energy_lock = asyncio.Lock()

    async def _async_fetch(self) -> SessionData:
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
        await self._async_update_energy(session)
        last_applied = session.applied_rule or (previous.last_applied_rule if previous else None)
        return SessionData(
            session=session, next_rule=next_rule, energy_wh=energy, last_applied_rule=last_applied
        )

    async def _async_update_energy(self, session: ChargeSession) -> None:
        """Read the charge summary when the delivered-energy total may have grown.

        A failure leaves the total as it is (retried in 15 minutes); a refusal makes the
        sensor unavailable. Neither fails the session poll.
        """
        async with self._energy_lock:  # a start-up read may run beside a poll
            meter, now = self.energy, dt_util.utcnow()
            charging = session.status is ChargerStatus.CHARGING
            if meter.energy is None or not meter.due(now, charging):
                return
            now_ms = int(now.timestamp() * 1000)
            try:
                summary = await self.client.async_get_charge_summary(
                    meter.energy.query_start_ms(now_ms), now_ms
                )
            except OhmeEndpointRefusedError as err:
                LOGGER.info("Ohme refuses the charge summary (energy delivered): %s", err)
                meter.unanswered(now, refused=True)
            except (
                OhmeApiError,
                OhmeConnectionError,
                OhmeRateLimitError,
                OhmeResponseError,
            ) as err:
                LOGGER.debug("Ohme charge summary unavailable: %s", err)
                meter.unanswered(now, refused=False)
            else:
                meter.answered(summary, now, charging)

    async def async_read_energy(self) -> None:
        """Read the summary now (the sensor starts: zero point, or what came meanwhile).

        This runs as a background task, outside any poll: a login refused while renewing the
        token for it asks to sign in again here, as a poll would.
        """
        try:
            await self._async_update_energy(self.data.session)
        except OhmeAuthError:
            self.config_entry.async_start_reauth(self.hass)
            return
        self.async_update_listeners()

    async def _async_rule_id(self) -> str:
        """Return the id of the rule that target writes must change (see write_rule_id)."""
        if self.data.write_rule_id is None:
            next_rule = await self.client.async_get_next_rule()
            self._next_rule_at = dt_util.utcnow()
            self.async_set_updated_data(replace(self.data, next_rule=next_rule))
        if (rule_id := self.data.write_rule_id) is None:
            raise OhmeRuleMissingError
        return rule_id

    async def async_set_target(
        self,
        *,
        percent: int | None = None,
        seconds: int | None = None,
        preconditioning: int | None = None,
    ) -> None:
        """Change the charge target, then show it at once."""
        rule_id = await self.async_write(self._async_rule_id())
        await self.async_write(
            self.client.async_update_rule(
                rule_id,
                target_percent=percent,
                target_time=seconds,
                preconditioning_mins=preconditioning,
            )
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
        data = replace(
            data,
            session=session,
            next_rule=patch(data.next_rule),
            last_applied_rule=patch(data.last_applied_rule),
        )
        self.async_set_updated_data(data)

    async def async_set_mode(self, mode: ChargerMode) -> None:
        """Switch between smart charge, max charge and paused."""
        if mode is ChargerMode.PAUSED:
            await self.async_write(self._async_pause())
            raw = "STOPPED"
        elif mode is ChargerMode.SMART_CHARGE and self.data.session.mode is ChargerMode.PAUSED:
            # Turning max charge off does not reliably un-pause a charge: resume it instead.
            await self.async_write(self.client.async_resume(self.serial))
            raw = "SMART_CHARGE"
        else:
            max_charge = mode is ChargerMode.MAX_CHARGE
            await self.async_write(self.client.async_set_max_charge(self.serial, max_charge))
            raw = "MAX_CHARGE" if max_charge else "SMART_CHARGE"
        self._show_session(mode_raw=raw)

    async def _async_pause(self) -> None:
        """Pause the charge; any error status means Ohme blocks pausing (since 2025-11)."""
        try:
            await self.client.async_pause(self.serial)
        except OhmeApiError as err:
            raise OhmePauseRefusedError(err.status) from err

    async def async_approve(self) -> None:
        """Approve the charge waiting for approval."""
        await self.async_write(self.client.async_approve(self.serial))
        self._show_session(mode_raw="SMART_CHARGE")

    async def async_set_battery(self, car_id: str, percent: int) -> None:
        """Tell Ohme the state of charge of the current vehicle."""
        await self.async_write(self.client.async_set_car_soc(car_id, percent))
        self._show_session(battery_percent=percent)

    def _show_session(self, **changes: Any) -> None:
        """Show what a command changed in the session at once (the next poll confirms it)."""
        self.async_set_updated_data(
            replace(self.data, session=replace(self.data.session, **changes))
        )


class OhmeRuleMissingError(OhmeError):
    """There is no charge rule to change (a command's error: ``no_rule``)."""


class OhmePauseRefusedError(OhmeError):
    """Ohme answered the pause request with an error status (``pause_refused``)."""

    def __init__(self, status: int) -> None:
        """Record the status Ohme answered with."""
        super().__init__(f"Ohme refused to pause the charge (HTTP {status})")
        self.status = status
