"""The owner's selling rules: payment codes and instructions, expiry, shipping fees."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from weishang.orders.models import RegionShippingFee, ShopSettings

URL = reverse("orders:settings")
VALID = {"payment_instructions": "转账请备注订单号", "unpaid_expiry_minutes": "45",
         "auto_complete_days": "7", "after_sales_days": "15", "shipping_fee": "8.00",
         "free_shipping_above": "99", "max_line_quantity": "5", "max_order_quantity": "12",
         "max_unpaid_orders": "2",
         "region-TOTAL_FORMS": "1", "region-INITIAL_FORMS": "0"}


def png(name="code.png") -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(output, "PNG")
    return SimpleUploadedFile(name, output.getvalue(), content_type="image/png")


def regions(*rows, delete=()):
    data = {"region-TOTAL_FORMS": str(len(rows)), "region-INITIAL_FORMS": "0"}
    for index, (province, fee, free_above) in enumerate(rows):
        data.update({f"region-{index}-province": province, f"region-{index}-shipping_fee": fee,
                     f"region-{index}-free_shipping_above": free_above})
        if index in delete:
            data[f"region-{index}-DELETE"] = "on"
    return data


def saved() -> ShopSettings:
    return ShopSettings.load()


def test_the_page_shows_the_current_settings(owner_client):
    page = owner_client.get(URL).content.decode()
    assert 'name="unpaid_expiry_minutes"' in page and 'value="30"' in page
    assert 'name="region-0-province"' in page


def test_save_settings_and_payment_codes(owner_client):
    response = owner_client.post(URL, {**VALID, "wechat_pay_code": png(),
                                       "alipay_code": png("ali.png")})
    assert response.status_code == 302
    settings = saved()
    assert settings.payment_instructions == "转账请备注订单号"
    assert (settings.unpaid_expiry_minutes, settings.auto_complete_days,
            settings.after_sales_days) == (45, 7, 15)
    assert (settings.shipping_fee, settings.free_shipping_above) == (Decimal("8.00"),
                                                                     Decimal("99.00"))
    assert (settings.max_line_quantity, settings.max_order_quantity,
            settings.max_unpaid_orders) == (5, 12, 2)
    assert settings.wechat_pay_code and settings.alipay_code
    page = owner_client.get(URL).content.decode()
    assert settings.wechat_pay_code.url in page and 'data-code="alipay"' in page


def test_a_code_stays_when_no_new_picture_is_uploaded(owner_client):
    owner_client.post(URL, {**VALID, "wechat_pay_code": png()})
    code = saved().wechat_pay_code.name
    owner_client.post(URL, VALID)
    assert saved().wechat_pay_code.name == code


def test_region_fees_are_added_and_removed(owner_client):
    response = owner_client.post(URL, {**VALID, **regions(("新疆维吾尔自治区", "20", ""),
                                                          ("西藏自治区", "25", "300"))})
    assert response.status_code == 302
    fees = {fee.province: (fee.shipping_fee, fee.free_shipping_above)
            for fee in RegionShippingFee.objects.all()}
    assert fees == {"新疆维吾尔自治区": (Decimal("20.00"), None),
                    "西藏自治区": (Decimal("25.00"), Decimal("300.00"))}
    page = owner_client.get(URL).content.decode()
    assert 'name="region-2-province"' in page  # the two saved rows and an empty one to add
    owner_client.post(URL, {**VALID, **regions(("新疆维吾尔自治区", "20", ""),
                                               ("西藏自治区", "25", "300"), delete={0})})
    assert list(RegionShippingFee.objects.values_list("province", flat=True)) == ["西藏自治区"]


@pytest.mark.parametrize("bad", [
    {"shipping_fee": "-1"},
    {"shipping_fee": "abc"},
    {"free_shipping_above": "-5"},
    {"unpaid_expiry_minutes": "4"},
    {"unpaid_expiry_minutes": ""},
    {"auto_complete_days": "0"},
    {"after_sales_days": "-1"},
    {"after_sales_days": "91"},
    {"max_line_quantity": "0"},
    {"max_line_quantity": "1000"},
    {"max_order_quantity": ""},
    {"max_unpaid_orders": "0"},
    {"wechat_pay_code": SimpleUploadedFile("code.png", b"not a picture", "image/png")},
    {"alipay_code": SimpleUploadedFile("code.png", b"", "image/png")},
    regions(("新疆维吾尔自治区", "-3", "")),
    regions(("新疆维吾尔自治区", "10", ""), ("新疆维吾尔自治区", "12", "")),
    regions(("不存在省", "10", "")),
])
def test_bad_input_writes_nothing(owner_client, bad):
    RegionShippingFee.objects.create(province="西藏自治区", shipping_fee=Decimal("25"))
    before = ShopSettings.objects.filter(pk=saved().pk).values().get()
    response = owner_client.post(URL, {**VALID, **regions(("青海省", "15", "")), **bad})
    assert response.status_code == 200
    assert response.context["form"].errors or not response.context["regions"].is_valid()
    assert ShopSettings.objects.values().get() == before
    assert list(RegionShippingFee.objects.values_list("province", flat=True)) == ["西藏自治区"]
