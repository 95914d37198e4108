"""Customer records come from every order (matched by mobile number within the shop's seller)
and can be added by hand."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from tests.conftest import is_postgres
from tests.factories import AgentFactory, ChannelFactory, UserFactory
from weishang.core.errors import Conflict, InvalidInput, NotFound, NotPermitted
from weishang.customers import services
from weishang.customers.models import Customer, CustomerNote, CustomerOrder
from weishang.orders import services as orders
from weishang.orders.models import OrderChannel
from weishang.orders.services import Attribution, CartLine, Recipient

pytestmark = pytest.mark.django_db


def test_first_order_creates_the_customer_with_its_address(owner, shop, stocked, place):
    order = place(stocked(price="59.00"), quantity=2)
    customer = Customer.objects.get(phone="13812345678")
    assert customer.name == "张三"
    assert customer.seller == owner
    assert (customer.province, customer.city, customer.district) == ("广东省", "深圳市", "南山区")
    assert customer.source_channel == "shop"
    assert customer.name_pinyin == "zhangsan" and customer.name_initials == "zs"
    assert customer.phone_last4 == "5678"
    assert [str(address) for address in customer.addresses.all()] == [
        "广东省深圳市南山区粤海街道科技园南区8栋"]
    assert customer.addresses.get().is_default
    assert customer.order_links.get().order == order
    # Not paid yet: the order shows when the customer ordered, but counts no sale.
    assert customer.order_count == 0 and customer.total_spent == Decimal("0.00")
    assert customer.first_order_at == customer.last_order_at == order.created_at


def test_repeat_orders_match_by_mobile_number_and_keep_the_sellers_edits(owner, stocked, place,
                                                                       recipient):
    place(stocked())
    customer = Customer.objects.get()
    services.update_customer(owner, customer, name="张三丰", wechat_id="zsf_wx")
    moved = Recipient(name="张三", phone="+86 138-1234-5678", province="北京市", city="北京市",
                      district="朝阳区", street="建国路88号")
    place(stocked(), recipient=moved)
    customer.refresh_from_db()
    assert Customer.objects.count() == 1
    assert customer.name == "张三丰" and customer.wechat_id == "zsf_wx"
    assert customer.province == "广东省"  # the region the seller knew stays
    assert customer.addresses.count() == 2
    assert customer.order_links.count() == 2
    place(stocked(), recipient=moved)
    assert customer.addresses.count() == 2  # the same address is kept once


def test_order_stats_count_paid_orders_only(owner, stocked, place):
    paid = place(stocked(price="100.00"))
    shipped = place(stocked(price="30.50"))
    cancelled = place(stocked(price="999.00"))
    refunded = place(stocked(price="20.00"))
    orders.confirm_payment(paid, actor=owner)
    orders.ship_order(orders.confirm_payment(shipped, actor=owner), actor=owner,
                      carrier="sf", tracking_number="SF1234567890123")
    orders.cancel_order(cancelled, actor=owner)
    orders.refund_order(orders.request_refund(orders.confirm_payment(refunded, actor=owner),
                                              actor=owner), actor=owner)
    customer = Customer.objects.get()
    assert customer.order_count == 2
    assert customer.total_spent == paid.payable + shipped.payable
    assert customer.first_order_at == paid.created_at
    assert customer.last_order_at == shipped.created_at


def test_source_channel_from_tracked_link_or_chat(owner, stocked, place, recipient):
    ChannelFactory(code="weibo", name="微博")
    place(stocked(), attribution=Attribution(channel="weibo", link="abc"))
    assert Customer.objects.get().source_channel == "weibo"
    other = Recipient(name="李四", phone="13900001111", province="北京市", city="北京市",
                      district="朝阳区", street="建国路1号")
    place(stocked(), recipient=other, actor=owner, channel=OrderChannel.CHAT)
    assert Customer.objects.get(phone="13900001111").source_channel == "chat"


def test_a_customer_added_by_hand_is_found_by_the_first_order(owner, stocked, place):
    customer = services.create_customer(owner, name="张先生", phone="138 1234 5678",
                                        tags="VIP、宝妈 VIP", source_channel="chat")
    assert customer.phone == "13812345678"
    assert sorted(customer.tags.values_list("name", flat=True)) == ["VIP", "宝妈"]
    place(stocked())
    customer.refresh_from_db()
    assert Customer.objects.count() == 1
    assert customer.name == "张先生" and customer.order_links.count() == 1


@pytest.mark.parametrize("fields, field", [
    ({"name": ""}, "name"),
    ({"name": "张" * 31}, "name"),
    ({"phone": "12345"}, "phone"),
    ({"wechat_id": "has space"}, "wechat_id"),
    ({"gender": "x"}, "gender"),
    ({"birthday": "2999-01-01"}, "birthday"),
    ({"birthday": "not a date"}, "birthday"),
    ({"province": "火星"}, "province"),
    ({"province": "广东省", "city": "北京市"}, "city"),
    ({"source_channel": "nowhere"}, "source_channel"),
    ({"tags": "a" * 21}, "tags"),
    ({"name": "张三 110101199003077777"}, "name"),
], ids=lambda value: value if isinstance(value, str) else "-".join(value))
def test_bad_input_names_its_field_and_saves_nothing(owner, english, fields, field):
    with pytest.raises(InvalidInput) as refused:
        services.create_customer(owner, **{"name": "张三", **fields})
    assert refused.value.field == field
    assert not Customer.objects.exists()


def test_one_customer_per_mobile_number_in_a_sellers_list(owner, english, add_customer):
    add_customer(phone="13812345678")
    with pytest.raises(Conflict, match="A customer with this mobile number is in your list"):
        add_customer(name="李四", phone="13812345678")
    other = add_customer(name="李四", phone="13900001111")
    with pytest.raises(Conflict):
        services.update_customer(owner, other, phone="13812345678")
    other.refresh_from_db()
    assert other.phone == "13900001111"


def test_update_refreshes_the_search_keys(owner, add_customer):
    customer = add_customer(name="张三", phone="13812345678", birthday="1990-05-20")
    assert customer.birthday_md == "05-20"
    services.update_customer(owner, customer, name="单田芳", phone="13900001234",
                             birthday="", wechat_id="Dan_TF")
    customer.refresh_from_db()
    assert (customer.name_pinyin, customer.name_initials) == ("shantianfang", "stf")
    assert (customer.name_pinyin_2, customer.name_initials_2) == ("dantianfang", "dtf")
    assert customer.name_pinyin_3 == customer.name_initials_3 == ""
    assert customer.wechat_key == "dan_tf"
    assert customer.phone_last4 == "1234" and customer.birthday_md == ""


def test_notes_are_timestamped_with_their_author_and_refuse_id_numbers(owner, english,
                                                                       add_customer):
    customer = add_customer()
    note = services.add_note(owner, customer, "  喜欢蓝色，M码  ")
    assert note.text == "喜欢蓝色，M码" and note.author == owner and note.created_at
    for text in ("身份证 11010519491231002X", "110105194912310021"):
        with pytest.raises(InvalidInput, match="Do not store ID card numbers"):
            services.add_note(owner, customer, text)
    with pytest.raises(InvalidInput, match="Write the note"):
        services.add_note(owner, customer, "  ")
    # A phone number or an order number is not an ID number.
    services.add_note(owner, customer, "备用电话13812345678，单号202401011234567890")
    assert CustomerNote.objects.count() == 2


def test_addresses_by_hand_are_checked_like_a_recipient(owner, english, add_customer):
    customer = add_customer()
    first = services.add_address(owner, customer, Recipient(
        name="张三", phone="13812345678", province="北京市", city="北京市", district="朝阳区",
        street="建国路88号"))
    assert first.is_default
    with pytest.raises(Conflict):
        services.add_address(owner, customer, Recipient(
            name="张三", phone="13812345678", province="北京市", city="北京市",
            district="朝阳区", street="建国路88号"))
    with pytest.raises(InvalidInput) as refused:
        services.add_address(owner, customer, Recipient(
            name="张三", phone="13812345678", province="北京市", city="北京市", district="",
            street="建国路88号"))
    assert refused.value.field == "district"
    second = services.add_address(owner, customer, Recipient(
        name="李四", phone="13900001111", province="上海市", city="上海市", district="浦东新区",
        street="世纪大道1号"))
    services.remove_address(owner, customer, first.pk)
    second.refresh_from_db()
    assert second.is_default
    with pytest.raises(NotFound):
        services.remove_address(owner, customer, first.pk)


def test_agents_see_only_their_own_customers(owner, english, add_customer):
    from weishang.customers.queries import customers_for

    agent = UserFactory(role="agent")
    mine = add_customer(name="代理的客户", actor=agent)
    theirs = add_customer(name="店主的客户")
    assert list(customers_for(agent)) == [mine]
    assert set(customers_for(owner)) == {mine, theirs}
    with pytest.raises(NotFound):
        services.add_note(agent, theirs, "hi")
    staff = UserFactory(role="staff")
    assert not customers_for(staff).exists()
    assert set(customers_for(UserFactory(role="staff", areas=["customers"]))) == {mine, theirs}


def test_another_sellers_number_makes_a_record_of_ones_own_without_a_word(owner, english,
                                                                         add_customer):
    """Whether another seller knows the number is not this seller's to learn: no 409, no
    hint; each keeps their own record."""
    owners = add_customer(name="张三", phone="13812345678", wechat_id="zs_owner")
    agent = UserFactory(role="agent")
    agents = services.create_customer(agent, name="三哥", phone="13812345678")
    assert agents.seller == agent and agents.pk != owners.pk
    with pytest.raises(Conflict) as refused:
        services.create_customer(agent, name="又一个", phone="138 1234 5678")
    assert refused.value.code == "customer_exists"
    owners.refresh_from_db()
    assert (owners.name, owners.wechat_id, owners.seller) == ("张三", "zs_owner", owner)


def test_staff_add_customers_to_the_owners_shop(owner, english, add_customer):
    staff = UserFactory(role="staff", areas=["customers"])
    added = services.create_customer(staff, name="张三", phone="13812345678")
    assert added.seller == owner
    with pytest.raises(Conflict):
        services.create_customer(owner, name="张三", phone="13812345678")


def test_an_order_in_another_sellers_shop_makes_that_sellers_record(
        owner, stocked, place, recipient, django_capture_on_commit_callbacks):
    """The buyer's record at the owner's shop keeps only the owner's orders; the agent gets a
    record of their own with their order and the address given to them."""
    place(stocked(price="30.00"))
    agent = AgentFactory(name="乙")
    elsewhere = Recipient(name="张三丰", phone=recipient.phone, province="北京市", city="北京市",
                          district="朝阳区", street="建国路88号")
    with django_capture_on_commit_callbacks(execute=True):
        agents_order = orders.place_order(shop=agent.user.shop, recipient=elsewhere,
                                          lines=[CartLine(stocked(price="50.00").public_id, 1)])
    owners, agents = (Customer.objects.get(seller=owner),
                      Customer.objects.get(seller=agent.user))
    assert owners.phone == agents.phone == recipient.phone
    assert [link.order.shop_id for link in owners.order_links.all()] == [owner.shop.pk]
    assert [link.order for link in agents.order_links.all()] == [agents_order]
    assert [address.street for address in owners.addresses.all()] == [recipient.street]
    assert [address.street for address in agents.addresses.all()] == ["建国路88号"]
    assert (agents.name, agents.city) == ("张三丰", "北京市")


def test_an_order_costs_its_customer_few_queries(stocked, place,
                                                 django_assert_max_num_queries):
    place(stocked())
    repeat = place(stocked())
    CustomerOrder.objects.filter(order=repeat).delete()  # as if the signal had not run yet
    # Find the customer, check the address, link the order, recompute and save the stats
    # (inside a test's transaction, in a savepoint: two more).
    with django_assert_max_num_queries(5 + 2):
        services.upsert_from_order(repeat)
    with django_assert_max_num_queries(3):
        services.order_state_changed(repeat)
    assert Customer.objects.get().order_links.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not is_postgres(), reason="concurrent writers need PostgreSQL")
def test_orders_from_a_new_number_at_the_same_moment_make_one_customer(shop, recipient,
                                                                       stocked):
    variant = stocked(20)
    count = 8
    barrier = threading.Barrier(count)
    errors = []

    def checkout():
        try:
            barrier.wait(timeout=30)
            orders.place_order(shop=shop, lines=[CartLine(variant.public_id, 1)],
                               recipient=recipient)
        except BaseException as exc:  # shown in the assert below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=checkout) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert errors == []
    customer = Customer.objects.get()
    assert customer.order_links.count() == count
    assert customer.addresses.count() == 1


@pytest.mark.skipif(is_postgres(), reason="PostgreSQL's planner goes by the table's size")
def test_a_number_is_found_through_the_index_not_by_reading_every_customer(db):
    """Every order looks its customer up by number: at 200k customers a scan would show."""
    sql, params = Customer.objects.with_phones("13812345678").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "customers_phone" in plan, plan


@pytest.mark.skipif(is_postgres(), reason="PostgreSQL's planner goes by the table's size")
def test_an_orders_record_is_found_through_the_sellers_index(owner):
    sql, params = (Customer.objects.filter(seller=owner).with_phones("13812345678")
                   .query.sql_with_params())
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "customers_one_per_seller_and_phone" in plan, plan


def test_only_customer_managers_and_agents_add_customers(owner):
    """The service refuses by itself, not only the console's and the API's guards."""
    with pytest.raises(NotPermitted):
        services.create_customer(UserFactory(role="staff", areas=["catalog"]), name="张三",
                                 phone="13812345678")
    assert not Customer.objects.exists()


def test_a_new_orders_customer_is_recorded_once_the_order_commits(
        shop, recipient, stocked, django_capture_on_commit_callbacks):
    """The checkout does not wait for the customer's record while it holds the stock."""
    with django_capture_on_commit_callbacks() as after_commit:
        order = orders.place_order(shop=shop, recipient=recipient,
                                   lines=[CartLine(stocked().public_id, 1)])
        assert not Customer.objects.exists()
    for callback in after_commit:
        callback()
    assert [link.order for link in Customer.objects.get().order_links.all()] == [order]


