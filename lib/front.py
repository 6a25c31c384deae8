"""What the front cache (`config/front.py`) may answer again without Django, as the views that know say it.

A view whose answer depends only on its address and the named versions marks the request `shareable`: anyone else
asking the same may be sent the same bytes. The front keeps such answers in the worker's memory and replays them,
with the caller's own request id (and, for the API, the caller's own rate-limit count), before Django's request
handling starts. Nothing here imports the project: the marks are keys of the WSGI environ (Django's
`request.META`), which the front reads after Django answers.
"""

from collections.abc import Iterable

from django.http import HttpRequest

SHAREABLE = "rolescope.shareable"  # the query parameters the answer depends on, and whether it is an API answer
CALLER = "rolescope.caller"  # the API: the rate-limit identity and limit of the valid key this call came with
COUNTED = "rolescope.counted"  # the API: the front counted this call already (identity, quota, wrong keys)
ROUTE = "rolescope.route"  # the URL pattern that answered, for the front's metrics and access log


def shareable(request: HttpRequest, params: Iterable[str], *, api: bool = False) -> None:
    """Say that this request's answer depends on nothing but its path, the query `params` and the versions (the
    data, platform and access versions): no cookie, no caller, no other header. An API answer (`api`) is replayed
    only after the caller's call is counted against their limit, exactly as Django would count it."""
    request.META[SHAREABLE] = (frozenset(params), api)


def unshareable(request: HttpRequest) -> None:
    """Take the mark back (a wrapper that counts requests itself, `lib.http.rate_limited`)."""
    request.META.pop(SHAREABLE, None)
