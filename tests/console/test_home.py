from django.urls import reverse

from tests.factories import UserFactory


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(reverse("console:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_owner_sees_every_section(owner_client):
    page = owner_client.get(reverse("console:home")).content.decode()
    assert reverse("catalog:product_list") in page
    assert reverse("inventory:low_stock") in page
    assert reverse("orders:list") in page


def test_staff_sees_only_the_areas_granted(client, db):
    client.force_login(UserFactory(role="staff", areas=["inventory"]))
    page = client.get(reverse("console:home")).content.decode()
    assert reverse("inventory:low_stock") in page
    assert reverse("catalog:product_list") not in page
    assert reverse("orders:list") not in page


def test_console_speaks_simplified_chinese_by_default(owner_client):
    response = owner_client.get(reverse("console:home"))
    assert response.headers["Content-Language"] == "zh-hans"


def test_home_counts_what_needs_attention(owner, owner_client, django_assert_max_num_queries):
    from tests.factories import ProductFactory, VariantFactory
    from weishang.inventory import services as stock

    plenty, low, _never_stocked = (VariantFactory() for _ in range(3))
    stock.adjust_stock(variant=plenty, delta=50, reason="restock")
    stock.set_low_stock_threshold(low, 5, actor=owner)
    stock.adjust_stock(variant=low, delta=3, reason="restock")
    ProductFactory(is_on_shelf=False)
    owner_client.get(reverse("console:home"))  # the first visit stores the default settings

    # Session, user, shop, three order counts in one, products, stock, customer care (settings,
    # follow-ups, repurchases, customers), due posts (entries, badge) and the jobs' last runs.
    with django_assert_max_num_queries(15):
        page = owner_client.get(reverse("console:home")).content.decode()

    assert 'data-stat="on-shelf">3<' in page
    assert 'data-stat="off-shelf">1<' in page
    assert 'data-stat="low-stock">2<' in page  # the low one and the sold-out one
    assert 'data-stat="sold-out">1<' in page


def test_home_shows_the_shop_link_to_share(client, db):
    from weishang.accounts import services as accounts

    owner = accounts.create_owner(username="boss", phone="13800000009", password="Weishang-2026!")
    client.force_login(owner)
    page = client.get(reverse("console:home")).content.decode()
    assert f'value="http://testserver/s/{owner.shop.code}/"' in page


def test_the_shop_link_to_share_is_on_the_sites_address(owner_client, shop, settings):
    settings.SITE_URL = "https://shop.example.com"
    page = owner_client.get(reverse("console:home")).content.decode()
    assert f'value="https://shop.example.com/s/{shop.code}/"' in page


def test_home_says_who_to_contact_today_and_which_posts_to_share(owner_client, owner):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import ChannelFactory, PostFactory
    from weishang.customers import services
    from weishang.customers.care import services as care
    from weishang.marketing.models import PlannedPost

    customer = services.create_customer(owner, name="李四", phone="13900001111")
    care.create_follow_up(owner, customer, due_on=timezone.localdate(), kind="message")
    planned = PlannedPost.objects.create(
        seller=owner, post=PostFactory(title="该发了"), channel=ChannelFactory(),
        planned_at=timezone.now() - timedelta(minutes=5))

    page = owner_client.get(reverse("console:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'data-stat="contact-today">1<' in page
    assert reverse("customers:today") in page
    assert "1 planned post to share now" in page
    assert reverse("marketing:kit", args=[planned.post.public_id, planned.channel.code]) in page
    assert 'data-badge="plan"' in page


def test_no_plan_badge_without_due_posts(owner_client):
    page = owner_client.get(reverse("console:home")).content.decode()
    assert 'data-badge="plan"' not in page and 'id="plan-reminders"' not in page


def test_the_owner_is_warned_when_background_jobs_stop(client, owner, time_machine, settings):
    from datetime import UTC, datetime, timedelta

    from weishang.core import jobs
    from weishang.core.models import JobRun

    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    time_machine.move_to(start, tick=False)
    JobRun.objects.update(created_at=start)
    settings.REDIS_URL = "redis://127.0.0.1:6379/6"  # Celery's workers run the jobs
    for name in jobs.JOBS:
        jobs.run(name)
    jobs.heartbeat("celery@worker1")
    client.force_login(owner)

    def warning():
        page = client.get(reverse("console:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        return page.split("data-jobs-late>", 1)[1].split("</p>", 1)[0] if (
            "data-jobs-late" in page) else None

    time_machine.move_to(start + timedelta(seconds=60), tick=False)
    assert warning() is None

    time_machine.move_to(start + timedelta(seconds=90), tick=False)  # three heartbeats missed
    assert warning().startswith("No background worker is running")

    settings.REDIS_URL = ""  # the jobs run in-process; the minute's job stopped
    time_machine.move_to(start + timedelta(minutes=8), tick=False)
    assert warning() == ("Background jobs are late: expire_unpaid_orders. "
                         "See /healthz?deep=1 and the log.")

    client.force_login(UserFactory(role="staff", areas=["orders", "catalog", "inventory"]))
    assert warning() is None  # the owner's business
