"""Uploads on S3-compatible storage (MEDIA_STORAGE=s3), against moto's S3 server on this
machine: what the console and the API store lands in the bucket and is served from there."""

import io
import json
import subprocess
import sys
import urllib.request
import uuid

import boto3
import pytest
from django.core.files.storage import default_storage
from PIL import Image

from tests.api_clients import english_client
from tests.catalog.conftest import new_product, picture_bytes, upload
from tests.test_cli import STUCK_SECONDS, environment, free_port
from weishang import settings as project_settings
from weishang.catalog.models import ProductImage
from weishang.core.files import drawn_once

pytestmark = pytest.mark.django_db

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_S3_REGION_NAME": "us-east-1"}


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, monkeypatch):
    """A new bucket, made the default storage the way MEDIA_STORAGE=s3 makes it."""
    name = f"weishang-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_server, aws_access_key_id="testing",
                          aws_secret_access_key="testing", region_name="us-east-1")
    client.create_bucket(Bucket=name)
    # Anyone may read, as anyone may read /media/ on a local disk (README, MEDIA_STORAGE).
    client.put_bucket_policy(Bucket=name, Policy=json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{name}/*"}]}))
    for variable, value in {**CREDENTIALS, "AWS_STORAGE_BUCKET_NAME": name,
                            "AWS_S3_ENDPOINT_URL": s3_server}.items():
        monkeypatch.setenv(variable, value)
    settings.STORAGES = {**settings.STORAGES, "default": project_settings.media_storage("s3")}

    def keys() -> list[str]:
        return sorted(item["Key"] for item in client.list_objects_v2(Bucket=name)
                      .get("Contents", []))

    return keys


def download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=STUCK_SECONDS) as response:
        return response.read()


def test_a_product_picture_uploaded_through_the_api_is_served_from_the_bucket(
        bucket, catalog_staff, django_capture_on_commit_callbacks):
    api = english_client(catalog_staff)
    product = new_product()
    content = picture_bytes("PNG", size=(800, 600))
    response = api.post(f"/api/v1/products/{product.public_id}/images/",
                        {"image": upload(content)}, format="multipart")
    assert response.status_code == 201, response.json()
    stored = ProductImage.objects.get()
    assert bucket() == sorted([stored.image.name, stored.thumbnail.name])
    [image] = response.json()["images"]
    assert image["url"].startswith(default_storage.endpoint_url)  # not this server's address
    assert Image.open(io.BytesIO(download(image["url"]))).size == (800, 600)
    assert Image.open(io.BytesIO(download(image["thumbnail_url"]))).size == (400, 300)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(
            f"/api/v1/products/{product.public_id}/images/{stored.public_id}/")
    assert response.status_code == 204
    assert bucket() == []  # removed from the bucket once the removal is committed


def test_drawn_pictures_are_kept_once_and_their_old_versions_removed(bucket):
    """Posters and certificates: the same drawing is stored once, a changed one replaces it."""
    drawings = []

    def draw(colour):
        return lambda: drawings.append(colour) or picture_bytes("PNG", color=colour)

    assert drawn_once("posters/kit", "aaaa.png", draw("red")) == "posters/kit/aaaa.png"
    assert drawn_once("posters/kit", "aaaa.png", draw("red")) == "posters/kit/aaaa.png"
    assert drawings == ["red"]
    drawn_once("posters/kit", "bbbb.png", draw("blue"))
    assert bucket() == ["posters/kit/bbbb.png"]
    assert Image.open(io.BytesIO(download(default_storage.url("posters/kit/bbbb.png")))).size


def settings_error(tmp_path, **env) -> str:
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**environment(tmp_path), "DJANGO_SETTINGS_MODULE": "weishang.settings", **env},
        capture_output=True, text=True, timeout=STUCK_SECONDS)
    assert result.returncode == 1
    return result.stderr.strip().splitlines()[-1]


def test_s3_is_refused_without_a_bucket_or_for_an_unknown_storage(tmp_path):
    assert settings_error(tmp_path, MEDIA_STORAGE="s3").endswith(
        "MEDIA_STORAGE=s3 needs the bucket: set AWS_STORAGE_BUCKET_NAME.")
    assert "give local or s3" in settings_error(tmp_path, MEDIA_STORAGE="ftp")
