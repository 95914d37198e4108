"""Hidden characters are refused at every input — forms, the API, commands — with a message on
the field; spreadsheets are tested with their imports and exports."""

import importlib
import pkgutil

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation
from rest_framework import serializers

import weishang
from tests.api_clients import english_client
from weishang.__main__ import main
from weishang.accounts.models import User
from weishang.core.text import printable, text_problem, validate_text
from weishang.orders.models import Order

HIDDEN = "Remove the hidden character"
INVISIBLE = "This has only invisible characters"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(("text", "problem"), [
    ("控制\x01字符", "Remove the hidden character U+0001 (character 3): it does not show, and "
                   "breaks lists and files."),
    ("\x00", HIDDEN), ("a\x1bb", HIDDEN), ("DEL\x7f", HIDDEN), ("C1\x85", HIDDEN),
    ("13812345678\u202e", HIDDEN), ("\u2066isolate", HIDDEN),
    ("\ufffe", HIDDEN),
    ("\u200b", INVISIBLE), ("\u200b\u200c\u200d\ufeff", INVISIBLE), ("ㅤ", INVISIBLE),
    (" \u2060 ", INVISIBLE), ("\u180e", INVISIBLE),
    ("张三", ""), ("下午\n送\r\n\t到", ""), ("line\u2028separator", ""), ("", ""), ("   ", ""),
    ("👨\u200d👩\u200d👧", ""),
    ("王\u200b芳", ""), ("=HYPERLINK(\"x\")", ""),
])
def test_what_text_is_refused(text, problem):
    assert text_problem(text).startswith(problem) and bool(problem) == bool(text_problem(text))


def test_printable_leaves_out_only_the_hidden_characters():
    assert printable("控制\x01字\u202e符\x00\t\n") == "控制字符\t\n"
    assert printable("王\u200b芳") == "王\u200b芳"


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def test_every_text_field_of_every_form_and_serializer_refuses_hidden_characters():
    for module in pkgutil.walk_packages(weishang.__path__, "weishang."):
        if ".migrations" not in module.name and not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    unchecked = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in _subclasses(forms.BaseForm)
        for name, field in getattr(form, "base_fields", {}).items()
        # Their own validators (e-mail, slug, mobile) take no hidden character either.
        if isinstance(field, forms.CharField) and type(field).default_validators == [
            validate_text] and validate_text not in field.validators
    ] + [
        f"{serializer.__module__}.{serializer.__name__}.{name}"
        for serializer in _subclasses(serializers.Serializer)
        for name, field in serializer._declared_fields.items()
        if isinstance(field, serializers.CharField) and validate_text not in field.validators
    ]
    assert unchecked == []


# --- where people type -----------------------------------------------------------------------


@pytest.fixture
def cart(client, shop, stocked):
    variant = stocked(10)
    client.post(reverse("storefront:cart_add", args=[shop.code]),
                {"variant": variant.public_id, "quantity": 1,
                 "product": variant.product.public_id})
    return variant


ADDRESS = {"phone": "13812345678", "province": "广东省", "city": "深圳市", "district": "南山区",
           "street": "粤海街道科技园南区8栋", "note": "", "idempotency_key": "k1",
           "action": "place"}


@pytest.mark.parametrize(("name", "error"), [("控制\x01字符", HIDDEN), ("\u200b\u200b", INVISIBLE)])
def test_the_shop_checkout_shows_the_name_refused_on_its_field(client, shop, cart, name, error):
    response = client.post(reverse("storefront:checkout", args=[shop.code]),
                           {**ADDRESS, "name": name}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors["name"][0].startswith(error)
    assert not Order.objects.exists()


def checkout_payload(shop, variant, **recipient):
    return {"shop_code": shop.code, "lines": [{"variant": variant.public_id, "quantity": 1}],
            "recipient": {"name": "张三", "phone": "13812345678", "province": "广东省",
                          "city": "深圳市", "district": "南山区",
                          "street": "粤海街道科技园南区8栋", **recipient}}


@pytest.mark.parametrize(("recipient", "error"), [
    ({"name": "控制\x01字符"}, HIDDEN), ({"name": "\u3164"}, INVISIBLE),
    ({"street": "科技园\u202e8栋"}, HIDDEN), ({"note": "\x07"}, HIDDEN),
])
def test_the_api_checkout_refuses_hidden_characters_with_a_clear_400(shop, stocked, recipient,
                                                                     error):
    response = english_client().post("/api/v1/checkout/",
                                     checkout_payload(shop, stocked(5), **recipient),
                                     format="json")
    assert response.status_code == 400
    body = response.json()
    field = next(iter(recipient))
    assert body["code"] == "invalid"
    assert body["fields"]["recipient"][field][0].startswith(error)
    assert error in body["message"]
    assert not Order.objects.exists()


def test_tabs_and_line_breaks_are_no_hidden_characters(shop, stocked):
    response = english_client().post("/api/v1/checkout/",
                                     checkout_payload(shop, stocked(5), note="下午\r\n送到\t门口"),
                                     format="json")
    assert response.status_code == 201
    assert Order.objects.get().customer_note == "下午 送到 门口"  # one line on the order


def test_a_command_argument_with_a_hidden_character_changes_nothing(db, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["createowner", "--username", "boss", "--phone", "13800000009",
              "--password", "A-long-password-2026", "--display-name", "老板\x01", "--no-input"])
    assert stopped.value.code != 0
    assert "U+0001" in str(stopped.value.code) + capsys.readouterr().err
    assert not User.objects.exists()
