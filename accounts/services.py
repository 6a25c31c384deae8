"""API keys: create (the plain key is returned once), revoke, and check a presented key."""

import hashlib
import hmac
import secrets
import time
from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiKey

if TYPE_CHECKING:
    from jobs.models import Employer

KEY_PREFIX = "rs_"
# last_used_at is written at most this often, so busy keys do not cost a write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *, user: User, name: str, rate_limit_per_minute: int | None = None, employer: "Employer | None" = None
) -> tuple[ApiKey, str]:
    """Create a key for `user` (scoped to `employer`'s postings, for members). Returns the stored key and the
    plain key, which is never shown again."""
    public = secrets.token_hex(4)
    plain = f"{KEY_PREFIX}{public}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        user=user,
        name=name.strip() or "API key",
        prefix=f"{KEY_PREFIX}{public}",
        key_hash=_hash(plain),
        rate_limit_per_minute=rate_limit_per_minute,
        employer=employer,
    )
    return key, plain


def api_key_revoke(*, key: ApiKey) -> None:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    _memo.pop(key.prefix, None)


# Keys looked up recently, by prefix, so a busy key costs no query per request. A revocation reaches every
# process within this many seconds (at once in the process that revoked it).
KEY_MEMO_SECONDS = 10.0
_memo: dict[str, tuple[ApiKey | None, float]] = {}


def _lookup(prefix: str) -> ApiKey | None:
    now = time.monotonic()
    memo = _memo.get(prefix)
    if memo is not None and memo[1] > now:
        return memo[0]
    key = ApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
    if len(_memo) > 10_000:
        _memo.clear()
    _memo[prefix] = (key, now + KEY_MEMO_SECONDS)
    return key


def api_key_check(plain: str) -> ApiKey | None:
    """The active key matching `plain`, or None."""
    if not plain.startswith(KEY_PREFIX) or len(plain) > 200:
        return None
    key = _lookup(plain[: len(KEY_PREFIX) + 8])
    if key is None or not hmac.compare_digest(key.key_hash, _hash(plain)):
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        # Only this column, so a concurrent revoke is never overwritten.
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
