"""The console's forms: the base every console form extends (``ConsoleForm``), the browser's
date and time pickers, picture uploads, and how a console page handles a submitted form — the
form checks what was typed, a service makes the change, and a refusal of either is shown next
to the field it concerns. The markup is the ``weishang/_field.html`` partial."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from .errors import DomainError


class ConsoleForm(forms.Form):
    """Labels stand above their fields on the phone: no colon after them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class DateInput(forms.DateInput):
    """The browser's date picker. It reads and writes ISO dates (2026-12-08) whatever the page's
    language: the language's own format (2026/12/08 in Chinese) shows as an empty field."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    """The browser's time picker, in hours and minutes (ISO, as it requires)."""

    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's error next to its field when the form has it, else above the form."""
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def submit_form(request, form: forms.Form, change: Callable[[dict], Any], *,
                success_message, success_url, page_with_errors: Callable[[forms.Form], HttpResponse]
                ) -> HttpResponse:
    """Form → service → message → redirect.

    When ``form`` is valid, ``change(form.cleaned_data)`` makes the change through a service.
    Then ``success_message`` is shown and the browser goes to ``success_url`` (anything
    ``redirect`` takes); either may instead be a function of what ``change`` returned, for a
    message or address naming the saved object. Invalid input or a service's ``DomainError``
    shows ``page_with_errors(form)`` again, answered with 400, with the error on its field.
    """
    if form.is_valid():
        try:
            changed = change(form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _of(success_message, changed))
            return redirect(_of(success_url, changed))
    response = page_with_errors(form)
    response.status_code = 400
    return response


def _of(value_or_function, changed):
    return value_or_function(changed) if callable(value_or_function) else value_or_function


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; each is checked by the services (content, size, pixels)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = list(data) if isinstance(data, list | tuple) else [data]
        files = files or [None]  # nothing chosen: let the field say it is required
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


class ImageUploadForm(ConsoleForm):
    images = MultipleFileField(label=_("Add pictures"))
