"""The channels sellers post to (Channel) with their defaults; the owner edits them afterwards.

Names are stored in Chinese: they are the owner's data (what the sellers call the channels),
not interface text. Where a platform publishes no exact figure we chose a documented value:

- 朋友圈 folds a long text after about six lines; at a 375 px phone that is about 120 Chinese
  characters, so ``fold_after`` 120. The design asks for at least two hours between posts.
- 微博 shows 140 characters and folds the rest behind "全文"; an ordinary account's long post
  takes at most 2,000. Topics are wrapped: #话题#.
- 小红书: title at most 20 characters, body at most 1,000, 18 images, topics #话题.
- 公众号: an article, title at most 64 characters, one push a day.
- 抖音: a video with one cover picture; the description shows 55 characters over the video
  before it folds, and topics are written #话题.
- 微信群, QQ and 陌陌: chat messages without a limit we need to check; group caps count per
  group (``cap_per_account``) so three groups may each get three posts.
- None of them can be posted to automatically: they are personal accounts without a public
  posting API, so sellers post from their share kit and mark the plan as posted.
"""

from django.db import migrations

DEFAULT_CHANNELS = [
    # code, name, max_images, text_limit, fold_after, title_limit, hashtags, cap, spacing,
    # cap_per_account
    ("wechat_moments", "朋友圈", 9, None, 120, None, "none", 5, 120, False),
    ("wechat_group", "微信群", 9, None, None, None, "none", 3, 60, True),
    ("wechat_oa", "公众号", 18, None, None, 64, "none", 1, 0, False),
    ("qq", "QQ", 9, None, None, None, "none", 3, 60, False),
    ("qzone", "QQ空间", 9, None, None, None, "none", 5, 60, False),
    ("weibo", "微博", 18, 2000, 140, None, "wrapped", 10, 30, False),
    ("momo", "陌陌", 6, None, None, None, "none", 5, 60, False),
    ("xiaohongshu", "小红书", 18, 1000, None, 20, "prefix", 3, 120, False),
    ("douyin", "抖音", 1, None, 55, None, "prefix", 3, 120, False),
]


def create_channels(apps, schema_editor):
    Channel = apps.get_model("marketing", "Channel")
    for position, row in enumerate(DEFAULT_CHANNELS, start=1):
        (code, name, max_images, text_limit, fold_after, title_limit, hashtag_style, daily_cap,
         min_spacing_minutes, cap_per_account) = row
        Channel.objects.get_or_create(code=code, defaults={
            "name": name, "position": position, "max_images": max_images,
            "text_limit": text_limit, "fold_after": fold_after, "title_limit": title_limit,
            "hashtag_style": hashtag_style, "daily_cap": daily_cap,
            "min_spacing_minutes": min_spacing_minutes, "cap_per_account": cap_per_account,
            "can_autopost": False,
        })


def remove_channels(apps, schema_editor):
    Channel = apps.get_model("marketing", "Channel")
    Channel.objects.filter(code__in=[row[0] for row in DEFAULT_CHANNELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("marketing", "0001_initial")]
    operations = [migrations.RunPython(create_channels, remove_channels)]
