from django import template

from juwe.lib.money import format_eur

register = template.Library()


@register.filter
def eur(value) -> str:
    """Format an amount as German euros: 1.234,56 €"""
    return format_eur(value)


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagination and sorting links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()
