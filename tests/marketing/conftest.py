"""Marketing fixtures: the default channels (from the data migration), posts with images."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import UserFactory
from weishang.marketing import services
from weishang.marketing.models import Channel


@pytest.fixture
def channel(db):
    """channel("weibo"): a default channel as the data migration created it."""
    return lambda code: Channel.objects.get(code=code)


def picture(name="photo.png", size=(60, 40), color="red", image_format="PNG"):
    output = io.BytesIO()
    Image.new("RGB", size, color).save(output, image_format)
    return SimpleUploadedFile(name, output.getvalue(), content_type=f"image/{image_format}")


@pytest.fixture
def with_images(db):
    """with_images(post, 3): the post with that many pictures added through the service (by a
    marketing manager)."""

    def add(post, count):
        colors = ["red", "green", "blue", "yellow", "black", "white"]
        uploads = [picture(f"p{index}.png", color=colors[index % len(colors)])
                   for index in range(count)]
        services.add_post_images(UserFactory(role="staff", areas=["marketing"]), post, uploads)
        return post

    return add
