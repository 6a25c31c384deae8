"""The link-preview image of a role and place (`og:image`): a 1200x630 PNG with the role, the place, the
Low/Medium/High the page shows and the release they come from. Its words and figures are `preview_text(card)`, read
from the same role card as the page (`roles.card.role_card`), so the picture can never say another number.

Drawn with Pillow in the bundled DejaVu Sans (static/fonts/dejavu, Bitstream Vera licence), so it looks the same on
every machine. The view caches the PNG per data version (`lib.http.cached_page`)."""

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

from geo.models import NATIONAL
from roles.card import RoleCard

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts" / "dejavu"

# The site's colours (static/rolescope.css): ink, muted, line, accent, panel.
INK, MUTED, LINE, ACCENT, PANEL = "#1a1d21", "#4a5360", "#d9dde3", "#0b5cad", "#f5f7fa"


@dataclass(frozen=True)
class Figure3:
    label: str  # "Low", "Medium", "High"
    text: str  # "$62,350", or BLS's symbol in words as the page shows it
    published: bool  # a number (the page then adds "a year" / "an hour")


@dataclass(frozen=True)
class PreviewText:
    """Everything the image says, in reading order (also its alt text)."""

    title: str
    place: str  # the place as resolved ("Bozeman, MT"), or "United States"
    figures: tuple[Figure3, ...]
    per: str  # "a year" / "an hour"
    basis: str  # what the three figures are, and where they are from
    source: str  # "BLS OEWS May 2025"

    @property
    def alt(self) -> str:
        figures = ", ".join(f"{figure.label} {figure.text}" for figure in self.figures)
        if not self.figures:
            return f"{self.title}, {self.place}: {self.basis}"
        return f"{self.title}, {self.place}: {figures} {self.per}. {self.basis}. Source: {self.source}."


def preview_text(card: RoleCard) -> PreviewText:
    """What the preview of `card` says: its headline estimate (the local one when there is a place, as the page and
    its description quote) as Low/Medium/High, with the release cited."""
    place = card.place.label if card.place else "United States"
    summary = card.headline
    if summary is None or card.release is None:
        return PreviewText(card.role.title, place, (), "", "No published wage estimate for this occupation.", "")
    figures = tuple(
        Figure3(label, figure.text, figure.published)
        for label, figure in (("Low", summary.low), ("Medium", summary.medium), ("High", summary.high))
    )
    kind = "hourly" if summary.unit == "hour" else "annual"
    where = "the United States" if summary.estimate.area_id == NATIONAL else summary.area_name
    return PreviewText(
        title=card.role.title,
        place=place,
        figures=figures,
        per="an hour" if summary.unit == "hour" else "a year",
        basis=f"25th percentile, median and 75th percentile {kind} wage, {where}",
        source=f"BLS OEWS {card.release.name}",
    )


@lru_cache(maxsize=16)
def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    # the basic layout: no text shaping library needed for the Latin text drawn here, and the same on every machine
    return ImageFont.truetype(str(FONT_DIR / name), size, layout_engine=ImageFont.Layout.BASIC)


def fit(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: int, lines: int) -> list[str]:
    """`text` wrapped at spaces into at most `lines` lines of at most `width` pixels; the last ends in an ellipsis
    when the text is longer."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and draw.textlength(f"{line} {words[0]}", font=face) <= width:
            line = f"{line} {words.pop(0)}"
        out.append(line)
    if words or (out and draw.textlength(out[-1], font=face) > width):
        last = out[-1]
        while last and draw.textlength(f"{last}…", font=face) > width:
            last = last[:-1].rstrip()
        out[-1] = f"{last}…"
    return out


def render_png(text: PreviewText) -> bytes:
    """The 1200x630 PNG of `text`."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 12), fill=ACCENT)
    draw.text((MARGIN, 40), "rolescope", font=font(30, bold=True), fill=ACCENT)
    y = 96
    title_face = font(56, bold=True)
    for line in fit(draw, text.title, title_face, WIDTH - 2 * MARGIN, 2):
        draw.text((MARGIN, y), line, font=title_face, fill=INK)
        y += 66
    place_face = font(36)
    draw.text((MARGIN, y + 6), fit(draw, text.place, place_face, WIDTH - 2 * MARGIN, 1)[0], font=place_face, fill=MUTED)
    if text.figures:
        draw_figures(draw, text)
    small = font(24)
    draw.text((MARGIN, 540), fit(draw, text.basis, small, WIDTH - 2 * MARGIN, 1)[0], font=small, fill=MUTED)
    if text.source:
        draw.text((MARGIN, 574), f"Source: {text.source}", font=small, fill=MUTED)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()


def draw_figures(draw: ImageDraw.ImageDraw, text: PreviewText) -> None:
    """The three figures in three panels, Medium emphasised, as the page's Low/Medium/High row."""
    gap = 24
    width = (WIDTH - 2 * MARGIN - 2 * gap) // 3
    top, bottom = 300, 510
    label_face, per_face = font(28), font(26)
    for i, figure in enumerate(text.figures):
        left = MARGIN + i * (width + gap)
        medium = figure.label == "Medium"
        draw.rounded_rectangle(
            (left, top, left + width, bottom), radius=12, fill=PANEL, outline=ACCENT if medium else LINE, width=3
        )
        draw.text((left + 28, top + 24), figure.label, font=label_face, fill=MUTED)
        face, lines = value_lines(draw, figure.text, width - 56)
        for n, line in enumerate(lines):
            draw.text((left + 28, top + 72 + n * 40), line, font=face, fill=ACCENT if medium else INK)
        if figure.published:
            draw.text((left + 28, top + 146), text.per, font=per_face, fill=MUTED)


def value_lines(draw: ImageDraw.ImageDraw, value: str, width: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """A figure at the largest size that fits it on one line; "$239,200 or more" or "Not published for this area"
    smaller, on two lines when it must."""
    for size in (52, 44, 36):
        face = font(size, bold=True)
        if draw.textlength(value, font=face) <= width:
            return face, [value]
    face = font(32, bold=True)
    return face, fit(draw, value, face, width, 2)
