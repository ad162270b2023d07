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


@register.filter
def data_key(key) -> str:
    """A data key in words: "limits_before" -> "Limits before"."""
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


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
