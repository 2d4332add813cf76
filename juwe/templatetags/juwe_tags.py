from django import template

from juwe.lib.money import format_amount

register = template.Library()


@register.filter
def money(value, arg: str = "") -> str:
    """An amount in the active language through the one formatter (juwe.lib.money.format_amount):
    German "1.234,56 €", English "€1,234.56"; `|money:"plain"` without the € sign. Empty stays empty."""
    return format_amount(value, currency=arg != "plain")


# The older name of the same filter, used by many templates.
register.filter("eur", money)


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
