"""Helpers of the posting-plan tests: a day well ahead (so no time is in the past), times of
that day in Shanghai, posts of each kind and plan entries made through the service."""

from datetime import time, timedelta

from django.utils import timezone

from tests.factories import PostFactory, ProductFactory
from weishang.marketing.models import Channel
from weishang.marketing.plan import queries as plan_queries
from weishang.marketing.plan import services as plan

DAYS_AHEAD = 10


def plan_day(offset: int = 0):
    """A date in Shanghai ``DAYS_AHEAD`` (+ ``offset``) days from today."""
    return plan_queries.local_day(timezone.now()) + timedelta(days=DAYS_AHEAD + offset)


def at(clock: str, offset: int = 0):
    """at("10:30"): that time on the plan day, in Shanghai."""
    hours, minutes = (int(part) for part in clock.split(":"))
    return plan_queries.planned_moment(plan_day(offset), time(hours, minutes))


def product_post(*products, **fields):
    post = PostFactory(kind="product", **fields)
    post.products.set(products or [ProductFactory()])
    return post


def other_post(kind="life", **fields):
    return PostFactory(kind=kind, **fields)


def entry(seller, post, code="wechat_moments", clock="10:00", offset=0, account=""):
    """A plan entry made through the service (so the rules apply)."""
    return plan.plan_post(seller=seller, post=post, channel=Channel.objects.get(code=code),
                          account=account, planned_at=at(clock, offset))
