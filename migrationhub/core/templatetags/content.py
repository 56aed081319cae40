"""What users wrote, in its own language: `lang` and `dir` that are the content's, not the page's.

A practice written in English keeps its punctuation at the right end on an Arabic page only if
its element says so. Every template that shows user content goes through these two:

- `<h2 {% content_attrs practice.language %}>` gives `lang="en" dir="ltr"` (block content);
  with no known language (organisation names and descriptions, search snippets) it gives
  `dir="auto"`, so that the browser isolates the text and takes its direction from the text.
- `{{ organisation.display_name|isolate }}` or `{{ practice.title|isolate:practice.language }}`
  wraps inline content inside a sentence or a meta line in `<bdi>`.

`language` is a `taxonomy.Language` row (its `rtl` decides, as `data/reference/languages.csv`
says) or a language code, whose direction is Django's (`settings.LANGUAGES_BIDI`, the list that
also sets the page's own `dir`). Pass the row only where the query already selected it.
"""

from typing import Any

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


def content_language(language: Any) -> tuple[str, str]:
    """(code, "ltr" | "rtl") of a Language row or a code; ("", "auto") when it is not known."""
    if language is None:
        return "", "auto"
    code = str(getattr(language, "code", language) or "").strip()
    if not code:
        return "", "auto"
    rtl = getattr(language, "rtl", None)
    if rtl is None:
        bidi = {c.lower() for c in settings.LANGUAGES_BIDI}
        rtl = code.lower() in bidi or code.split("-")[0].lower() in bidi
    return code, "rtl" if rtl else "ltr"


@register.simple_tag
def content_attrs(language: Any = None) -> SafeString:
    """`lang="…" dir="…"` for block content in `language`; `dir="auto"` when unknown."""
    code, direction = content_language(language)
    if not code:
        return format_html('dir="{}"', direction)
    return format_html('lang="{}" dir="{}"', code, direction)


@register.filter
def isolate(value: Any, language: Any = None) -> SafeString:
    """`value` in a `<bdi>`: inline content isolated from the sentence around it."""
    code, direction = content_language(language)
    if not code:
        return format_html("<bdi>{}</bdi>", value)
    return format_html('<bdi lang="{}" dir="{}">{}</bdi>', code, direction, value)
