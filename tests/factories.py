"""factory-boy factories for the whole suite (one place, so models change in one place)."""

from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from weishang.accounts.models import AreaGrant, User
from weishang.catalog.models import Category, Product, Variant

TEST_PASSWORD = "Weishang-test-2026"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    role = "staff"
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        for area in extracted or []:
            AreaGrant.objects.create(user=self, area=area)


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"分类{n}")


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    title = factory.Sequence(lambda n: f"商品{n}")
    category = factory.SubFactory(CategoryFactory)
    is_on_shelf = True
    selling_points = "好用\n实惠"
    description = "<p>描述</p>"


class VariantFactory(DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    spec_label = factory.Sequence(lambda n: f"规格{n}")
    spec_values = factory.LazyAttribute(lambda v: {"规格": v.spec_label})
    retail_price = Decimal("99.00")
    market_price = Decimal("129.00")


class CustomerFactory(DjangoModelFactory):
    """A customer record as created by hand. Search keys (pinyin, last 4 digits) are filled by
    customers.services; build through the services when a test searches."""

    class Meta:
        model = "customers.Customer"

    seller = factory.SubFactory(UserFactory, role="owner")
    name = factory.Sequence(lambda n: f"顾客{n}")
    phone = factory.Sequence(lambda n: f"137{n:08d}")


class ChannelFactory(DjangoModelFactory):
    class Meta:
        model = "marketing.Channel"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"channel{n}")
    name = factory.Sequence(lambda n: f"渠道{n}")


class PostFactory(DjangoModelFactory):
    class Meta:
        model = "marketing.Post"

    title = factory.Sequence(lambda n: f"素材{n}")
    body = "好物推荐 {商品名} 只要 {价格}，戳 {店铺链接}"
    is_published = True


class AgentLevelFactory(DjangoModelFactory):
    class Meta:
        model = "network.AgentLevel"
        django_get_or_create = ("rank",)

    rank = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"级别{n + 1}")
    discount_percent = Decimal("30.00")


class AgentFactory(DjangoModelFactory):
    """An active agent with a login (role agent) and a shop of their own. Tests of joining go
    through network.services instead."""

    class Meta:
        model = "network.Agent"
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, role="agent")
    level = factory.SubFactory(AgentLevelFactory)
    state = "active"
    name = factory.Sequence(lambda n: f"代理{n}")
    wechat_id = factory.Sequence(lambda n: f"agent_wx_{n}")
    joined_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def shop(self, create, extracted, **kwargs):
        from weishang.accounts.models import Shop

        if create:
            Shop.objects.get_or_create(seller=self.user, defaults={"name": f"{self.name}的小店"})
