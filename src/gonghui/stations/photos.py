"""Station photos are public (the love map), so what an officer uploads is re-encoded before it
is stored: the camera's EXIF (GPS position, device, owner) and any embedded XMP/ICC blocks are
dropped, the EXIF orientation is applied to the pixels first so the photo still stands upright,
and files beyond a size in bytes or in pixels are refused with a field error."""

from __future__ import annotations

import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
# A 40-megapixel photo is beyond any phone camera; more is a decompression bomb or a scan.
MAX_PIXELS = 40_000_000
# Stored photos are at most this wide or tall: a map card never needs more.
MAX_EDGE = 2560
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})


def _refuse(message: str) -> ValidationError:
    return ValidationError({"image": [message]})


def clean_photo(upload) -> ContentFile:
    """The upload as a fresh JPEG (PNG when it has transparency) without metadata, or a
    ValidationError on ``image`` that says what is wrong."""
    size = getattr(upload, "size", None)
    if size is None or size > MAX_BYTES:
        raise _refuse(
            _("照片不能超过%(mb)s MB，请压缩后再上传。") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            if image.format not in ALLOWED_FORMATS:
                raise _refuse(_("只支持JPEG、PNG或WebP格式的照片。"))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _refuse(
                    _("照片像素过多（%(w)s×%(h)s），请缩小到4000万像素以内。")
                    % {"w": width, "h": height}
                )
            image.load()
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ):
        raise _refuse(_("文件不是有效的图片，请上传JPEG、PNG或WebP照片。")) from None
    image = ImageOps.exif_transpose(image)
    if max(image.size) > MAX_EDGE:
        image.thumbnail((MAX_EDGE, MAX_EDGE))
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    clean = image.convert("RGBA" if has_alpha else "RGB")
    # Pillow carries some metadata (XMP, ICC, comments) over from info on save: start empty.
    clean.info = {}
    out = io.BytesIO()
    if has_alpha:
        clean.save(out, "PNG", optimize=True)
        suffix = "png"
    else:
        clean.save(out, "JPEG", quality=85, optimize=True)
        suffix = "jpg"
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{suffix}")
