"""Form helpers shared by every app's pages."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.forms.utils import flatatt
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.choices import BaseChoiceIterator
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .errors import ApplicationError


def add_service_errors(form: forms.Form, error: ApplicationError) -> None:
    """Show a service's ApplicationError on the form: field errors where the field exists,
    the message as a form-wide error otherwise."""
    placed = False
    for field, problems in error.fields.items():
        if field in form.fields:
            for message in problems:
                form.add_error(field, message)
            placed = True
    if not placed or not error.fields:
        form.add_error(None, error.message)


def act_and_redirect(
    request: HttpRequest, action: Callable[[], Any], success: str, to: str, **kw: Any
) -> HttpResponse:
    """Run a button's service call (there is no form to show again) and redirect to `to`: the
    success, or the service's message and each field's problem, become messages there."""
    try:
        action()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        for problems in exc.fields.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(request, success)
    return redirect(to, **kw)


class PlainChoices(BaseChoiceIterator):
    """(value, label) pairs given to a choice field as they are.

    Django normalises a list of choices each time one is assigned, once for the field and once
    for its widget; for two country lists of two hundred that cost more than writing them
    (PlainSelect). Choices already in that shape skip it.
    """

    def __init__(self, pairs: Any) -> None:
        self.pairs = list(pairs)

    def __iter__(self) -> Any:
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)


class PlainSelect(forms.Select):
    """A `<select>` written in Python, not through a template per option.

    Django renders each option through its own template include; a country list of two hundred
    options cost more than the rest of the remittance page together (ADR 0005). Same markup as
    Django's, for single choices and option groups.
    """

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
        chosen = {str(v) for v in self.format_value(value)}

        def options(choices: Any) -> str:
            return "".join(
                f'<option value="{escape(key)}"{" selected" if str(key) in chosen else ""}>'
                f"{escape(label)}</option>"
                for key, label in choices
            )

        rendered = []
        for key, label in self.choices:
            if isinstance(label, (list, tuple)):  # an option group
                rendered.append(f'<optgroup label="{escape(key)}">{options(label)}</optgroup>')
            else:
                rendered.append(options([(key, label)]))
        options_html = "".join(rendered)
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe(options_html))  # noqa: S308 - built by format_html
