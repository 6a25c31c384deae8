"""Reading a job board over HTTP: urllib3 (already a dependency, the client under requests and pip) with its own
timeouts and retries. A connection error, a timeout, or a 429 or 5xx answer is tried again with exponential backoff
(honouring Retry-After); whatever still fails is a BoardFetchError saying which board and why."""

import json
from typing import Any

import urllib3
from django.conf import settings
from urllib3.exceptions import HTTPError, MaxRetryError

MAX_BYTES = 64 * 1024 * 1024  # a 5,000-posting Greenhouse board with descriptions is about 40 MB
USER_AGENT = "rolescope job-board reader"


class BoardFetchError(Exception):
    """A board that could not be read: the message names the board and says what went wrong."""


def _pool() -> urllib3.PoolManager:
    retries = urllib3.Retry(
        total=settings.BOARD_RETRIES,
        backoff_factor=0.5,  # 0.5 s, 1 s, 2 s between attempts
        backoff_max=30,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
        raise_on_status=False,  # the last answer's status is reported below
    )
    timeout = urllib3.Timeout(connect=min(10, settings.BOARD_TIMEOUT_SECONDS), read=settings.BOARD_TIMEOUT_SECONDS)
    return urllib3.PoolManager(retries=retries, timeout=timeout, headers={"User-Agent": USER_AGENT})


def get(url: str, *, board: str, headers: dict[str, str] | None = None) -> bytes:
    """The body at `url`; a BoardFetchError naming `board` when it cannot be had."""
    if not url.startswith(("https://", "http://")):
        raise BoardFetchError(f"{board}: {url!r} is not a web address.")
    try:
        response = _pool().request("GET", url, headers=headers, preload_content=False, redirect=True)
    except MaxRetryError as exc:
        raise BoardFetchError(f"{board}: no answer from {url} after retries ({exc.reason}).") from None
    except HTTPError as exc:
        raise BoardFetchError(f"{board}: {url} could not be read ({exc.__class__.__name__}: {exc}).") from None
    try:
        if response.status != 200:
            hint = " (is the board's name right?)" if response.status == 404 else ""
            raise BoardFetchError(f"{board}: {url} answered HTTP {response.status}{hint}.")
        body = response.read(MAX_BYTES + 1)
    except HTTPError as exc:
        raise BoardFetchError(f"{board}: reading {url} failed ({exc.__class__.__name__}: {exc}).") from None
    finally:
        response.release_conn()
    if len(body) > MAX_BYTES:
        raise BoardFetchError(f"{board}: {url} is larger than {MAX_BYTES // 1024 // 1024} MB.")
    return body


def json_of(body: bytes, *, board: str) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BoardFetchError(f"{board}: the answer is not JSON ({exc}).") from None
    except RecursionError:
        raise BoardFetchError(f"{board}: the answer is nested too deeply.") from None
