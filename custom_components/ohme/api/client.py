"""Async client of the Ohme cloud (Google Identity Toolkit login + api.ohme.io)."""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Callable
import json
import logging
import math
import time
from typing import Any

import aiohttp

from .exceptions import (
    OhmeApiError,
    OhmeAuthError,
    OhmeConnectionError,
    OhmeEndpointRefusedError,
    OhmeRateLimitError,
    OhmeRejectedError,
    OhmeResponseError,
    OhmeServerError,
)
from .models import Account, ChargeRule, ChargeSession, ChargeSummary

_LOGGER = logging.getLogger(__name__)

GOOGLE_API_KEY = "AIzaSyC8ZeZngm33tpOXLpbXeKfwtyZ1WrkbdBY"
DEFAULT_IDENTITY_URL = "https://www.googleapis.com"
DEFAULT_SECURETOKEN_URL = "https://securetoken.googleapis.com"
DEFAULT_API_URL = "https://api.ohme.io"
LOGIN_PATH = "/identitytoolkit/v3/relyingparty/verifyPassword"
REFRESH_PATH = "/v1/token"
TOKEN_MAX_AGE = 2700  # seconds: refresh before the one-hour ID token is 45 minutes old
USER_AGENT = "ha-cloud-energy-ohme/1.0"
TIMEOUT = 10.0
DEFAULT_RETRY_AFTER = 300.0  # seconds to wait after a 429 without Retry-After


