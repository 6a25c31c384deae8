"""The connectors by kind, and reading a board: from the network (page after page, for the boards that page) or from
a recorded answer in a file. Reading is separate from writing: `read` gives the raw postings, `BoardRow`s come from
each connector's `row`."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jobs.boards import ashby, client, greenhouse, jsonld, lever, smartrecruiters, usajobs
from jobs.boards.client import BoardFetchError
from jobs.boards.rows import BoardRow, RowError

MAX_PAGES = 200  # pages of one board read in one refresh (20,000 SmartRecruiters or 100,000 USAJOBS postings)


def _no_headers() -> dict[str, str]:
    return {}


def _one_page(payload: Any, url: str) -> str | None:
    return None


@dataclass(frozen=True)
class Connector:
    kind: str
    name: str
    address: Callable[[str], str]  # the board's name -> the address of its first page
    items: Callable[[Any], list[Any]]  # one answer -> its raw postings
    row: Callable[[Any], BoardRow]  # a raw posting -> a BoardRow, or RowError
    next_page: Callable[[Any, str], str | None] = _one_page
    headers: Callable[[], dict[str, str]] = _no_headers
    json: bool = True  # answers are JSON (else the page itself: jsonld)


CONNECTORS = {
    module.__name__.rsplit(".", 1)[1]: Connector(
        kind=module.__name__.rsplit(".", 1)[1],
        name=module.NAME,
        address=module.address,
        items=module.items,
        row=module.row,
        next_page=getattr(module, "next_page", _one_page),
        headers=getattr(module, "headers", _no_headers),
    )
    for module in (greenhouse, lever, ashby, smartrecruiters, usajobs)
}
CONNECTORS["jsonld"] = Connector(
    kind="jsonld", name=jsonld.NAME, address=lambda url: url, items=jsonld.items, row=jsonld.row, json=False
)


def label(connector: Connector, token: str, url: str) -> str:
    return f"{connector.name} board {token or url!r}"


def _items(connector: Connector, body: bytes, board: str, page_url: str = "") -> tuple[Any, list[Any]]:
    payload = client.json_of(body, board=board) if connector.json else body
    try:
        return payload, (connector.items(payload) if connector.json else jsonld.page_items(body, page_url))
    except RowError as exc:
        raise BoardFetchError(f"{board}: {exc}.") from None


def read_file(connector: Connector, path: Path, *, board: str) -> list[Any]:
    """The raw postings in a recorded answer (one page, as the board sends it; for jsonld a page or a JSON file)."""
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise BoardFetchError(f"{board}: {path} cannot be read ({exc.strerror}).") from None
    return _items(connector, body, board)[1]


def read(connector: Connector, *, token: str, url: str) -> list[Any]:
    """Every raw posting on a board, read over the network; a BoardFetchError when the board cannot be read."""
    board = label(connector, token, url)
    try:
        headers = connector.headers()
    except RowError as exc:
        raise BoardFetchError(f"{board}: {exc}.") from None
    address: str | None = url or connector.address(token)
    found: list[Any] = []
    for _ in range(MAX_PAGES):
        if address is None:
            break
        body = client.get(address, board=board, headers=headers)
        if not connector.json and jsonld.is_sitemap(body):
            return _sitemap(connector, body, board)
        payload, page = _items(connector, body, board, address)
        found.extend(page)
        address = connector.next_page(payload, address)
    return found


def _sitemap(connector: Connector, body: bytes, board: str) -> list[Any]:
    try:
        pages = jsonld.sitemap_pages(body)
    except RowError as exc:
        raise BoardFetchError(f"{board}: {exc}.") from None
    found: list[Any] = []
    for page in pages:
        found.extend(_items(connector, client.get(page, board=board), board, page)[1])
    return found
