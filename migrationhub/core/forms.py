"""Form helpers shared by every app's pages."""

from django import forms

from .errors import ApplicationError


def add_service_errors(form: forms.Form, error: ApplicationError) -> None:
    """Show a service's ApplicationError on the form: field errors where the field exists,
    the message as a form-wide error otherwise."""
    placed = False
    for field, messages in error.fields.items():
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)
            placed = True
    if not placed or not error.fields:
        form.add_error(None, error.message)
