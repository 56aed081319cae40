"""The knowledge platform's repeated lists, written in Python: `{% library_results items %}`, the
results of the practice and evaluation search, and `{% practice_cards practices %}`, the cards of
published practices (home, objective and organisation pages).

Twenty results written through the template language took ~7 ms of the practice search's
render (some 450 variable lookups, each value through localisation and escaping checks; ADR
0005); the markup is the one `knowledge/_results.html` had, every value escaped here.
"""

from collections.abc import Iterable
from html import escape

from django import template
from django.utils import dateformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from migrationhub.core.addresses import address_of
from migrationhub.core.templatetags.content import content_attrs, isolate
from migrationhub.search.faceted import Result

register = template.Library()


def _tags(label: str, numbers: Iterable[str]) -> str:
    return f'<ul class="tags" aria-label="{escape(label)}">{"".join(numbers)}</ul>'


@register.simple_tag
def library_results(items: list[Result]) -> SafeString:
    if not items:
        none = _("No practice matches. Try fewer words or remove a filter.")
        return mark_safe(f"<li>{escape(none)}</li>")  # noqa: S308 - escaped here
    # Words every result repeats, translated once per page.
    objectives, objective = _("GCM objectives"), escape(_("Objective"))
    suggested, evaluation = _("suggested"), _("Evaluation")
    last_verified, never, stale = _("Last verified"), _("never"), _("Stale")
    suggested = f' <span class="meta">({escape(suggested)})</span>'
    practice_url, evidence_url = address_of("knowledge:detail"), address_of("knowledge:evidence")
    written = []
    for item in items:
        if item.hit.kind == "evidence":
            evidence = item.object.evidence  # an EvidenceResult (knowledge.selectors)
            meta = f'<span class="badge-status">{escape(evaluation)}</span>'
            if evidence.year:
                meta += f" · {evidence.year}"
            countries = list(evidence.countries.all())[:4]
            if countries:
                meta += " · " + ", ".join(escape(str(c.label)) for c in countries)
            tags = _tags(
                objectives,
                (
                    f"<li>{objective} {number}{'' if confirmed else suggested}</li>"
                    for number, confirmed in item.object.objectives
                ),
            )
            written.append(
                f'  <li class="result-evidence">\n'
                f"    <h2 {content_attrs(evidence.language)}><a "
                f'href="{evidence_url(evidence.slug)}">{item.title_html}</a></h2>\n'
                f'    <p class="meta">{meta}</p>\n'
                f"    <p {content_attrs()}>{item.snippet_html}</p>\n"
                f"    {tags}\n  </li>\n"
            )
            continue
        practice = item.object
        verified = practice.last_verified_at
        meta = f"{escape(last_verified)} " + (
            dateformat.format(verified, "Y-m-d") if verified else escape(never)
        )
        if practice.is_stale:
            meta += f' <span class="badge-stale">{escape(stale)}</span>'
        if practice.organisation:
            meta += f" · {isolate(practice.organisation.display_name)}"
        if practice.period_start:
            meta += f" · {practice.period_start}"
            if practice.period_end and practice.period_end != practice.period_start:
                meta += f"–{practice.period_end}"
        tags = _tags(
            objectives, (f"<li>{objective} {o.number}</li>" for o in practice.objectives.all())
        )
        written.append(
            f"  <li>\n"
            f"    <h2 {content_attrs(practice.language)}><a "
            f'href="{practice_url(practice.slug)}">{item.title_html}</a></h2>\n'
            f'    <p class="meta">{meta}</p>\n'
            f"    <p {content_attrs()}>{item.snippet_html}</p>\n"
            f"    {tags}\n  </li>\n"
        )
    return mark_safe("".join(written))  # noqa: S308 - every value escaped or already HTML


@register.simple_tag
def practice_cards(practices: Iterable, empty: str = "") -> SafeString:
    """One `<li class="card">` per practice (`knowledge.selectors.practice_cards` reads what
    they show): title, owner, levels, the stale badge and the summary's first thirty words.
    `empty` is the item shown when there is no practice."""
    url = address_of("knowledge:detail")
    not_verified = _("Not verified for 24 months")
    stale = f' <span class="badge-stale">{escape(not_verified)}</span>'
    written = []
    for practice in practices:
        attrs = content_attrs(practice.language)
        meta = f"{isolate(practice.organisation.display_name)} · " if practice.organisation else ""
        meta += ", ".join(escape(str(level.label)) for level in practice.levels.all())
        summary = Truncator(practice.summary).words(30, truncate=" …")
        written.append(
            f'<li class="card">\n'
            f'  <h3 {attrs}><a href="{url(practice.slug)}">{escape(practice.title)}</a></h3>\n'
            f'  <p class="meta">{meta}\n  {stale if practice.is_stale else ""}</p>\n'
            f"  <p {attrs}>{escape(summary)}</p>\n</li>\n"
        )
    if not written and empty:
        written.append(f"<li>{escape(empty)}</li>")
    return mark_safe("".join(written))  # noqa: S308 - every value escaped or already HTML
