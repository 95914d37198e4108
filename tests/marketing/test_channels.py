"""The default channels and the owner's changes to them and to the marketing rules."""

import pytest

from tests.factories import UserFactory
from weishang.core.errors import InvalidInput, NotPermitted
from weishang.marketing import services
from weishang.marketing.models import Channel, MarketingSettings

pytestmark = pytest.mark.django_db


def test_the_default_channels_of_the_design(db):
    channels = {channel.code: channel for channel in Channel.objects.all()}
    assert list(channels) == ["wechat_moments", "wechat_group", "wechat_oa", "qq", "qzone",
                              "weibo", "momo", "xiaohongshu", "douyin"]
    assert [channel.name for channel in channels.values()] == [
        "朋友圈", "微信群", "公众号", "QQ", "QQ空间", "微博", "陌陌", "小红书", "抖音"]
    assert not any(channel.can_autopost for channel in channels.values())
    moments = channels["wechat_moments"]
    assert (moments.max_images, moments.fold_after, moments.daily_cap,
            moments.min_spacing_minutes) == (9, 120, 5, 120)
    weibo = channels["weibo"]
    assert (weibo.max_images, weibo.fold_after, weibo.hashtag_style, weibo.daily_cap) == (
        18, 140, "wrapped", 10)
    red = channels["xiaohongshu"]
    assert (red.max_images, red.title_limit, red.text_limit, red.hashtag_style,
            red.daily_cap) == (18, 20, 1000, "prefix", 3)
    assert channels["wechat_group"].cap_per_account and channels["wechat_group"].daily_cap == 3
    assert (channels["wechat_oa"].title_limit, channels["wechat_oa"].daily_cap) == (64, 1)
    assert channels["douyin"].max_images == 1
    assert channels["momo"].max_images == 6


def test_the_owner_changes_a_channel(owner, channel):
    weibo = services.update_channel(owner, channel("weibo"), name="新浪微博", daily_cap=4,
                                    min_spacing_minutes=90, text_limit=None, is_active=False)
    weibo.refresh_from_db()
    assert (weibo.name, weibo.daily_cap, weibo.min_spacing_minutes, weibo.text_limit,
            weibo.is_active) == ("新浪微博", 4, 90, None, False)
    assert weibo.fold_after == 140


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": "  "}, "name", "Enter a name."),
    ({"name": "长" * 31}, "name", "The name can have at most 30 characters."),
    ({"max_images": 19}, "max_images", "Enter a whole number from 1 to 18."),
    ({"max_images": 0}, "max_images", "Enter a whole number from 1 to 18."),
    ({"daily_cap": 0}, "daily_cap", "Enter a whole number from 1 to 100."),
    ({"daily_cap": "three"}, "daily_cap", "Enter a whole number from 1 to 100."),
    ({"daily_cap": True}, "daily_cap", "Enter a whole number from 1 to 100."),
    ({"min_spacing_minutes": -1}, "min_spacing_minutes", "Enter a whole number from 0 to 1440."),
    ({"title_limit": 65}, "title_limit", "Enter a whole number from 1 to 64."),
    ({"hashtag_style": "both"}, "hashtag_style", "Choose one of the options."),
    ({"fold_after": 3000}, "fold_after",
     "The text cannot fold after more characters than the channel takes."),
], ids=["blank-name", "long-name", "too-many-images", "no-images", "no-cap", "cap-word",
        "cap-bool", "negative-spacing", "long-title", "unknown-style", "fold-past-limit"])
def test_bad_channel_settings_are_refused_and_nothing_changes(owner, channel, english, changes,
                                                               field, message):
    weibo = channel("weibo")
    with pytest.raises(InvalidInput) as refused:
        services.update_channel(owner, weibo, **{"position": 99, **changes})
    assert (refused.value.field, str(refused.value.message)) == (field, message)
    assert Channel.objects.get(code="weibo").position == 6


