"""Reading an uploaded document: its kind judged by its content (a file must be what its
extension says), its text taken out (pypdf, python-docx, the HTML parser), and refusals that say
what is wrong: too big, empty, a scanned PDF without a text layer, a file that is not text."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import DocumentKind

MAX_BYTES = 10 * 1024 * 1024
# Fewer letters than this per page means the PDF holds pictures of pages, not text.
MIN_CHARS_PER_PAGE = 20
EXTENSIONS = {
    "pdf": DocumentKind.PDF,
    "docx": DocumentKind.DOCX,
    "txt": DocumentKind.TXT,
    "text": DocumentKind.TXT,
    "md": DocumentKind.MARKDOWN,
    "markdown": DocumentKind.MARKDOWN,
    "html": DocumentKind.HTML,
    "htm": DocumentKind.HTML,
}
BINARY_SIGNATURES = (b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Extracted:
    name: str
    kind: str
    text: str
    content_hash: str


def _fail(message) -> ValidationError:
    return ValidationError({"file": [message]})


def _not_what_it_says(kind: str) -> ValidationError:
    return _fail(
        _("文件内容与扩展名不符（不是真正的%(kind)s文件），请另存为正确的格式后重新上传。")
        % {"kind": DocumentKind(kind).label}
    )


def _decode(data: bytes, kind: str) -> str:
    if data.startswith(BINARY_SIGNATURES) or b"\x00" in data[:4096]:
        raise _not_what_it_says(kind)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _fail(_("无法识别文件的文字编码，请另存为UTF-8编码的文本文件。"))


class _HtmlText(HTMLParser):
    BLOCKS = frozenset(
        "p div br li tr h1 h2 h3 h4 h5 h6 section article table ul ol".split()  # noqa: SIM905
    )
    SKIP = frozenset(("script", "style", "head", "noscript", "template"))

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def _html(data: bytes) -> str:
    text = _decode(data, DocumentKind.HTML)
    if "<" not in text[:2000]:
        raise _not_what_it_says(DocumentKind.HTML)
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


def _pdf(data: bytes) -> str:
    if not data.startswith(b"%PDF-"):
        raise _not_what_it_says(DocumentKind.PDF)
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise _fail(_("PDF文件已加密，请取消密码后重新上传。"))
        pages = [page.extract_text() or "" for page in reader.pages]
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        raise _fail(_("PDF文件已损坏，无法读取。")) from None
    letters = sum(len(re.sub(r"\s", "", page)) for page in pages)
    if not pages or letters < MIN_CHARS_PER_PAGE * len(pages):
        raise _fail(
            _(
                "这个PDF没有文字层（可能是扫描件或图片），无法检索，未建立索引。"
                "请上传带文字的PDF、Word或文本文件。"
            )
        )
    return "\n".join(pages)


def _docx(data: bytes) -> str:
    if not data.startswith(b"PK\x03\x04"):
        raise _not_what_it_says(DocumentKind.DOCX)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, Exception):
        raise _not_what_it_says(DocumentKind.DOCX) from None
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def read(upload) -> Extracted:
    """The text of an uploaded file, or a ``ValidationError`` on ``file`` saying why not."""
    if upload is None:
        raise _fail(_("请选择要上传的文件。"))
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:200]
    size = getattr(upload, "size", 0) or 0
    if size > MAX_BYTES:
        raise _fail(_("文件不能超过10MB。"))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = EXTENSIONS.get(extension)
    if kind is None:
        raise _fail(_("只能上传PDF、Word（DOCX）、TXT、Markdown或HTML文件。"))
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _fail(_("文件不能超过10MB。"))
    if not data.strip():
        raise _fail(_("文件是空的。"))
    if kind == DocumentKind.PDF:
        text = _pdf(data)
    elif kind == DocumentKind.DOCX:
        text = _docx(data)
    elif kind == DocumentKind.HTML:
        text = _html(data)
    else:
        text = _decode(data, kind)
    text = CONTROL.sub("", text).strip()
    if len(re.sub(r"\s", "", text)) < 10:
        raise _fail(_("文件里没有可检索的文字。"))
    return Extracted(
        name=name,
        kind=kind,
        text=text,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )
