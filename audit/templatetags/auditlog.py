"""The audit log's event data as readable key/value pairs: `{% load auditlog %}`."""

from django import template

register = template.Library()


@register.filter
def data_kind(value) -> str:
    """ "mapping", "sequence" or "scalar", so that audit/_data.html can recurse."""
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list | tuple):
        return "sequence"
    return "scalar"


def humanized(code) -> str:
    """A code in words: "limits_before" -> "Limits before", "decision.request_changes" ->
    "Decision request changes"."""
    text = " ".join(str(code).replace("_", " ").replace(".", " ").split())
    return text[:1].upper() + text[1:]


@register.filter
def data_key(key) -> str:
    return humanized(key)


@register.filter
def data_scalar(value) -> str:
    if value is None:
        return "none"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
