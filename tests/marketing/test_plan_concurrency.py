"""Plans made at the same moment: the seller's changes run one after the other, so simultaneous
plans never both take the last place under a cap or the product share.

Real concurrent writers need PostgreSQL (see tests/inventory/test_concurrency.py); on SQLite the
same scenarios run with the workers taking turns, as SQLite's single writer makes them do.
"""

import pytest

from tests.conftest import is_postgres
from tests.factories import UserFactory
from tests.inventory.test_concurrency import run_together
from tests.marketing.planning import entry, other_post, product_post
from weishang.marketing import services
from weishang.marketing.models import Channel, PlannedPost
from weishang.marketing.plan import services as plan

pytestmark = pytest.mark.django_db(transaction=True)
on_postgres = pytest.mark.skipif(not is_postgres(), reason="concurrent writers need PostgreSQL")
turns = pytest.mark.skipif(is_postgres(), reason="the concurrent version runs on PostgreSQL")
WORKERS = 12
CHANNELS = ["wechat_moments", "wechat_group", "wechat_oa", "qq", "qzone", "weibo", "momo",
            "xiaohongshu", "douyin"]


def plan_together(jobs, *, take_turns):
    """Run the plan attempts together; returns (saved, the codes of the refusals)."""
    refusals = []

    def attempt(job):
        def run():
            try:
                job()
            except plan.PlanRefused as refused:
                refusals.append(refused.violations[0].code)
        return run

    done, _other, errors = run_together([attempt(job) for job in jobs], take_turns=take_turns)
    assert errors == []
    return done - len(refusals), sorted(refusals)


def cap_of_five_without_spacing(owner, *, take_turns):
    services.update_channel(owner, Channel.objects.get(code="wechat_moments"),
                            min_spacing_minutes=0)
    posts = [other_post() for _ in range(WORKERS)]
    jobs = [lambda post=post, number=number: entry(owner, post, clock=f"10:{number:02d}")
            for number, post in enumerate(posts)]
    saved, refusals = plan_together(jobs, take_turns=take_turns)
    assert (saved, refusals) == (5, ["daily_cap"] * (WORKERS - 5))
    assert PlannedPost.objects.count() == 5


def one_product_post_across_channels(owner, *, take_turns):
    posts = [product_post() for _ in CHANNELS]
    jobs = [lambda post=post, code=code: entry(owner, post, code=code, clock="10:00")
            for post, code in zip(posts, CHANNELS, strict=True)]
    saved, refusals = plan_together(jobs, take_turns=take_turns)
    assert (saved, refusals) == (1, ["product_share"] * (len(CHANNELS) - 1))


def one_group_cap_each(owner, *, take_turns):
    """Two groups of 微信群 (3 a day each, 60 minutes apart): the groups do not wait on each
    other's places, each gets exactly its three."""
    jobs = [lambda number=number, group=group: entry(
        owner, other_post(), code="wechat_group", clock=f"{8 + number * 2:02d}:00",
        account=group) for group in ("老客户群", "新人群") for number in range(WORKERS // 2)]
    saved, refusals = plan_together(jobs, take_turns=take_turns)
    assert saved == 6
    assert refusals == ["daily_cap"] * (WORKERS - 6)
    assert PlannedPost.objects.filter(account="老客户群").count() == 3


@pytest.mark.postgres
@on_postgres
def test_simultaneous_plans_never_pass_the_daily_cap(owner):
    cap_of_five_without_spacing(owner, take_turns=False)


@pytest.mark.postgres
@on_postgres
def test_simultaneous_product_posts_on_every_channel_keep_the_share(owner):
    one_product_post_across_channels(owner, take_turns=False)


@pytest.mark.postgres
@on_postgres
def test_simultaneous_plans_in_two_groups_fill_each_cap(owner):
    one_group_cap_each(owner, take_turns=False)


@pytest.mark.postgres
@on_postgres
def test_sellers_do_not_block_each_other(owner):
    """Each of two sellers gets a full cap, however their plans interleave."""
    services.update_channel(owner, Channel.objects.get(code="wechat_moments"),
                            min_spacing_minutes=0)
    agent = UserFactory(role="agent")
    jobs = [lambda seller=seller, number=number: entry(seller, other_post(),
                                                       clock=f"10:{number:02d}")
            for seller in (owner, agent) for number in range(WORKERS // 2)]
    saved, _refusals = plan_together(jobs, take_turns=False)
    assert saved == 10
    assert PlannedPost.objects.filter(seller=agent).count() == 5


@turns
def test_plans_taking_turns_on_sqlite_keep_the_daily_cap(owner):
    cap_of_five_without_spacing(owner, take_turns=True)


@turns
def test_plans_taking_turns_on_sqlite_keep_the_share(owner):
    one_product_post_across_channels(owner, take_turns=True)
