"""`{% site_nav %}` and `{% site_footer %}`: the parts of every page's frame that depend only on
the language (and, for the menu, on who is signed in).

For anonymous visitors each is rendered once per language and address prefix and kept in this
process: their links and words change only with the code, and writing them again (fourteen
`reverse()` calls and twenty translations) was about a millisecond of every page's render. A
signed-in user's menu has their links and a CSRF token in its sign-out form: rendered each time.
"""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

_rendered: dict[tuple[str, str, str], str] = {}
# Languages x address prefixes x two parts is a handful; the prefix comes from the server
# (SCRIPT_NAME), so a bound keeps a misconfigured proxy from growing the process without end.
KEPT = 64


def _part(context: template.Context, name: str, personal: bool) -> SafeString:
    if personal:
        return render_to_string(name, {"user": context["user"]}, request=context.get("request"))
    key = (name, get_language() or "", get_script_prefix())
    html = _rendered.get(key)
    if html is None:
        html = render_to_string(name, {"user": None})
        if len(_rendered) < KEPT:
            _rendered[key] = html
    return mark_safe(html)  # noqa: S308 - a rendered template, escaped by Django


def _signed_in(context: template.Context) -> bool:
    user: Any = context.get("user")
    return bool(user is not None and user.is_authenticated)


@register.simple_tag(takes_context=True)
def site_nav(context: template.Context) -> SafeString:
    return _part(context, "web/_nav.html", _signed_in(context))


@register.simple_tag(takes_context=True)
def site_footer(context: template.Context) -> SafeString:
    return _part(context, "web/_footer.html", False)
