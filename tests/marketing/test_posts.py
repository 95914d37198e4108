"""Writing library posts: their fields, topics, products, pictures, publishing and deleting."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import PostFactory, ProductFactory, UserFactory
from tests.marketing.conftest import picture
from weishang.core.errors import Conflict, InvalidInput, NotPermitted
from weishang.marketing import queries, services
from weishang.marketing.models import Channel, PlannedPost, Post, PostImage, TrackedLink

pytestmark = pytest.mark.django_db


def new_post(owner, **changes):
    fields = {"title": "春季上新", "body": "{商品名} 只要 {价格}",
              "kind": "product", "hashtags": ["上新"], "products": []}
    fields.update(changes)
    return services.create_post(owner, **fields)


def test_a_new_post_is_a_draft_with_its_products_and_topics(owner):
    cream, mask = ProductFactory(title="面霜"), ProductFactory(title="面膜")
    post = new_post(owner, title="  春季上新 ", body="第一行\r\n第二行\r\n",
                    hashtags=["#护肤#", "好物", "好物", "  "], products=[cream, mask, cream])
    post.refresh_from_db()
    assert (post.title, post.body) == ("春季上新", "第一行\n第二行")
    assert post.hashtags == ["护肤", "好物"]
    assert not post.is_published
    assert post.author == owner
    assert set(post.products.all()) == {cream, mask}


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"title": " "}, "title", "Enter a title."),
    ({"title": "长" * 65}, "title", "This can have at most 64 characters; it has 65."),
    ({"body": ""}, "body", "Enter the text of the post."),
    ({"body": "字" * 5001}, "body", "This can have at most 5000 characters; it has 5001."),
    ({"kind": "advert"}, "kind", "Choose one of the options."),
    ({"hashtags": ["好物 分享"]}, "hashtags",
     "A topic is one word without spaces or punctuation: “好物 分享”."),
    ({"hashtags": ["话" * 21]}, "hashtags",
     f"A topic can have at most 20 characters: “{'话' * 21}”."),
    ({"hashtags": [f"话题{n}" for n in range(11)]}, "hashtags",
     "A post can have at most 10 topics."),
], ids=["blank-title", "long-title", "blank-body", "long-body", "unknown-kind", "topic-space",
        "long-topic", "many-topics"])
def test_bad_posts_are_refused_and_nothing_is_written(owner, english, changes, field, message):
    with pytest.raises(InvalidInput) as refused:
        new_post(owner, **changes)
    assert (refused.value.field, str(refused.value.message)) == (field, message)
    assert not Post.objects.exists()


def test_too_many_products(owner, english):
    products = ProductFactory.create_batch(21)
    with pytest.raises(InvalidInput, match="at most 20 products"):
        new_post(owner, products=products)


def test_topics_typed_on_one_line():
    assert services.parse_topics("#好物 护肤，美妆# ；日常、 ＃穿搭") == [
        "好物", "护肤", "美妆", "日常", "穿搭"]
    assert services.parse_topics("") == []


def test_update_changes_the_fields_and_products(owner):
    cream, mask = ProductFactory(), ProductFactory()
    post = new_post(owner, products=[cream])
    services.update_post(owner, post, title="新标题", body="新文案", kind="knowledge",
                         hashtags=["干货"], products=[mask])
    post.refresh_from_db()
    assert (post.title, post.body, post.kind, post.hashtags) == ("新标题", "新文案", "knowledge",
                                                                  ["干货"])
    assert list(post.products.all()) == [mask]


def test_a_refused_update_changes_nothing(owner, english):
    cream = ProductFactory()
    post = new_post(owner, products=[cream])
    with pytest.raises(InvalidInput):
        services.update_post(owner, post, title="", body="新文案", kind="life", products=[])
    post.refresh_from_db()
    assert (post.title, post.kind, list(post.products.all())) == ("春季上新", "product", [cream])


def test_publish_and_unpublish(owner):
    post = new_post(owner)
    services.set_published(owner, post, True)
    assert list(queries.library_for(owner)) == [post]
    services.set_published(owner, post, False)
    assert list(queries.library_for(owner)) == []
    with pytest.raises(Post.DoesNotExist):
        queries.post_for_share(post.public_id)


def test_delete_a_post_with_its_pictures(owner, with_images, django_capture_on_commit_callbacks):
    post = with_images(new_post(owner), 2)
    names = [image.image.name for image in post.images.all()]
    storage = post.images.first().image.storage
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_post(owner, post)
    assert not Post.objects.exists() and not PostImage.objects.exists()
    assert not any(storage.exists(name) for name in names)


def test_a_shared_or_planned_post_cannot_be_deleted(owner, english):
    shared, planned = new_post(owner), new_post(owner)
    qq = Channel.objects.get(code="qq")
    TrackedLink.objects.create(post=shared, channel=qq, seller=owner)
    PlannedPost.objects.create(post=planned, channel=qq, seller=owner,
                               planned_at="2026-01-01T10:00:00+08:00")
    for post in (shared, planned):
        with pytest.raises(Conflict) as refused:
            services.delete_post(owner, post)
        assert refused.value.code == "post_in_use"
    assert Post.objects.count() == 2


# -- Pictures ----------------------------------------------------------------------------------

def test_pictures_are_added_in_order_without_their_metadata(owner):
    post = new_post(owner)
    first = services.add_post_images(owner, post, [picture("a.png", color="red")])
    more = services.add_post_images(owner, post, [
        picture("b.jpg", color="blue", image_format="JPEG"), picture("c.png", color="green")])
    images = list(post.images.all())
    assert images == first + more
    assert [image.position for image in images] == [1, 2, 3]
    assert [image.extension for image in images] == ["png", "jpg", "png"]
    assert (images[0].width, images[0].height) == (60, 40)


def test_a_post_is_created_with_its_first_pictures(owner):
    post = new_post(owner, images=[picture("a.png"), picture("b.png")])
    assert post.images.count() == 2


def test_a_bad_picture_on_creation_writes_nothing(owner, english, settings):
    fake = SimpleUploadedFile("x.png", b"not a picture", content_type="image/png")
    with pytest.raises(InvalidInput, match="not a picture we accept"):
        new_post(owner, images=[picture("a.png"), fake])
    assert not Post.objects.exists()
    media = settings.MEDIA_ROOT / "posts"
    assert not media.exists() or not any(media.iterdir())


def test_at_most_18_pictures(owner, with_images, english):
    post = with_images(new_post(owner), 17)
    with pytest.raises(InvalidInput) as refused:
        services.add_post_images(owner, post, [picture("a.png"), picture("b.png")])
    assert str(refused.value.message) == "A post can have at most 18 pictures; it has 17."
    assert post.images.count() == 17
    services.add_post_images(owner, post, [picture("a.png")])
    assert post.images.count() == 18


def test_reorder_move_and_remove_pictures(owner, with_images, english,
                                          django_capture_on_commit_callbacks):
    post = with_images(new_post(owner), 3)
    first, second, third = post.images.all()
    services.reorder_post_images(owner, post, [third.public_id, first.public_id, second.public_id])
    assert list(post.images.all()) == [third, first, second]
    services.move_post_image(owner, second, -1)
    assert list(post.images.all()) == [third, second, first]
    services.move_post_image(owner, third, -1)
    assert list(post.images.all()) == [third, second, first]
    with pytest.raises(InvalidInput, match="list of pictures has changed"):
        services.reorder_post_images(owner, post, [third.public_id])
    name, storage = second.image.name, second.image.storage
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_post_image(owner, second)
    assert list(post.images.all()) == [third, first]
    assert not storage.exists(name)


def test_the_library_filters(owner):
    cream = ProductFactory()
    tagged = PostFactory(kind="product", hashtags=["护肤", "好物"])
    tagged.products.set([cream])
    life = PostFactory(kind="life", hashtags=["日常"], is_published=False)
    assert list(queries.console_posts(kind="life")) == [life]
    assert list(queries.console_posts(product=cream)) == [tagged]
    assert list(queries.console_posts(tag="#护肤")) == [tagged]
    assert list(queries.console_posts(published=False)) == [life]
    assert queries.all_topics() == ["好物", "护肤", "日常"]
    assert queries.product_share(Post.objects.all()) == 50
    assert queries.product_share(Post.objects.none()) is None


def test_the_admin_shows_posts_and_publishes_them_through_the_service(client, with_images):
    client.force_login(UserFactory(role="owner", is_staff=True, is_superuser=True))
    post = with_images(PostFactory(is_published=False), 1)
    for url in ("/admin/marketing/post/", f"/admin/marketing/post/{post.pk}/change/",
                "/admin/marketing/channel/", "/admin/marketing/marketingsettings/"):
        assert client.get(url).status_code == 200, url
    client.post("/admin/marketing/post/", {"action": "publish", "_selected_action": [post.pk]})
    post.refresh_from_db()
    assert post.is_published
    assert client.post(f"/admin/marketing/post/{post.pk}/change/",
                       {"title": "改"}).status_code == 403


def test_only_marketing_managers_write_the_library(owner, with_images):
    """The services refuse by themselves, not only the console's and the API's guards: an
    agent shares from the library, staff without marketing do not touch it."""
    post = with_images(new_post(owner), 2)
    image = post.images.first()
    writes = [
        lambda actor: services.create_post(actor, title="t", body="b"),
        lambda actor: services.update_post(actor, post, title="t", body="b", kind="life"),
        lambda actor: services.set_published(actor, post, True),
        lambda actor: services.delete_post(actor, post),
        lambda actor: services.add_post_images(actor, post, [picture()]),
        lambda actor: services.reorder_post_images(actor, post, [image.public_id]),
        lambda actor: services.move_post_image(actor, image, 1),
        lambda actor: services.remove_post_image(actor, image),
    ]
    for actor in (None, UserFactory(role="agent"), UserFactory(role="staff", areas=["catalog"])):
        for write in writes:
            with pytest.raises(NotPermitted):
                write(actor)
    post.refresh_from_db()
    assert (Post.objects.count(), post.title, post.is_published, post.images.count()) == (
        1, "春季上新", False, 2)
