import io
import struct
import zlib

import pytest
from PIL import Image, ImageFile

from tests.catalog.conftest import new_product, picture_bytes, upload
from weishang.catalog import services
from weishang.catalog.models import ProductImage
from weishang.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header says width x height, with a tiny (wrong) body: a decompression bomb's
    disguise. Only the header is ever read for it."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def product(db):
    return new_product()


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "GIF"])
def test_accepted_formats_are_stored_with_a_thumbnail(product, image_format):
    content = picture_bytes(image_format, size=(1200, 600))
    [image] = services.add_images(product, [upload(content, name="whatever.bin")])
    assert image.extension == {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}[
        image_format]
    assert image.image.name.endswith("." + image.extension)
    assert (image.width, image.height) == (1200, 600)
    with Image.open(image.thumbnail) as thumbnail:
        assert thumbnail.format == "JPEG"
        assert thumbnail.mode == "RGB"
        assert thumbnail.size == (400, 200)


def test_thumbnail_follows_the_exif_orientation_and_flattens_transparency(product):
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: show rotated by 90°
    sideways = picture_bytes("JPEG", size=(800, 400), exif=exif.tobytes())
    transparent = picture_bytes("PNG", size=(100, 100), color=(0, 0, 0, 0), mode="RGBA")
    upright, flat = services.add_images(product, [upload(sideways), upload(transparent)])
    with Image.open(upright.thumbnail) as thumbnail:
        assert thumbnail.size == (200, 400)
    with Image.open(flat.thumbnail) as thumbnail:
        assert thumbnail.getpixel((50, 50)) == (255, 255, 255)


def camera_exif(orientation: int = 1) -> bytes:
    """EXIF as a phone writes it: where the photo was taken, and which way up."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (22.0, 32.0, 10.0), 3: "E", 4: (113.0, 56.0, 30.0)})
    return exif.tobytes()


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_stored_originals_lose_the_gps_position(product, image_format):
    content = picture_bytes(image_format, size=(300, 200), exif=camera_exif())
    with Image.open(io.BytesIO(content)) as sent:
        assert sent.getexif().get_ifd(0x8825)  # the test photo does carry a position
    [image] = services.add_images(product, [upload(content)])
    with Image.open(image.image) as stored:
        assert not stored.getexif().get_ifd(0x8825)
        assert 0x010F not in stored.getexif()
        assert stored.size == (300, 200)


def test_a_sideways_original_is_stored_upright(product):
    sideways = picture_bytes("JPEG", size=(800, 400), exif=camera_exif(orientation=6))
    [image] = services.add_images(product, [upload(sideways)])
    assert (image.width, image.height) == (400, 800)
    with Image.open(image.image) as stored:
        assert stored.size == (400, 800)
        assert stored.getexif().get(0x0112, 1) == 1


@pytest.mark.parametrize(("content", "message"), [
    (b"%PDF-1.4 not a picture", "not a picture we accept"),
    (b"<?php echo 1; ?>", "not a picture we accept"),
    (picture_bytes("BMP"), "not a picture we accept"),
    (picture_bytes("TIFF"), "not a picture we accept"),
    (b"", "empty"),
    (picture_bytes("PNG")[:60], "damaged or incomplete"),
    (picture_bytes("JPEG", size=(300, 300))[:400], "damaged or incomplete"),
    (png_header_claiming(50_000, 50_000), "too large"),
    (png_header_claiming(8_000, 6_000), "too large"),
])
def test_bad_uploads_get_a_message_and_nothing_is_stored(product, settings, content, message):
    settings.IMAGE_MAX_PIXELS = 40_000_000
    with pytest.raises(InvalidInput, match=message) as error:
        services.add_images(product, [upload(content, name="photo.jpg",
                                             content_type="image/jpeg")])
    assert error.value.field == "image"
    assert not ProductImage.objects.exists()
    assert stored_files(settings) == []


def test_a_huge_but_tiny_file_is_refused_before_decoding(product, settings, monkeypatch):
    """A real, highly compressible image over the pixel limit: never decoded."""
    settings.IMAGE_MAX_PIXELS = 1_000_000
    output = io.BytesIO()
    Image.new("1", (2000, 1000)).save(output, "PNG", optimize=True)
    assert len(output.getvalue()) < 10_000
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("decoded a bomb"))
    with pytest.raises(InvalidInput, match="at most 1 megapixels"):
        services.add_images(product, [upload(output.getvalue())])
    assert not ProductImage.objects.exists()


def test_files_over_the_size_limit_are_refused(product, settings):
    settings.IMAGE_MAX_BYTES = 1000
    big = picture_bytes("PNG", size=(300, 300)) + b"\0" * 2000
    with pytest.raises(InvalidInput, match="too large: at most 1000"):
        services.add_images(product, [upload(big)])
    assert stored_files(settings) == []


def test_one_bad_file_among_several_stores_none(product, settings):
    with pytest.raises(InvalidInput):
        services.add_images(product, [upload(picture_bytes()), upload(b"not an image")])
    assert not ProductImage.objects.exists()
    assert stored_files(settings) == []


def test_at_most_nine_pictures(product, settings):
    services.add_images(product, [upload(picture_bytes()) for _ in range(8)])
    with pytest.raises(InvalidInput, match="at most 9 pictures"):
        services.add_images(product, [upload(picture_bytes()), upload(picture_bytes())])
    assert product.images.count() == 8
    assert len(stored_files(settings)) == 16
    services.add_image(product, upload(picture_bytes()))
    assert list(product.images.values_list("position", flat=True)) == list(range(1, 10))
