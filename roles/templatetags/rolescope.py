"""Formatting of published figures: BLS symbols are shown as BLS means them, never as numbers."""

import math
from decimal import Decimal
from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat, pluralize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

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


@register.filter
def thousands(value: Decimal | None) -> str:
    """BLS Employment Projections publish thousands: 3391.0 -> "3,391,000"."""
    if value is None:
        return "Not available"
    return intcomma(int((Decimal(value) * 1000).to_integral_value()))


@register.filter
def signed_money(value: Decimal | None, unit: str) -> str:
    """A difference in pay: +$12,340 a year's worth, −$1.25 an hour's."""
    if value is None:
        return "Not available"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{money(abs(value), unit)}"


@register.simple_tag
def at_us_prices(level: Any, figure: Figure, unit: str) -> str:
    """{% at_us_prices price_level summary.low summary.unit %}: the pay at U.S.-average prices (geo.prices.PriceLevel),
    as money in the unit published."""
    if level is None or figure.value is None:
        return "Not available"
    return money(level.at_us_prices(figure.value, unit), unit)


_CHART_KEYS = ("p10", "p25", "median", "p75", "p90")


def _distribution(summary: Any, prefix: str) -> dict[str, Decimal] | None:
    values = {key: summary.figure(f"{prefix}_{key}").value for key in _CHART_KEYS}
    return None if any(v is None for v in values.values()) else {k: Decimal(v) for k, v in values.items()}


@register.inclusion_tag("roles/_wage_chart.html")
def wage_chart(national: Any, local: Any = None) -> dict[str, Any]:
    """The wage distribution (10th-90th percentile line, 25th-75th box, median) of the national estimate and, with
    a place, the local one beside it on one scale: in the unit both publish, only where every percentile is a number
    (a top-coded "#" percentile leaves the chart out; the tables say why)."""
    summaries = [s for s in (national, local) if s is not None]
    prefix = "annual" if all(s.unit == "year" for s in summaries) else "hourly"
    rows = [(s, _distribution(s, prefix)) for s in summaries]
    if not rows or any(values is None for _, values in rows):
        return {"rows": []}
    low = min(values["p10"] for _, values in rows if values)
    high = max(values["p90"] for _, values in rows if values)
    span = (high - low) or Decimal(1)
    unit = "year" if prefix == "annual" else "hour"

    def x(value: Decimal) -> float:
        return round(float(110 + (value - low) * 260 / span), 1)

    drawn = []
    for index, (summary, values) in enumerate(rows):
        assert values is not None
        drawn.append(
            {
                "name": summary.area_name,
                "y": 20 + index * 40,
                "x": {key: x(value) for key, value in values.items()},
                "text": {key: money(value, unit) for key, value in values.items()},
            }
        )
    return {
        "rows": drawn,
        "unit": unit,
        "height": 30 + 40 * len(drawn),
        "low": money(low, unit),
        "high": money(high, unit),
    }


@register.inclusion_tag("roles/_history_chart.html")
def history_chart(history: list[Any], unit: str = "year") -> dict[str, Any]:
    """National median by release as bars (from zero, so differences are not exaggerated), where each is a number."""
    points = [(p.release, p.annual if unit == "year" else p.hourly) for p in history]
    if len(points) < 2 or any(figure.value is None for _, figure in points):
        return {"bars": []}
    top = max(Decimal(figure.value) for _, figure in points) or Decimal(1)
    bars = [
        {
            "release": release,
            "x": 10 + i * 90,
            "height": round(float(Decimal(figure.value) * 100 / top), 1),
            "text": money(figure.value, unit),
        }
        for i, (release, figure) in enumerate(points)
    ]
    for bar in bars:
        bar["y"] = round(120 - bar["height"], 1)
    return {"bars": bars, "width": 20 + 90 * len(bars)}


@register.inclusion_tag("roles/_education_chart.html")
def education_chart(education: list[Any]) -> dict[str, Any]:
    """O*NET's education shares as horizontal bars (0-100%), each labelled with the level's short name."""
    rows = [
        {
            "label": share.description.split(" - ")[0].split(" (")[0],
            "y": 6 + index * 24,
            "width": round(float(share.percent) * 2.4, 1),
            "text_x": round(264 + float(share.percent) * 2.4, 1),
            "percent": share.percent,
        }
        for index, share in enumerate(education)
    ]
    return {"rows": rows, "height": 12 + 24 * len(rows)}


@register.inclusion_tag("roles/_outlook_chart.html")
def outlook_chart(outlook: Any, title: str) -> dict[str, Any]:
    """The projected percent change of the occupation beside the all-occupations one, as bars from a zero line."""
    if outlook is None or outlook.all_change_percent is None:
        return {"rows": []}
    values = [(title, outlook.change_percent), ("All occupations", outlook.all_change_percent)]
    largest = max(abs(value) for _, value in values) or Decimal(1)
    zero = 400.0 if any(value < 0 for _, value in values) else 230.0  # room left of the zero line for a decline
    rows = []
    for index, (name, value) in enumerate(values):
        length = round(float(abs(value) * 150 / largest), 1)
        start = zero if value >= 0 else zero - length
        rows.append(
            {
                "name": name,
                "y": 8 + index * 28,
                "x": start,
                "width": length,
                "text": signed_percent(value),
                "text_x": round(start + length + 4 if value >= 0 else start - 4, 1),
                "anchor": "start" if value >= 0 else "end",
            }
        )
    return {"rows": rows, "period": outlook.period, "zero": zero, "width": zero + 210}


@register.simple_tag
def programme_rows(found: Any) -> SafeString:
    """The rows of the "Programmes near you" table: a group of rows an institution (its name, city and distance
    span them), a row each of its programmes. Built here, not in a template loop: a page lists up to ten
    institutions with several programmes each, and the loop was a fifth of a role page's rendering."""
    rows = []
    for school in found.schools:
        span = len(school.programmes)
        name = (
            format_html('<a href="{}" rel="noopener nofollow">{}</a>', school.url, school.name)
            if school.url
            else school.name
        )
        distance = (
            format_html('<td rowspan="{}">{} mi</td>', span, intcomma(floatformat(school.distance_miles, 0)))
            if school.distance_miles is not None
            else ""
        )
        for number, programme in enumerate(school.programmes):
            head = (
                format_html(
                    '<th scope="rowgroup" rowspan="{}">{}</th>\n      <td rowspan="{}">{}, {}</td>{}',
                    span,
                    name,
                    span,
                    school.city,
                    school.state,
                    distance,
                )
                if number == 0
                else ""
            )
            others = programme.other_occupations
            tag = (
                format_html(
                    ' <span class="tag" title="The CIP-SOC crosswalk links this programme to {} other occupation{}">'
                    "also prepares for {} other occupation{}</span>",
                    others,
                    pluralize(others),
                    others,
                    pluralize(others),
                )
                if others
                else ""
            )
            rows.append(
                format_html(
                    '<tr>\n      {}\n      <td>{} <span class="note">(CIP {})</span>{}</td>\n'
                    "      <td>{}</td><td>{}</td>\n    </tr>",
                    head,
                    programme.title,
                    programme.code,
                    tag,
                    programme.award_level,
                    intcomma(programme.completions),
                )
            )
    return mark_safe("".join(rows))  # noqa: S308 (every part is format_html's, escaped)
