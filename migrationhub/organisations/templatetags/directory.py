"""The directory's repeated markup, written in Python: `{% verification_badge organisation %}`
(wherever an organisation is named with its standing) and `{% expertise_items organisations %}`
(the organisations with expertise on an objective's page).

An objective's page lists every organisation with expertise in it, a template include of the
badge for each: written through the template language they took most of that page's render
(ADR 0005). The markup is the one the templates had, every value escaped here.
"""

from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from migrationhub.core.addresses import address_of

register = template.Library()


def badge(organisation: Any) -> str:
    if organisation.is_verified:
        verified = _("Verified")
        return f'<span class="badge-verified">{escape(verified)}</span>'
    unverified = _("Unverified")
    unverified = f'<span class="badge-unverified">{escape(unverified)}</span>'
    if not organisation.claims_public_body:
        return unverified
    claim = _("Claims to be a public body (%(type)s) — not yet verified") % {
        "type": organisation.stakeholder_type.label
    }
    return f'{unverified} <span class="claim">{escape(claim)}</span>'


@register.simple_tag
def verification_badge(organisation: Any) -> SafeString:
    """Verified; unverified; or unverified and claiming to be a public body, which it says."""
    return mark_safe(badge(organisation))  # noqa: S308 - every value escaped


@register.simple_tag
def expertise_items(organisations: Iterable[Any], empty: str = "") -> SafeString:
    """One `<li>` per organisation: its name linked, its type unless it claims to be a public
    body, and its badge unless verified; `empty` when there is none."""
    url = address_of("organisations:detail")
    written = []
    for org in organisations:
        item = f'<li><a href="{url(org.slug)}" dir="auto">{escape(org.display_name)}</a>'
        if not org.claims_public_body:
            item += f" — {escape(str(org.stakeholder_type.label))}"
        if not org.is_verified:
            item += f" · {badge(org)}"
        written.append(item + "</li>")
    if not written and empty:
        written.append(f"<li>{escape(empty)}</li>")
    return mark_safe("".join(written))  # noqa: S308 - every value escaped
