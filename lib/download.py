"""Downloading one publisher's file over HTTP: urllib3 (as the job-board reader uses) with timeouts, retries with
exponential backoff (a connection error, a timeout, a 429 or 5xx answer; Retry-After honoured), streamed to disk
beside its target and moved into place only when complete, with its sha256 computed on the way. Knows no app."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import urllib3
from urllib3.exceptions import ConnectTimeoutError, HTTPError, MaxRetryError, ReadTimeoutError

CHUNK = 1 << 20


class DownloadError(Exception):
    """A file that could not be downloaded: the message names the address and says what went wrong."""


@dataclass(frozen=True)
class Downloaded:
    url: str
    path: Path
    sha256: str
    size: int


def _pool(*, user_agent: str, timeout: float, retries: int) -> urllib3.PoolManager:
    retry = urllib3.Retry(
        total=retries,
        backoff_factor=0.5,  # no wait before the first retry, then 1 s, 2 s, 4 s ...
        backoff_max=60,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
        raise_on_status=False,  # the last answer's status is reported below
    )
    return urllib3.PoolManager(
        retries=retry,
        timeout=urllib3.Timeout(connect=min(10.0, timeout), read=timeout),
        headers={"User-Agent": user_agent, "Accept": "*/*"},
    )


def _why(reason: Exception | None, timeout: float) -> str:
    if isinstance(reason, (ReadTimeoutError, ConnectTimeoutError)):
        return f"timed out after {timeout:g} s"
    return f"{reason.__class__.__name__}: {reason}" if reason else "no reason given"


def download(url: str, target: Path, *, user_agent: str, timeout: float, retries: int, max_bytes: int) -> Downloaded:
    """Save the body at `url` as `target` (a partial download never takes its name) and return its sha256."""
    if not url.startswith(("https://", "http://")):
        raise DownloadError(f"{url!r} is not a web address.")
    pool = _pool(user_agent=user_agent, timeout=timeout, retries=retries)
    try:
        response = pool.request("GET", url, preload_content=False, redirect=True)
    except MaxRetryError as exc:
        raise DownloadError(f"no answer from {url} after {retries + 1} tries ({_why(exc.reason, timeout)}).") from None
    except HTTPError as exc:
        raise DownloadError(f"{url} could not be read ({_why(exc, timeout)}).") from None
    partial = target.with_name(target.name + ".part")
    try:
        if response.status != 200:
            hint = (
                " (BLS refuses requests whose User-Agent does not name a contact: check FETCH_USER_AGENT)"
                if response.status == 403
                else ""
            )
            raise DownloadError(f"{url} answered HTTP {response.status}{hint}.")
        digest = hashlib.sha256()
        size = 0
        target.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as written:
            for chunk in response.stream(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise DownloadError(f"{url} is larger than {max_bytes:,} bytes; stopped.")
                digest.update(chunk)
                written.write(chunk)
        expected = response.headers.get("Content-Length")
        if expected and expected.isdigit() and int(expected) != size:
            raise DownloadError(f"{url} was cut short: {size:,} of {int(expected):,} bytes.")
    except HTTPError as exc:
        partial.unlink(missing_ok=True)
        raise DownloadError(f"reading {url} failed ({_why(exc, timeout)}).") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        response.release_conn()
    partial.replace(target)
    return Downloaded(url=url, path=target, sha256=digest.hexdigest(), size=size)
