"""What the account page shows besides the account itself: apps above `accounts` register a panel (a template and
the context it needs for a user), the way NetBox plug-ins extend a page, so `accounts` knows none of them."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User


@dataclass(frozen=True)
class AccountPanel:
    template: str
    context: Callable[[User], dict[str, Any]]
    order: int = 100


_panels: dict[str, AccountPanel] = {}


def register_panel(panel: AccountPanel) -> None:
    _panels[panel.template] = panel


def account_panels(user: User) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of every registered panel, in order."""
    return [(panel.template, panel.context(user)) for panel in sorted(_panels.values(), key=lambda p: p.order)]
