"""Formatting of published figures: BLS symbols are shown as BLS means them, never as numbers."""

import math
from decimal import Decimal
from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from wages.models import Figure

register = template.Library()

TOP_CODED = {"annual": "$239,200 or more", "hourly": "$115.00 or more"}


def _money(figure: Figure | None, kind: str) -> str:
    if figure is None:
        return "Not available"
    if figure.special:
        return TOP_CODED[kind] if figure.special == "#" else "Not published"
    if figure.value is None:
        return "—"
    return f"${intcomma(int(figure.value))}" if kind == "annual" else f"${Decimal(figure.value):,.2f}"


@register.filter
def annual(figure: Figure | None) -> str:
    return _money(figure, "annual")


@register.filter
def hourly(figure: Figure | None) -> str:
    return _money(figure, "hourly")


@register.filter
def count(value: Any) -> str:
    if value is None:
        return "Not available"
    if isinstance(value, Figure):
        if value.special:
            return "Not published"
        value = value.value
        if value is None:
            return "—"
    return intcomma(int(value))


@register.filter
def signed_percent(value: Decimal | None) -> str:
    if value is None:
        return "Not available"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{abs(value)}%"


@register.inclusion_tag("roles/_gauge.html")
def gauge(score: Decimal | None, label: str, idprefix: str = "gauge") -> dict[str, Any]:
    """A half-circle gauge from More Difficult (0, left) to Less Difficult (100, right)."""
    context: dict[str, Any] = {"score": score, "label": label, "idprefix": idprefix}
    if score is not None:
        angle = math.pi * (1 - float(score) / 100)
        context["needle_x"] = round(100 + 78 * math.cos(angle), 1)
        context["needle_y"] = round(100 - 78 * math.sin(angle), 1)
    return context


@register.filter
def dict_get(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)
