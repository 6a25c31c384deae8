"""One throttle for every way someone proves who they are: site sign-in, admin sign-in, password resets and API
keys. Counted in the shared cache (Redis when configured, so every server counts together), in fixed 15-minute
windows.

- A username is counted as Django compares it: NFKC-normalised and case-folded, so `ｄave`, `DAVE` and `dave` are
  one account (Django signs any of them in as dave).
- Per account: after SIGNIN_ATTEMPTS_PER_15_MINUTES failures from anywhere, that account's sign-in pauses (the
  owner can still reset the password). Guessing one password from many addresses meets this limit.
- Per address (as API_TRUSTED_PROXIES defines it): a much higher limit, SIGNIN_ADDRESS_ATTEMPTS_PER_15_MINUTES,
  so one address cannot spray guesses across accounts, yet people sharing an office proxy are not locked out by a
  few typos.
- Password resets: RESETS_PER_15_MINUTES per address and per email address.
- Sign-ups: SIGNUPS_PER_15_MINUTES per address (then 429); an email address that already has an account is told
  so at most RESETS_PER_15_MINUTES times (later attempts are answered alike and send nothing).
- API keys: INVALID_KEYS_PER_MINUTE wrong keys per address; past it, that address gets 429 for a while.
"""

import unicodedata

from django.conf import settings
from django.http import HttpRequest

from lib.http import client_ip
from lib.ratelimit import window_clear, window_count, window_key, window_peek

WINDOW_SECONDS = 15 * 60
KEY_WINDOW_SECONDS = 60


def normalise(username: str) -> str:
    """The username as Django matches it (NFKC, the form its username field normalises to), case-folded."""
    return unicodedata.normalize("NFKC", username).casefold().strip()[:150]


def _account(username: str) -> str:
    return f"throttle:signin:account:{normalise(username)}"


def _address(request: HttpRequest) -> str:
    return f"throttle:signin:address:{client_ip(request)}"


def signin_blocked(request: HttpRequest, username: str) -> bool:
    return (
        window_peek(_account(username), WINDOW_SECONDS) >= settings.SIGNIN_ATTEMPTS_PER_15_MINUTES
        or window_peek(_address(request), WINDOW_SECONDS) >= settings.SIGNIN_ADDRESS_ATTEMPTS_PER_15_MINUTES
    )


def signin_failed(request: HttpRequest, username: str) -> None:
    window_count(_account(username), WINDOW_SECONDS)
    window_count(_address(request), WINDOW_SECONDS)


def signin_succeeded(username: str) -> None:
    window_clear(_account(username), WINDOW_SECONDS)


def reset_allowed(request: HttpRequest, email: str) -> bool:
    """Count a password-reset request; False once the address or the email asked too often."""
    limit = settings.RESETS_PER_15_MINUTES
    by_address = window_count(f"throttle:reset:address:{client_ip(request)}", WINDOW_SECONDS)
    by_email = window_count(f"throttle:reset:email:{normalise(email)}", WINDOW_SECONDS)
    return by_address <= limit and by_email <= limit


def signup_blocked(request: HttpRequest) -> bool:
    """Count a sign-up attempt from the caller's address; True once it has made too many."""
    count = window_count(f"throttle:signup:address:{client_ip(request)}", WINDOW_SECONDS)
    return count > settings.SIGNUPS_PER_15_MINUTES


def signup_email_allowed(email: str) -> bool:
    """Count an "already have an account" email to `email`; False once it has been sent too often."""
    return window_count(f"throttle:signup:email:{normalise(email)}", WINDOW_SECONDS) <= settings.RESETS_PER_15_MINUTES


def _invalid_keys(request: HttpRequest) -> str:
    return _invalid_keys_at(client_ip(request))


def _invalid_keys_at(address: str) -> str:
    return f"throttle:apikey:address:{address}"


def invalid_keys_blocked(request: HttpRequest, *, count: int | None = None) -> bool:
    """Whether the address has presented too many wrong keys; `count`: its wrong keys this window, when already
    read (with the key's own count, in one round trip: `invalid_keys_window`)."""
    if count is None:
        count = window_peek(_invalid_keys(request), KEY_WINDOW_SECONDS)
    return count >= settings.INVALID_KEYS_PER_MINUTE


def invalid_keys_window(request: HttpRequest) -> str:
    """The shared cache's key counting the address's wrong keys in the current window."""
    return invalid_keys_window_at(client_ip(request))


def invalid_keys_window_at(address: str) -> str:
    """`invalid_keys_window` for the caller's address (`lib.http.client_ip`)."""
    return window_key(_invalid_keys_at(address), KEY_WINDOW_SECONDS)


def invalid_key_presented(request: HttpRequest) -> None:
    window_count(_invalid_keys(request), KEY_WINDOW_SECONDS)
