"""Descriptions are Markdown: rendered safely, and fast whatever a writer (or an attacker) types."""

import time

import pytest

from lib.markdown import MAX_DEPTH, render_markdown

# Inputs that made Python-Markdown take seconds to minutes (20,000 "[" took 38 s and held a worker), and others that
# stress nesting, emphasis and link parsing.
PATHOLOGICAL = {
    "open brackets": "[" * 20_000,
    "close brackets": "]" * 20_000,
    "nested link openers": "[](" * 6_000,
    "image openers": "![" * 10_000,
    "emphasis runs": "a*" * 10_000,
    "mixed emphasis": "*_" * 10_000,
    "nested quotes": ">" * 20_000,
    "deep list": "".join("  " * level + "- x\n" for level in range(1_000)),
    "entities": "&#" * 10_000,
    "angle brackets": "<" * 20_000,
    "unclosed links": "[a](" * 5_000,
    "references": "[a]: b\n" * 3_000 + "[a]" * 3_000,
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_markdown_cannot_hold_a_worker(name):
    """A guard against the blow-ups above (seconds to minutes), not a speed target: each renders in a few
    milliseconds on an idle machine; one second leaves room for a loaded CI runner."""
    started = time.perf_counter()
    html = render_markdown(PATHOLOGICAL[name])
    elapsed = time.perf_counter() - started
    assert elapsed < 1, f"{name}: {elapsed * 1000:.0f} ms"
    assert "<script" not in html


def test_markdown_is_rendered_and_cleaned():
    html = render_markdown(
        "We build **robots**.\n\n- Python\n- PostgreSQL\n\n# Big\n\n[site](https://acme.example) "
        "[bad](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n<script>alert('x')</script>"
    )
    assert "<strong>robots</strong>" in html and "<li>Python</li>" in html
    assert "<h3>Big</h3>" in html and "<h1>" not in html
    assert '<a href="https://acme.example" rel="nofollow noopener ugc">site</a>' in html
    assert "javascript:" not in html and "<script" not in html and "onerror" not in html and "<img" not in html


def test_text_nested_beyond_the_budget_is_shown_as_plain_text():
    html = render_markdown("> " * (MAX_DEPTH + 5) + "deep <b>")
    assert "<blockquote>" not in html and "deep &lt;b&gt;" in html
