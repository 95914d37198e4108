"""Customers made before one record per seller: the migration gives each seller their own."""

from decimal import Decimal

import pytest

from tests.factories import AgentFactory
from tests.migrating import back_to_latest, migrate
from weishang.accounts.services import owner_shop
from weishang.customers.models import Customer
from weishang.orders import services as orders
from weishang.orders.models import Order
from weishang.orders.services import CartLine, Recipient

BEFORE = [("customers", "0004_search_keys_per_reading")]
AFTER = [("customers", "0006_one_record_per_seller_and_phone")]


def _address(apps, customer, recipient, *, is_default=False):
    apps.get_model("customers", "CustomerAddress").objects.create(
        customer=customer, recipient_name=recipient.name, phone=recipient.phone,
        province=recipient.province, city=recipient.city, district=recipient.district,
        street=recipient.street, is_default=is_default)


@pytest.mark.django_db(transaction=True)
def test_each_seller_gets_a_record_with_their_own_orders_and_addresses(owner, stocked):
    """One old record of the agent held the owner's two orders too (and the address they
    gave); after the migration the owner has a record of their own with them."""
    agent = AgentFactory(name="乙")
    at_owner = Recipient(name="张三", phone="13812345678", province="广东省", city="深圳市",
                         district="南山区", street="科技园8栋")
    at_agent = Recipient(name="三哥", phone="13812345678", province="北京市", city="北京市",
                         district="朝阳区", street="建国路88号")
    variant = stocked(price="40.00")

    def sell(shop, recipient):
        return orders.place_order(shop=shop, lines=[CartLine(variant.public_id, 1)],
                                  recipient=recipient)

    agents_order = sell(agent.user.shop, at_agent)
    owners_orders = [orders.confirm_payment(sell(owner_shop(), at_owner), actor=owner),
                     sell(owner_shop(), at_owner)]
    Customer.objects.all().delete()
    with back_to_latest():
        old = migrate(BEFORE)
        OldCustomer = old.get_model("customers", "Customer")
        record = OldCustomer.objects.create(seller_id=agent.user.pk, name="老客户三哥",
                                            phone="13812345678", name_pinyin="laokehusange")
        for order in (agents_order, *owners_orders):
            old.get_model("customers", "CustomerOrder").objects.create(customer=record,
                                                                       order_id=order.pk)
        _address(old, record, at_owner)
        _address(old, record, at_agent, is_default=True)
        old.get_model("customers", "CustomerNote").objects.create(customer=record,
                                                                  text="乙的笔记")
        migrate(AFTER)

        agents, owners = (Customer.objects.get(seller=agent.user),
                          Customer.objects.get(seller=owner))
        assert agents.pk == record.pk and agents.name == "老客户三哥"
        assert [link.order_id for link in agents.order_links.all()] == [agents_order.pk]
        assert [address.street for address in agents.addresses.all()] == ["建国路88号"]
        assert [note.text for note in agents.notes.all()] == ["乙的笔记"]
        assert sorted(link.order_id for link in owners.order_links.all()) == sorted(
            order.pk for order in owners_orders)
        assert (owners.name, owners.phone, owners.city) == ("张三", "13812345678", "深圳市")
        assert [(address.street, address.is_default) for address in owners.addresses.all()] \
            == [("科技园8栋", True)]
        assert (owners.order_count, owners.total_spent) == (1, Decimal("40.00"))
        assert (agents.order_count, agents.total_spent) == (0, Decimal("0.00"))
        assert (owners.name_pinyin, owners.name_initials) == ("zhangsan", "zs")
        assert owners.created_at == Order.objects.get(pk=owners_orders[0].pk).created_at
        assert not owners.notes.exists()
