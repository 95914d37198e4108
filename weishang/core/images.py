"""Uploaded pictures (products, library posts, receipt codes, avatars, certificates): checked by
their content, never by their name.

``check_image`` refuses anything that is not a JPEG, PNG, WebP or GIF picture, files larger than
``IMAGE_MAX_BYTES`` and pictures with more than ``IMAGE_MAX_PIXELS`` pixels. The pixel count is
read from the file header before any pixel is decoded, so a small file that would unpack to
gigabytes (a decompression bomb) is refused without being unpacked.
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from weishang.core.errors import InvalidInput

# Pillow format name -> file extension we store the original under.
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
THUMBNAIL_SIZE = (400, 400)
PILLOW_FORMATS = {extension: name for name, extension in ACCEPTED_FORMATS.items()}
THUMBNAIL_QUALITY = 85
REENCODE_QUALITY = 92
EXIF_ORIENTATION = 0x0112


@dataclass(frozen=True)
class CheckedImage:
    extension: str
    width: int
    height: int


def _not_an_image() -> InvalidInput:
    return InvalidInput(
        _("This file is not a picture we accept. Upload a JPEG, PNG, WebP or GIF image."),
        code="invalid_image", field="image",
    )


def _too_many_pixels() -> InvalidInput:
    return InvalidInput(
        _("The picture is too large: at most %(megapixels)s megapixels.")
        % {"megapixels": f"{settings.IMAGE_MAX_PIXELS / 1_000_000:g}"},
        code="image_too_large", field="image",
    )


def _damaged() -> InvalidInput:
    return InvalidInput(
        _("The picture file is damaged or incomplete. Please upload it again."),
        code="invalid_image", field="image",
    )


def check_image(upload) -> CheckedImage:
    """Make sure ``upload`` (a file object) is an acceptable picture; raise InvalidInput if not."""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if not size:
        raise InvalidInput(_("The file is empty."), code="invalid_image", field="image")
    if size > settings.IMAGE_MAX_BYTES:
        raise InvalidInput(
            _("The file is too large: at most %(size)s.")
            % {"size": filesizeformat(settings.IMAGE_MAX_BYTES)},
            code="image_too_large", field="image",
        )
    try:
        with warnings.catch_warnings():
            # Pillow only warns about a big picture below twice its own limit: make it an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            # Opening reads the header only: format and size, no pixels yet.
            with Image.open(upload, formats=list(ACCEPTED_FORMATS)) as picture:
                width, height = picture.size
                image_format = picture.format
                if width * height > settings.IMAGE_MAX_PIXELS:
                    raise _too_many_pixels()
                picture.verify()
            # verify() checks the structure; decoding finds truncated pixel data too.
            upload.seek(0)
            with Image.open(upload, formats=list(ACCEPTED_FORMATS)) as picture:
                picture.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except UnidentifiedImageError as exc:
        raise _not_an_image() from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _damaged() from exc
    finally:
        upload.seek(0)
    return CheckedImage(extension=ACCEPTED_FORMATS[image_format], width=width, height=height)


@dataclass(frozen=True)
class CleanOriginal:
    content: ContentFile | object
    width: int
    height: int


def without_metadata(upload, checked: CheckedImage) -> CleanOriginal:
    """The original, upright, without its metadata: a phone's EXIF holds the GPS position where
    the photo was taken (often the seller's home) and the camera's serial number.

    A JPEG that needs no turning keeps its compressed data as it is (``quality="keep"``); one
    that must be turned, and PNG and WebP pictures, are encoded again. GIFs (often animated) are
    kept as they came: they carry no EXIF.
    """
    upload.seek(0)
    if checked.extension == "gif":
        return CleanOriginal(upload, checked.width, checked.height)
    try:
        with Image.open(upload, formats=list(ACCEPTED_FORMATS)) as picture:
            if getattr(picture, "n_frames", 1) > 1:  # animated WebP: keep its frames
                upload.seek(0)
                return CleanOriginal(upload, checked.width, checked.height)
            options = {"icc_profile": picture.info.get("icc_profile")}
            orientation = picture.getexif().get(EXIF_ORIENTATION, 1)
            if checked.extension == "jpg" and orientation == 1:
                clean, options["quality"] = picture, "keep"
            else:
                clean = ImageOps.exif_transpose(picture)
                if checked.extension in ("jpg", "webp"):
                    options["quality"] = REENCODE_QUALITY
            output = io.BytesIO()
            clean.save(output, PILLOW_FORMATS[checked.extension], **options)
            width, height = clean.size
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as exc:
        raise _damaged() from exc
    finally:
        upload.seek(0)
    return CleanOriginal(ContentFile(output.getvalue()), width, height)


def make_thumbnail(upload) -> ContentFile:
    """A JPEG at most 400 px on each side, turned the way the camera held it, on white."""
    upload.seek(0)
    try:
        with Image.open(upload, formats=list(ACCEPTED_FORMATS)) as picture:
            picture.draft("RGB", THUMBNAIL_SIZE)  # JPEG: decode at a reduced scale, much faster
            upright = ImageOps.exif_transpose(picture)
            if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
                rgba = upright.convert("RGBA")
                flat = Image.new("RGB", rgba.size, "white")
                flat.paste(rgba, mask=rgba.getchannel("A"))
            else:
                flat = upright.convert("RGB")
            flat.thumbnail(THUMBNAIL_SIZE)
            output = io.BytesIO()
            flat.save(output, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as exc:
        raise _damaged() from exc
    finally:
        upload.seek(0)
    return ContentFile(output.getvalue())
