"""Serving the one public media folder (station photos) safely, in production as in
development: only image files under ``MEDIA_ROOT/stations``, with the content type decided
by us from the extension (never sniffed, never from the upload), ``nosniff``, and a sandbox
policy so that even a mislabelled file cannot run script in our origin. Everything else under
MEDIA_ROOT (case attachments, founding documents, import files) is private and only served
through scoped views."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404
from django.utils._os import safe_join
from django.views.decorators.http import require_safe

PUBLIC_FOLDER = "stations"
IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


@require_safe
def station_photo(request, path: str):
    suffix = Path(path).suffix.lower()
    content_type = IMAGE_TYPES.get(suffix)
    if content_type is None:
        raise Http404
    root = Path(settings.MEDIA_ROOT) / PUBLIC_FOLDER
    try:
        full = Path(safe_join(root, path))
    except SuspiciousFileOperation:  # a path that leaves the folder
        raise Http404 from None
    if not full.is_file():
        raise Http404
    response = FileResponse(full.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-site"
    # Names are random and a photo never changes in place: cache for a day.
    response["Cache-Control"] = "public, max-age=86400"
    return response