def test_only_the_owner_changes_channels_and_rules(channel, english):
    staff = UserFactory(role="staff", areas=["marketing"])
    with pytest.raises(NotPermitted):
        services.update_channel(staff, channel("qq"), daily_cap=9)
    with pytest.raises(NotPermitted):
        services.update_marketing_settings(staff, product_share_percent=90)
    assert channel("qq").daily_cap == 3
    assert MarketingSettings.load().product_share_percent == 60


def test_autoposting_is_not_a_setting(owner, channel):
    with pytest.raises(TypeError):
        services.update_channel(owner, channel("qq"), can_autopost=True)


def test_marketing_settings_defaults_and_changes(owner, english):
    current = MarketingSettings.load()
    assert (current.rule_mode, current.product_share_percent, current.attribution_days) == (
        "refuse", 60, 7)
    services.update_marketing_settings(owner, rule_mode="warn", product_share_percent=50,
                                       attribution_days=14)
    current = MarketingSettings.load()
    assert (current.rule_mode, current.product_share_percent, current.attribution_days) == (
        "warn", 50, 14)
    assert MarketingSettings.objects.count() == 1


@pytest.mark.parametrize(("changes", "field"), [
    ({"rule_mode": "ignore"}, "rule_mode"),
    ({"product_share_percent": 101}, "product_share_percent"),
    ({"attribution_days": 0}, "attribution_days"),
    ({"attribution_days": 91}, "attribution_days"),
], ids=["mode", "share", "no-days", "too-many-days"])
def test_bad_rules_are_refused(owner, english, changes, field):
    with pytest.raises(InvalidInput) as refused:
        services.update_marketing_settings(owner, **{"attribution_days": 30, **changes})
    assert refused.value.field == field
    assert MarketingSettings.load().attribution_days == 7


# -- Pages ---------------------------------------------------------------------------------------

def test_channel_list_and_edit_page(owner_client):
    page = owner_client.get("/console/marketing/channels/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "朋友圈" in page.content.decode() and "9 pictures" in page.content.decode()
    form = owner_client.get("/console/marketing/channels/weibo/", HTTP_ACCEPT_LANGUAGE="en")
    assert form.status_code == 200
    data = {"name": "微博", "is_active": "on", "position": "6", "max_images": "18",
            "text_limit": "2000", "fold_after": "140", "title_limit": "",
            "hashtag_style": "wrapped", "daily_cap": "6", "min_spacing_minutes": "45"}
    saved = owner_client.post("/console/marketing/channels/weibo/", data)
    assert saved.status_code == 302
    weibo = Channel.objects.get(code="weibo")
    assert (weibo.daily_cap, weibo.min_spacing_minutes, weibo.cap_per_account) == (6, 45, False)
    refused = owner_client.post("/console/marketing/channels/weibo/",
                                {**data, "fold_after": "2500", "daily_cap": "7"},
                                HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert "The text cannot fold after more characters" in refused.content.decode()
    assert Channel.objects.get(code="weibo").daily_cap == 6


def test_staff_see_channels_but_cannot_edit_them(client, owner):
    client.force_login(UserFactory(role="staff", areas=["marketing"]))
    assert client.get("/console/marketing/channels/").status_code == 200
    assert client.get("/console/marketing/channels/weibo/").status_code == 403
    assert client.get("/console/marketing/settings/").status_code == 403
    client.force_login(UserFactory(role="staff", areas=["orders"]))
    assert client.get("/console/marketing/channels/").status_code == 403


def test_settings_page(owner_client):
    page = owner_client.get("/console/marketing/settings/")
    assert page.status_code == 200
    saved = owner_client.post("/console/marketing/settings/", {
        "rule_mode": "warn", "product_share_percent": "40", "attribution_days": "3"})
    assert saved.status_code == 302
    assert MarketingSettings.load().attribution_days == 3
    refused = owner_client.post("/console/marketing/settings/", {
        "rule_mode": "warn", "product_share_percent": "140", "attribution_days": "3"})
    assert refused.status_code == 400
    assert MarketingSettings.load().product_share_percent == 40
