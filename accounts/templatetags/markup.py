"""Markdown (the usage guidelines, accounts/guidelines/*.md) as sanitized HTML:
`{% load markup %}{{ guidelines.text|markdown }}`.

markdown-it-py renders CommonMark (raw HTML in the source is not passed through), and nh3
keeps only the tags a formatted text needs. The text's headings move so that its highest
is an <h2> (the page's own <h1> stays the only one, and no level is skipped); a leading
"# Usage guidelines, ..." title, which that <h1> repeats, is left out."""

import nh3
from django import template
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

register = template.Library()

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
ALLOWED_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "strong", "em", "code", "pre",
    "blockquote", "a", "hr", "br",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}


def markdown_html(text: str) -> str:
    tokens = _parser.parse(text or "")
    if (
        len(tokens) >= 3
        and tokens[0].type == "heading_open"
        and tokens[0].tag == "h1"
        and tokens[1].content.lower().startswith("usage guidelines")
    ):
        tokens = tokens[3:]  # the document's own title: the page's <h1> says it already
    headings = [t for t in tokens if t.type in ("heading_open", "heading_close")]
    shift = 2 - min((int(t.tag[1]) for t in headings), default=2)
    for token in headings:
        token.tag = f"h{max(2, min(6, int(token.tag[1]) + shift))}"
    html = _parser.renderer.render(tokens, _parser.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer",
    )


@register.filter(is_safe=True)
def markdown(text) -> str:
    return mark_safe(markdown_html(str(text or "")))  # noqa: S308 (sanitized by nh3)
