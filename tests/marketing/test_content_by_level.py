"""Content by level: a library post may be kept for agents from a minimum level up."""

import pytest

from tests.api_clients import english_client
from tests.factories import AgentFactory, AgentLevelFactory, PostFactory, UserFactory
from weishang.marketing import queries, services
from weishang.marketing.models import Post

pytestmark = pytest.mark.django_db
POSTS = "/api/v1/posts/"


@pytest.fixture
def levels():
    return [AgentLevelFactory(rank=rank, name=name) for rank, name in
            ((1, "特约"), (2, "一级"), (3, "总代"))]


@pytest.fixture
def posts(levels):
    """One post for everyone and one from each level up."""
    return {"everyone": PostFactory(title="everyone"),
            **{level.name: PostFactory(title=level.name, min_level=level) for level in levels}}


def titles(seller):
    return {post.title for post in queries.library_for(seller)}


def test_an_agent_sees_posts_up_to_their_level(levels, posts):
    assert titles(AgentFactory(level=levels[0]).user) == {"everyone", "特约"}
    assert titles(AgentFactory(level=levels[1]).user) == {"everyone", "特约", "一级"}
    assert titles(AgentFactory(level=levels[2]).user) == {"everyone", "特约", "一级", "总代"}


def test_the_owner_and_staff_see_the_whole_library(owner, levels, posts):
    assert titles(owner) == {"everyone", "特约", "一级", "总代"}
    staff = UserFactory(role="staff", areas=["marketing"])
    assert titles(queries.sharing_seller(staff)) == {"everyone", "特约", "一级", "总代"}


def test_a_user_with_the_agent_role_but_no_agent_record_sees_only_open_posts(levels, posts):
    assert titles(UserFactory(role="agent")) == {"everyone"}


def test_an_upgrade_opens_the_posts_of_the_new_level_at_once(levels, posts):
    agent = AgentFactory(level=levels[0])
    agent.level = levels[2]
    agent.save()
    assert "总代" in titles(agent.user)


def test_unpublished_posts_stay_hidden_whatever_the_level(levels):
    PostFactory(title="draft", is_published=False, min_level=levels[0])
    assert titles(AgentFactory(level=levels[2]).user) == set()


def test_the_library_query_count_does_not_grow_with_posts(levels, posts,
                                                         django_assert_max_num_queries):
    seller = AgentFactory(level=levels[1]).user
    with django_assert_max_num_queries(4):
        list(queries.library_for(seller))


def test_the_post_form_sets_and_clears_the_level(owner_client, levels):
    data = {"title": "秋季上新", "body": "好物 {店铺链接}", "kind": "product", "hashtags": "",
            "min_level": levels[1].pk}
    response = owner_client.post("/console/marketing/new/", data)
    assert response.status_code == 302
    post = Post.objects.get(title="秋季上新")
    assert post.min_level == levels[1]
    page = owner_client.get(f"/console/marketing/{post.public_id}/")
    assert "一级" in page.content.decode()
    response = owner_client.post(f"/console/marketing/{post.public_id}/edit/",
                                 {**data, "min_level": ""})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.min_level is None


def test_the_post_form_refuses_an_unknown_level(owner_client, levels):
    response = owner_client.post("/console/marketing/new/", {
        "title": "x", "body": "y", "kind": "product", "hashtags": "", "min_level": 999})
    assert response.status_code == 400
    assert not Post.objects.exists()


def test_the_api_reads_and_writes_the_level(owner, levels):
    api = english_client(owner)
    response = api.post(POSTS, {"title": "t", "body": "b", "min_level": levels[2].pk},
                        format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["min_level"] == levels[2].pk
    url = f"{POSTS}{response.json()['id']}/"
    # A partial change leaves the level as it is; null opens the post to everyone.
    assert api.patch(url, {"title": "t2"}, format="json").json()["min_level"] == levels[2].pk
    assert api.patch(url, {"min_level": None}, format="json").json()["min_level"] is None
    refused = api.patch(url, {"min_level": 999}, format="json")
    assert refused.status_code == 400
    assert "min_level" in refused.json()["fields"]


def test_a_level_used_by_a_post_cannot_be_deleted(owner, levels):
    from django.db.models import ProtectedError

    services.create_post(owner, title="t", body="b", min_level=levels[0])
    with pytest.raises(ProtectedError):
        levels[0].delete()
