"""Descriptions are Markdown; they are rendered, then cleaned with an allow-list, so no markup a poster
writes (script, style, event handlers, javascript: links, images) reaches a reader."""

import markdown as markdown_lib
import nh3

TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "a",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}}
MAX_LENGTH = 20_000


def render_markdown(text: str) -> str:
    """Safe HTML from Markdown. Headings 1-2 become level 3, under the page's own headings."""
    html = markdown_lib.markdown(text[:MAX_LENGTH], extensions=["sane_lists"], output_format="html")
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>").replace("<h2>", "<h3>").replace("</h2>", "</h3>")
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