class OhmeClient:
    """Talk to the Ohme cloud for one account; the session is injected, never closed."""

    def __init__(
        self,
        email: str,
        password: str,
        session: aiohttp.ClientSession,
        *,
        identity_url: str = DEFAULT_IDENTITY_URL,
        securetoken_url: str = DEFAULT_SECURETOKEN_URL,
        api_url: str = DEFAULT_API_URL,
        timeout: float = TIMEOUT,
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        """Store the credentials and the three base URLs (no request yet)."""
        self._email = email
        self._password = password
        self._session = session
        self._identity_url = identity_url.rstrip("/")
        self._securetoken_url = securetoken_url.rstrip("/")
        self._api_url = api_url.rstrip("/")
        self._timeout = timeout
        self._clock = monotonic
        self._id_token: str | None = None
        self._refresh_token: str | None = None
        self._token_birth = 0.0
        self._token_lock = asyncio.Lock()
        self._retry_at: float | None = None
        self._tokens_issued = 0  # login and renewals so far
        self._refusing: set[str] = set()  # "METHOD path" that refused a fresh token
        self.user_id: str | None = None

    def _now(self) -> float:
        """Return monotonic seconds (looked up at call time, so tests can freeze it)."""
        return self._clock() if self._clock is not None else time.monotonic()

    # -- authentication ---------------------------------------------------------------

    async def async_login(self) -> None:
        """Log in with email and password; raise OhmeAuthError if refused."""
        data = await self._auth_post(
            f"{self._identity_url}{LOGIN_PATH}",
            {"email": self._email, "password": self._password, "returnSecureToken": "True"},
        )
        self._store_tokens(data.get("idToken"), data.get("refreshToken"))
        self._store_user_id(data.get("localId"))

    async def _async_refresh(self) -> None:
        """Renew the ID token with the refresh token; log in again if that fails."""
        try:
            data = await self._auth_post(
                f"{self._securetoken_url}{REFRESH_PATH}",
                {"grantType": "refresh_token", "refreshToken": self._refresh_token or ""},
            )
        except OhmeAuthError:
            _LOGGER.debug("Ohme token refresh refused, logging in again")
            await self.async_login()
            return
        self._store_tokens(data.get("id_token"), data.get("refresh_token"))
        self._store_user_id(data.get("user_id"))

    def _store_user_id(self, user_id: Any) -> None:
        """Keep the account's user id: from the answer, else the ID token's claim."""
        if isinstance(user_id, str) and user_id:
            self.user_id = user_id
        elif self._id_token is not None and (claim := _token_user_id(self._id_token)):
            self.user_id = claim

    def _store_tokens(self, id_token: Any, refresh_token: Any) -> None:
        if not isinstance(id_token, str) or not isinstance(refresh_token, str):
            raise OhmeResponseError("Ohme login answer lacks tokens")
        self._id_token = id_token
        self._refresh_token = refresh_token
        self._token_birth = self._now()
        self._tokens_issued += 1

    async def _async_ensure_token(self) -> str:
        """Return a valid ID token: log in first, refresh when it is 45 minutes old."""
        async with self._token_lock:  # concurrent polls share one login or refresh
            if self._id_token is None:
                await self.async_login()
            elif self._now() - self._token_birth >= TOKEN_MAX_AGE:
                await self._async_refresh()
            assert self._id_token is not None  # noqa: S101 - set by login/refresh
            return self._id_token

    async def _auth_post(self, url: str, form: dict[str, str]) -> dict[str, Any]:
        """POST a form to Google; 400/401/403 mean refused credentials."""
        try:
            async with asyncio.timeout(self._timeout):
                async with self._session.post(
                    url, params={"key": GOOGLE_API_KEY}, data=form
                ) as resp:
                    if resp.status in (400, 401, 403):
                        raise OhmeAuthError("Ohme refused the credentials")
                    self._check_status(resp, LOGIN_PATH)
                    data = await resp.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError) as err:
            raise OhmeConnectionError(f"Cannot reach the Ohme login service: {err!r}") from err
        except json.JSONDecodeError as err:
            raise OhmeResponseError("Ohme login answered with malformed JSON") from err
        if not isinstance(data, dict):
            raise OhmeResponseError("Ohme login answer is not an object")
        return data

    # -- requests ---------------------------------------------------------------------

    def _check_status(
        self, resp: aiohttp.ClientResponse, path: str, *, write: bool = False
    ) -> None:
        """Raise for non-2xx answers other than 401/403; remember a 429's wait.

        A write answered 400 or 422 had its values refused (``OhmeRejectedError``); a 5xx is
        an outage (``OhmeServerError``).
        """
        if resp.status == 429:
            header = resp.headers.get("Retry-After")
            try:
                retry_after: float | None = float(header) if header else None
            except ValueError:
                retry_after = None
            self._retry_at = self._now() + (retry_after or DEFAULT_RETRY_AFTER)
            raise OhmeRateLimitError(retry_after)
        if write and resp.status in (400, 422):
            raise OhmeRejectedError(path, resp.status)
        if resp.status >= 500:
            raise OhmeServerError(path, resp.status)
        if not 200 <= resp.status < 300:
            raise OhmeApiError(path, resp.status)

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        body: Any = None,
        parse: bool = True,
    ) -> Any:
        """Send an authorised request.

        Only the login step can refuse the credentials (``OhmeAuthError``). A 401/403 from an
        endpoint is answered by renewing the token once, since the ID token may have expired
        early (the monotonic clock stops while the host sleeps): if the endpoint refuses the
        renewed token too, or refused a token issued for this very request, it refuses the
        request, not the credentials (``OhmeEndpointRefusedError``). Such an endpoint does
        not make us renew the token again until it has answered once.
        """
        if self._retry_at is not None:
            wait = self._retry_at - self._now()
            if wait > 0:  # Ohme asked us to slow down: no request at all until then
                raise OhmeRateLimitError(wait)
            self._retry_at = None
        route = path.partition("?")[0]  # errors name the path, never the query
        key = f"{method} {route}"
        for attempt in (1, 2):
            issued = self._tokens_issued
            token = await self._async_ensure_token()
            fresh = self._tokens_issued != issued  # logged in or renewed for this request
            headers = {
                "Authorization": f"Firebase {token}",
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
            }
            data = json.dumps(body) if body is not None else None
            try:
                async with asyncio.timeout(self._timeout):
                    async with self._session.request(
                        method, f"{self._api_url}{path}", params=params, data=data, headers=headers
                    ) as resp:
                        if resp.status in (401, 403):
                            if attempt == 1 and not fresh and key not in self._refusing:
                                _LOGGER.debug("Ohme answered %s, renewing the token", resp.status)
                                if self._id_token == token:
                                    self._token_birth = -math.inf  # refresh before the retry
                                continue
                            self._refusing.add(key)
                            raise OhmeEndpointRefusedError(route, resp.status)
                        self._check_status(resp, route, write=method != "GET")
                        self._refusing.discard(key)
                        if not parse:
                            return None
                        return await resp.json(content_type=None)
            except (TimeoutError, aiohttp.ClientError) as err:
                raise OhmeConnectionError(f"Cannot reach Ohme ({route}): {err!r}") from err
            except json.JSONDecodeError as err:
                raise OhmeResponseError(f"Ohme answered malformed JSON for {route}") from err
        raise AssertionError("unreachable")  # pragma: no cover

    # -- reads ------------------------------------------------------------------------

    async def async_get_account(self) -> Account:
        """Return the account: charger, cars and price cap."""
        return Account.from_json(await self._request("GET", "/v1/users/me/account"))

    async def async_get_charge_session(self) -> ChargeSession:
        """Return the live charge session."""
        return ChargeSession.from_json(await self._request("GET", "/v1/chargeSessions"))

    async def async_get_charge_summary(
        self, start_ms: int, end_ms: int, granularity: str = "HOUR"
    ) -> ChargeSummary:
        """Return the energy the charger delivered per bucket (``HOUR`` or ``DAY``).

        The query is sent in the order ohmepy sends it: ``endTs``, ``granularity``,
        ``startTs`` (epoch milliseconds).
        """
        if self.user_id is None:
            await self._async_ensure_token()  # the user id comes with the login
        if self.user_id is None:
            raise OhmeResponseError("Ohme did not say which user is logged in")
        query = f"endTs={int(end_ms)}&granularity={granularity}&startTs={int(start_ms)}"
        data = await self._request(
            "GET", f"/v1/chargeSessions/summary/users/{self.user_id}?{query}"
        )
        return ChargeSummary.from_json(data)

    async def async_get_next_rule(self) -> ChargeRule | None:
        """Return the rule that will apply to the next session."""
        data = await self._request("GET", "/v1/chargeSessions/nextSessionInfo")
        return ChargeRule.from_json(data.get("rule")) if isinstance(data, dict) else None

    # -- writes -----------------------------------------------------------------------

    async def async_update_rule(
        self,
        rule_id: str,
        *,
        target_percent: int | None = None,
        target_time: int | None = None,
        preconditioning_mins: int | None = None,
    ) -> None:
        """Change target percentage, target time (s after midnight) or preconditioning."""
        body: dict[str, Any] = {}
        if target_percent is not None:
            body["targetPercent"] = target_percent
        if target_time is not None:
            body["targetTime"] = target_time
        if preconditioning_mins is not None:
            body["preconditioning"] = {
                "enabled": preconditioning_mins > 0,
                "lengthMins": preconditioning_mins or 15,
                "temperature": None,
            }
        await self._request(
            "PATCH",
            f"/v2/users/me/charge-rules/{rule_id}",
            params={"persist": "true", "recalculateSession": "true"},
            body=body,
        )

    async def async_set_max_charge(self, serial: str, enabled: bool) -> None:
        """Turn max charge on (charge now) or off (back to smart charge)."""
        await self._request(
            "PUT",
            f"/v2/charge-devices/{serial}/charge-sessions/active/{serial}/max-charge",
            params={"enabled": "true" if enabled else "false"},
            parse=False,
        )

    async def async_pause(self, serial: str) -> None:
        """Pause the charge."""
        await self._request("POST", f"/v1/chargeSessions/{serial}/stop", parse=False)

    async def async_resume(self, serial: str) -> None:
        """Resume a paused charge (back to smart charge)."""
        await self._request("POST", f"/v1/chargeSessions/{serial}/resume", parse=False)

    async def async_approve(self, serial: str) -> None:
        """Approve a charge waiting for approval."""
        await self._request(
            "PUT",
            f"/v1/chargeSessions/{serial}/approve",
            params={"approve": "true"},
            parse=False,
        )

    async def async_set_price_cap(
        self, *, enabled: bool | None = None, value: float | None = None
    ) -> None:
        """Change the price cap: GET the user settings, change them, PUT them back whole."""
        settings = await self._request("GET", "/v1/users/me/settings")
        caps = settings.get("chargeSettings") if isinstance(settings, dict) else None
        if not isinstance(caps, list) or not caps or not isinstance(caps[0], dict):
            raise OhmeResponseError("Ohme settings have no price cap")
        if enabled is not None:
            caps[0]["enabled"] = enabled
        if value is not None:
            caps[0]["value"] = value
        await self._request("PUT", "/v1/users/me/settings", body=settings, parse=False)

    async def async_set_app_settings(self, serial: str, settings: dict[str, Any]) -> None:
        """Change charger settings (``optionalSettings`` keys)."""
        await self._request(
            "PUT", f"/v1/chargeDevices/{serial}/appSettings", body=settings, parse=False
        )

    async def async_select_car(self, car_id: str) -> None:
        """Make a vehicle the current one."""
        await self._request("PUT", f"/v1/car/{car_id}/select", parse=False)

    async def async_set_car_soc(self, car_id: str, percent: int) -> None:
        """Tell Ohme the state of charge of a vehicle."""
        await self._request(
            "PUT",
            f"/v1/car/{car_id}/state-of-charge",
            body={"currentChargePercent": percent},
            parse=False,
        )


def _token_user_id(token: str) -> str | None:
    """Return the ``user_id`` claim of a JWT ID token (base64url payload), if readable."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error):
        return None
    user_id = claims.get("user_id") if isinstance(claims, dict) else None
    return user_id if isinstance(user_id, str) and user_id else None