def test_a_new_customer_costs_four_queries(shop, recipient, stocked,
                                          django_capture_on_commit_callbacks,
                                          django_assert_max_num_queries):
    """Look the number up, insert the record (statistics from its one order), its address and
    the link (inside a test's transaction, in a savepoint: two more)."""
    with django_capture_on_commit_callbacks() as after_commit:
        orders.place_order(shop=shop, recipient=recipient,
                           lines=[CartLine(stocked().public_id, 1)])
    recording = [callback for callback in after_commit
                 if getattr(callback, "func", None) is services.upsert_from_order]
    with django_assert_max_num_queries(4 + 2):
        recording[0]()
    customer = Customer.objects.get()
    assert (customer.order_count, customer.addresses.get().is_default) == (0, True)
    assert customer.last_order_at == customer.order_links.get().order.created_at


def test_recording_an_order_again_records_it_once(stocked, place):
    order = place(stocked())
    again = services.upsert_from_order(order)
    assert again == Customer.objects.get()
    assert (again.order_links.count(), again.addresses.count(), again.order_count) == (1, 1, 0)


def test_an_order_moved_before_its_customer_is_recorded_records_it_then(
        shop, owner, recipient, stocked, django_capture_on_commit_callbacks):
    """Placed and paid in one transaction (the demo, a script): the payment records the
    customer, and the recording that follows the commit finds the order recorded."""
    with django_capture_on_commit_callbacks() as after_commit:
        order = orders.place_order(shop=shop, recipient=recipient,
                                   lines=[CartLine(stocked(price="30.00").public_id, 1)])
        orders.confirm_payment(order, actor=owner)
        assert Customer.objects.get().order_count == 1
    for callback in after_commit:
        callback()
    customer = Customer.objects.get()
    assert (customer.order_links.count(), customer.order_count) == (1, 1)
    assert customer.total_spent == Decimal("30.00")
