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
