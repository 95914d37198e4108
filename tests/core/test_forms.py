"""submit_form: the console's form → service → message → redirect, and its refusals."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpResponse
from django.test import RequestFactory

from weishang.core.errors import Conflict, InvalidInput
from weishang.core.forms import submit_form


class NameForm(forms.Form):
    name = forms.CharField(max_length=5)


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _page_with(form):
    return HttpResponse(" ".join(str(error) for errors in form.errors.values()
                                 for error in errors))


def _submit(request, name, change):
    return submit_form(request, NameForm({"name": name}), change,
                       success_message=lambda saved: f"Saved {saved}.",
                       success_url=lambda saved: f"/things/{saved}/",
                       page_with_errors=_page_with)


def test_a_valid_form_runs_the_change_and_redirects_with_its_message():
    request = _request()
    response = submit_form(request, NameForm({"name": "tea"}), lambda data: data["name"],
                           success_message="Saved.", success_url="/done/",
                           page_with_errors=_page_with)
    assert (response.status_code, response["Location"]) == (302, "/done/")
    assert [str(message) for message in get_messages(request)] == ["Saved."]


def test_message_and_address_may_name_what_the_change_returned():
    request = _request()
    response = _submit(request, "tea", lambda data: data["name"].upper())
    assert response["Location"] == "/things/TEA/"
    assert [str(message) for message in get_messages(request)] == ["Saved TEA."]


def test_invalid_input_shows_the_page_again_with_400_without_running_the_change():
    called = []
    response = _submit(_request(), "too long", called.append)
    assert response.status_code == 400
    assert called == []


@pytest.mark.parametrize("error, on_field", [
    (InvalidInput("Taken.", field="name"), "name"),
    (Conflict("Taken."), None),
    (InvalidInput("Taken.", field="not_on_this_form"), None),
])
def test_a_service_refusal_lands_on_its_field_or_above_the_form(error, on_field):
    forms_seen = []

    def refuse(data):
        raise error

    def page(form):
        forms_seen.append(form)
        return _page_with(form)

    request = _request()
    response = submit_form(request, NameForm({"name": "tea"}), refuse, success_message="Saved.",
                           success_url="/done/", page_with_errors=page)
    assert response.status_code == 400
    assert forms_seen[0].errors == {on_field or "__all__": ["Taken."]}
    assert list(get_messages(request)) == []


def _every_form_class():
    """The form classes of every module of the project (views define some)."""
    import importlib
    import pkgutil

    import weishang

    for module in pkgutil.walk_packages(weishang.__path__, "weishang."):
        if not {"migrations", "management", "__main__", "celery"} & set(module.name.split(".")):
            importlib.import_module(module.name)
    found, pending = [], [forms.BaseForm]
    while pending:
        form_class = pending.pop()
        pending.extend(form_class.__subclasses__())
        if form_class.__module__.startswith("weishang."):
            found.append(form_class)
    return found


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_every_date_and_time_picker_shows_iso_values_whatever_the_language(language):
    """A browser's picker (type=date, time, datetime-local) shows nothing for the language's
    own format (2026/12/08 in Chinese): the value must be ISO in every language."""
    from datetime import date, datetime, time

    from django.utils import translation

    expected = {"date": (date(2026, 12, 8), "2026-12-08"), "time": (time(9, 30), "09:30"),
                "datetime-local": (datetime(2026, 12, 8, 9, 30), "2026-12-08T09:30")}
    pickers = [(form_class, name, field.widget) for form_class in _every_form_class()
               for name, field in form_class.base_fields.items()
               if getattr(field.widget, "input_type", "") in expected]
    assert len(pickers) >= 10
    with translation.override(language):
        wrong = [f"{form_class.__qualname__}.{name}: {widget.format_value(value)}"
                 for form_class, name, widget in pickers
                 for value, iso in [expected[widget.input_type]]
                 if widget.format_value(value) != iso]
    assert wrong == []
