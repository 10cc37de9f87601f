"""Splitting a document at its own structure: chapters and sections (章, 节) are headings, each
article (第X条) is one passage that keeps its number; a notice without articles is split at its
numbered items (一、 / （一） / 1.), and plain prose at paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_NUMBER = "零〇一二三四五六七八九十百千两兩"
_NUM = rf"[{CN_NUMBER}\d]+"
ARTICLE = re.compile(rf"^\s*(第{_NUM}[条條](?:之{_NUM})?)[\s　:：]*")
# A chapter, section or part line: short, on its own, "第三章 劳动合同的履行" or "## 第一节 ...".
HEADING = re.compile(rf"^\s*(?:#+\s*)?(第{_NUM}[编編章节節部分]+)(?:[\s　]+\S.*)?$")
MARKDOWN_HEADING = re.compile(r"^\s*(#{1,6})\s+(.*\S)\s*$")
# Top-level numbered items of a notice: "一、" "（一）" "1." "1、" at the start of a line.
ITEM = re.compile(
    rf"^\s*(?:#+\s*)?([{CN_NUMBER}]+、|[（(][{CN_NUMBER}]+[)）]|\d{{1,2}}[、.．](?!\d))"
)
METADATA_END = "<!-- INFO END -->"
COMMENT = re.compile(r"<!--.*?-->", re.S)
# An article much longer than the embedding model reads is split again at its paragraphs.
MAX_CHARS = 1200
PARAGRAPH_CHARS = 400


@dataclass
class Piece:
    heading: str
    article: str
    text: str


def _lines(text: str) -> list[str]:
    if METADATA_END in text:
        text = text.split(METADATA_END, 1)[1]
    text = COMMENT.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    return [line.strip().replace("\u3000", " ").strip() for line in text.split("\n")]


def _heading_of(line: str) -> str | None:
    """The text of a chapter/section line or a markdown heading, else None."""
    match = HEADING.match(line)
    if match and len(line) <= 60 and not ARTICLE.match(line.lstrip("# ")):
        return line.lstrip("# ").strip()
    markdown = MARKDOWN_HEADING.match(line)
    if markdown:
        return markdown.group(2)
    return None


def _chunks(piece: Piece) -> list[Piece]:
    """A long article as several passages with the same number, cut between paragraphs."""
    if len(piece.text) <= MAX_CHARS:
        return [piece]
    out, current = [], ""
    for paragraph in piece.text.split("\n"):
        if current and len(current) + len(paragraph) > MAX_CHARS:
            out.append(current)
            current = ""
        current = f"{current}\n{paragraph}" if current else paragraph
    if current:
        out.append(current)
    return [Piece(piece.heading, piece.article, chunk) for chunk in out]


def _by_articles(lines: list[str]) -> list[Piece]:
    pieces: list[Piece] = []
    chapter = section = ""
    current: Piece | None = None
    for line in lines:
        if not line:
            continue
        heading = _heading_of(line)
        if heading is not None:
            if heading.split()[0][-1] in "节節" and heading.startswith("第"):
                section = heading
            else:
                chapter, section = heading, ""
            current = None
            continue
        match = ARTICLE.match(line)
        if match:
            label = " · ".join(part for part in (chapter, section) if part)
            current = Piece(label, match.group(1), line)
            pieces.append(current)
        elif current is not None:
            current.text += "\n" + line
        # Text before the first article (a preamble, a title) is not an article: kept only when
        # it says something (longer than a title line).
        elif len(line) > 40:
            pieces.append(Piece(chapter, "", line))
    return pieces


def _by_items(lines: list[str]) -> list[Piece]:
    """Notices: each top-level numbered item (or markdown section) with what follows it."""
    pieces: list[Piece] = []
    current: Piece | None = None
    preamble: list[str] = []
    top_style = None
    for line in lines:
        if not line:
            continue
        markdown = MARKDOWN_HEADING.match(line)
        match = ITEM.match(line)
        style = None
        if match:
            label = match.group(1)
            style = "paren" if label[0] in "（(" else ("digit" if label[0].isdigit() else "cn")
            if top_style is None:
                top_style = style
        if markdown and len(markdown.group(1)) == 1:
            continue  # the document title
        if markdown or (match and style == top_style):
            text = markdown.group(2) if markdown else line
            item = ITEM.match(text)
            label = item.group(1).rstrip("、.．") if item else text[:20]
            current = Piece("", label, text)
            pieces.append(current)
        elif current is not None:
            current.text += "\n" + line
        else:
            preamble.append(line)
    if preamble:
        pieces.insert(0, Piece("", "", "\n".join(preamble)))
    return pieces


def _by_paragraphs(lines: list[str]) -> list[Piece]:
    pieces: list[Piece] = []
    current = ""
    for line in lines:
        if MARKDOWN_HEADING.match(line):
            continue
        if not line:
            if len(current) >= PARAGRAPH_CHARS:
                pieces.append(Piece("", "", current))
                current = ""
            continue
        current = f"{current}\n{line}" if current else line
    if current:
        pieces.append(Piece("", "", current))
    for number, piece in enumerate(pieces, start=1):
        piece.article = f"¶{number}"
    return pieces


def split(text: str) -> list[Piece]:
    """The passages of a document, in order, each no longer than :data:`MAX_CHARS`."""
    lines = _lines(text)
    if sum(1 for line in lines if ARTICLE.match(line)) >= 2:
        pieces = _by_articles(lines)
    elif sum(1 for line in lines if ITEM.match(line) or MARKDOWN_HEADING.match(line)) >= 2:
        pieces = _by_items(lines)
    else:
        pieces = _by_paragraphs(lines)
    return [chunk for piece in pieces if piece.text.strip() for chunk in _chunks(piece)]
