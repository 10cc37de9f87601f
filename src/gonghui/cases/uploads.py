"""What a case attachment may be: a photo or a PDF, judged by its content (magic bytes, and for
images a decode by Pillow), never by its name, and at most 10 MB."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 10 * 1024 * 1024

# (leading bytes, MIME type, extension). WEBP is RIFF....WEBP and checked separately.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
    (b"%PDF-", "application/pdf", "pdf"),
)


@dataclass(frozen=True)
class Checked:
    upload: object
    name: str
    content_type: str
    extension: str
    size: int


def sniff(head: bytes) -> tuple[str, str] | None:
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def _decodes_as_image(upload) -> bool:
    from PIL import Image

    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
        return True
    except Exception:
        return False
    finally:
        upload.seek(0)


def check(upload) -> Checked:
    size = getattr(upload, "size", None)
    if size is None:
        raise ValidationError({"file": _("没有收到文件。")})
    if size > MAX_BYTES:
        raise ValidationError({"file": _("文件不能超过10MB。")})
    if size == 0:
        raise ValidationError({"file": _("文件是空的。")})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise ValidationError({"file": _("只能上传图片（JPG、PNG、GIF、WEBP）或PDF文件。")})
    content_type, extension = kind
    if content_type.startswith("image/") and not _decodes_as_image(upload):
        raise ValidationError({"file": _("图片文件已损坏或不是真正的图片。")})
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return Checked(
        upload=upload,
        name=name[:200] or f"file.{extension}",
        content_type=content_type,
        extension=extension,
        size=size,
    )
