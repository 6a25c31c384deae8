"""Formatting of published figures: BLS symbols are shown as BLS means them, never as numbers."""

import math
from decimal import Decimal
from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from wages.models import Figure, money

register = template.Library()


@register.filter
def per(unit: str) -> str:
    """ "year" -> "a year", "hour" -> "an hour"."""
    return "an hour" if unit == "hour" else "a year"


@register.filter(name="money")
def money_filter(value: Decimal | int | None, unit: str) -> str:
    """{{ value|money:"hour" }} -> $29.05; {{ value|money:"year" }} -> $135,980."""
    return money(value, unit)


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
