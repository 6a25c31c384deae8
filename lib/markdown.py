"""Markdown to safe HTML, fast on any input.

cmark-gfm (C, the CommonMark reference implementation GitHub uses; `cmarkgfm` is also what PyPI renders READMEs
with) parses in linear time and, in its default safe mode, drops raw HTML and `javascript:` links. Its output is
then cleaned with an allow-list (nh3), so no markup a writer types (script, style, event handlers, images) reaches
a reader. The cleaner's cost grows faster than linearly with nesting depth, so a text nested deeper than
MAX_DEPTH (say 20,000 `>` in a row) is shown as plain text instead: the rendering budget.

Descriptions are rendered once, when they are saved, and the HTML is stored beside the Markdown.
"""

import html
import re

import cmarkgfm
import nh3

TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "a",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}}
MAX_DEPTH = 32
_TAG = re.compile(r"<(/?)(blockquote|ul|ol|li|em|strong|a|h[1-6]|p|pre|code)\b")
_HEADINGS = {"<h1>": "<h3>", "</h1>": "</h3>", "<h2>": "<h3>", "</h2>": "</h3>"}


def _too_deep(markup: str) -> bool:
    """Whether elements nest deeper than MAX_DEPTH (stops reading as soon as they do)."""
    depth = 0
    for match in _TAG.finditer(markup):
        depth += -1 if match.group(1) else 1
        if depth > MAX_DEPTH:
            return True
    return False


def plain_html(text: str) -> str:
    """Text as HTML paragraphs, every character escaped."""
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
    return "".join(f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>" for part in paragraphs)


def render_markdown(text: str) -> str:
    """Safe HTML from Markdown. Headings 1-2 become level 3, under the page's own headings."""
    if not text.strip():
        return ""
    rendered = cmarkgfm.markdown_to_html(text)
    if _too_deep(rendered):
        return plain_html(text)
    for heading, replacement in _HEADINGS.items():
        rendered = rendered.replace(heading, replacement)
    return nh3.clean(
        rendered,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
