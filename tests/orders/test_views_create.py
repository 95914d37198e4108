"""代客下单: the owner or staff takes an order for a customer who ordered in chat."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import UserFactory
from weishang.inventory.models import StockLevel
from weishang.orders.models import Order, OrderChannel, OrderState

URL = reverse("orders:create")
RECIPIENT = {"name": "张三", "phone": "13812345678", "province": "广东省", "city": "深圳市",
             "district": "南山区", "street": "粤海街道科技园南区8栋", "note": "周末送"}


@pytest.fixture
def clerk(client, owner):
    user = UserFactory(role="staff", areas=["orders"])
    client.force_login(user)
    client.user = user
    return client


def post(client, variants_and_quantities, action="refresh", **fields):
    data = {"variant": [v.public_id for v, _q in variants_and_quantities],
            "quantity": [q for _v, q in variants_and_quantities], "action": action, **fields}
    return client.post(URL, data)


def test_the_empty_form_carries_a_fresh_idempotency_key(clerk):
    first = clerk.get(URL).context["form"]["idempotency_key"].value()
    second = clerk.get(URL).context["form"]["idempotency_key"].value()
    assert first and second and first != second


def test_find_lists_variants_on_sale_with_price_and_stock(clerk, stocked):
    shirt = stocked(7, price="59.00", title="纯棉T恤")
    stocked(3, title="纯棉袜子", is_on_shelf=False)
    stocked(3, title="帆布包")
    response = post(clerk, [], action="find", find="纯棉")
    assert [variant.pk for variant in response.context["results"]] == [shirt.pk]
    page = response.content.decode()
    assert "¥59.00" in page and "7" in page


def test_add_remove_and_quote_without_javascript(clerk, stocked):
    shirt, bag = stocked(10, price="50.00"), stocked(10, price="20.00")
    added = post(clerk, [(shirt, 2)], add=bag.public_id)
    quote = added.context["quote"]
    assert [(line.variant.pk, line.quantity) for line in quote.lines] == [(shirt.pk, 2),
                                                                         (bag.pk, 1)]
    assert quote.goods_total == 120
    assert f'name="variant" value="{bag.public_id}"' in added.content.decode()
    removed = post(clerk, [(shirt, 2), (bag, 1)], remove=shirt.public_id)
    assert [line.variant.pk for line in removed.context["quote"].lines] == [bag.pk]
    assert Order.objects.count() == 0


def test_the_quote_shows_stock_problems(clerk, stocked):
    shirt = stocked(2)
    response = post(clerk, [(shirt, 5)])
    assert response.context["quote"].lines[0].problem
    assert "2" in response.context["quote"].lines[0].problem


def test_smart_paste_fills_the_recipient_fields(clerk, stocked):
    response = post(clerk, [(stocked(5), 1)], action="parse",
                    paste="收件人：李四，电话：15900001111，地址：上海市浦东新区张江路88弄3号")
    form = response.context["form"]
    assert form["name"].value() == "李四"
    assert form["phone"].value() == "15900001111"
    assert form["city"].value().startswith("上海")
    assert "张江路88弄3号" in form["street"].value()
    assert Order.objects.count() == 0


def test_smart_paste_puts_a_delivery_note_in_the_customer_note_and_says_what_it_renamed(
        clerk, stocked):
    response = post(clerk, [(stocked(5), 1)], action="parse", note="要发票",
                    paste="上海市闸北区天目中路380号 张三 13812345678 放门卫")
    form = response.context["form"]
    assert (form["district"].value(), form["street"].value()) == ("静安区", "天目中路380号")
    assert form["note"].value() == "要发票；放门卫"
    assert "“闸北区”自2015年起为静安区，已按静安区填写。" in response.context["notices"]


def test_smart_paste_says_what_it_could_not_read(clerk):
    response = post(clerk, [], action="parse", paste="张三 广东省深圳市南山区科技园")
    assert response.context["notices"]
    assert response.context["form"]["name"].value() == "张三"


def test_place_an_order_taken_in_chat(clerk, stocked):
    shirt = stocked(10, price="50.00")
    response = post(clerk, [(shirt, 3)], action="place", idempotency_key="k-1", **RECIPIENT)
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:detail", args=[order.number])
    assert order.channel == OrderChannel.CHAT
    assert order.placed_by == clerk.user
    assert order.state == OrderState.PENDING_PAYMENT
    assert (order.recipient_name, order.customer_note) == ("张三", "周末送")
    assert order.goods_total == 150
    assert order.lines.get().quantity == 3
    assert StockLevel.objects.get(variant=shirt).quantity == 7
    assert order.number in str(list(get_messages(response.wsgi_request))[0])


def test_placing_twice_with_the_same_key_makes_one_order(clerk, stocked):
    shirt = stocked(10)
    for _ in range(2):
        post(clerk, [(shirt, 1)], action="place", idempotency_key="same", **RECIPIENT)
    assert Order.objects.count() == 1
    assert StockLevel.objects.get(variant=shirt).quantity == 9


def test_a_tampered_price_is_ignored(clerk, stocked):
    shirt = stocked(10, price="50.00")
    post(clerk, [(shirt, 1)], action="place", unit_price="0.01", payable="0.01", **RECIPIENT)
    assert Order.objects.get().goods_total == 50


@pytest.mark.parametrize(("lines", "fields"), [
    ([], {}),  # no items
    ([("ok", 1)], {"phone": "1234"}),
    ([("ok", 1)], {"name": ""}),
    ([("ok", 1)], {"street": ""}),
    ([("ok", 0)], {}),
    ([("ok", -2)], {}),
    ([("ok", 10**9)], {}),
    ([("ok", "two")], {}),
    ([("ok", 11)], {}),
    ([("off_shelf", 1)], {}),
    ([("nonexistent", 1)], {}),
])
def test_bad_input_is_refused_and_nothing_written(clerk, stocked, lines, fields):
    variants = {"ok": stocked(10), "off_shelf": stocked(10, is_on_shelf=False)}
    data = {"variant": [variants[name].public_id if name in variants else "x" * 12
                        for name, _q in lines],
            "quantity": [q for _n, q in lines], "action": "place", **{**RECIPIENT, **fields}}
    response = clerk.post(URL, data)
    assert response.status_code == 200
    form = response.context["form"]
    quote = response.context["quote"]
    assert form.errors or (quote and quote.problems)
    assert Order.objects.count() == 0
    assert StockLevel.objects.get(variant=variants["ok"]).quantity == 10
