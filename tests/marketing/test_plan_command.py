"""weishang postplan: the plan from the command line, under the same rules as the console."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.marketing.planning import at, entry, other_post, plan_day
from weishang.marketing import services
from weishang.marketing.models import PlannedPost

pytestmark = pytest.mark.usefixtures("english", "shop")


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("postplan", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_add_plans_a_post_and_lists_it(owner):
    post = other_post(title="早安问候")
    out, err = run("--add", post.public_id, "--channel", "weibo", "--at",
                   f"{plan_day().isoformat()} 09:30")
    assert out == f"{plan_day().isoformat()} 09:30\tweibo\t{post.public_id}\t早安问候\n"
    assert err == ""
    assert PlannedPost.objects.get().seller == owner
    listed, _ = run("--days", "30")
    assert listed == out


def test_a_plan_that_breaks_a_rule_is_refused_with_the_reasons(owner):
    entry(owner, other_post(), clock="10:00")
    with pytest.raises(CommandError) as caught:
        run("--add", other_post().public_id, "--channel", "wechat_moments", "--at",
            f"{plan_day().isoformat()} 11:00")
    assert str(caught.value) == ("Not planned:\n- At least 120 minutes between posts on "
                                 "朋友圈: the nearest is at 10:00.")
    assert PlannedPost.objects.count() == 1


@pytest.mark.parametrize("mode", ["refuse", "warn"])
def test_check_says_what_it_would_break_fails_then_and_saves_nothing(owner, mode):
    """A script runs `--check` to decide whether to plan: a broken rule is a failure (exit
    status 1), whether the owner's rules refuse or only warn."""
    services.update_marketing_settings(owner, rule_mode=mode)
    entry(owner, other_post(), clock="10:00")
    with pytest.raises(CommandError) as caught:
        run("--add", other_post().public_id, "--channel", "wechat_moments", "--at",
            f"{plan_day().isoformat()} 11:00", "--check")
    assert caught.value.returncode == 1
    assert str(caught.value) == ("Breaks the posting rules:\n- At least 120 minutes between "
                                 "posts on 朋友圈: the nearest is at 10:00.")
    out, _ = run("--add", other_post().public_id, "--channel", "wechat_moments", "--at",
                 f"{plan_day().isoformat()} 14:00", "--check")
    assert out == "Within every posting rule.\n"
    assert PlannedPost.objects.count() == 1


def test_the_command_speaks_the_consoles_language(owner):
    with translation.override("zh-hans"), pytest.raises(CommandError) as caught:
        run("--add", other_post().public_id, "--channel", "weibo", "--at", "tomorrow")
    assert str(caught.value) == "--at 需要北京时间的日期和时间，例如 2026-11-26 10:30。"


@pytest.mark.parametrize(("args", "message"), [
    (["--add", "nope", "--channel", "weibo", "--at", "2030-01-01 10:00"], "No published post"),
    (["--add", "POST", "--channel", "myspace", "--at", "2030-01-01 10:00"], "No channel"),
    (["--add", "POST", "--channel", "weibo", "--at", "tomorrow"], "--at takes"),
    (["--add", "POST", "--channel", "weibo", "--at", "2020-01-01 10:00"],
     "Choose a time from now on."),
    (["--days", "0"], "--days must be"),
], ids=["post", "channel", "time", "past", "days"])
def test_bad_input_says_why(owner, args, message):
    post = other_post()
    with pytest.raises(CommandError, match=message):
        run(*[post.public_id if arg == "POST" else arg for arg in args])
    assert not PlannedPost.objects.exists()


def test_due_lists_what_waits(owner):
    due = PlannedPost.objects.create(seller=owner, post=other_post(title="该发了"), channel_id=1,
                                     planned_at=at("08:00", offset=-20))
    entry(owner, other_post(), clock="08:00")
    out, _ = run("--due")
    assert out.count("\n") == 1 and due.post.public_id in out
