"""The bundled demo corpus: the official texts of 20 labour statutes (outside copyright, 著作权法
第五条) and a few notices of the demo unions, with the source and version every citation shows,
and the precomputed vectors of their passages (``manage.py assistant_embeddings``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
STATUTES_DIR = CORPUS_DIR / "statutes"
NOTICES_DIR = CORPUS_DIR / "notices"
VECTORS = CORPUS_DIR / "embeddings.npy"
VECTOR_KEYS = CORPUS_DIR / "embeddings.keys"

STATUTE_SOURCE = (
    "国家法律法规数据库（flk.npc.gov.cn），据 LawRefBook/Laws 整理本"
    "（commit 2f4c5c23716267af9dbebbbbd6cbbf732b101981）"
)
NATIONAL_UNION = "中华全国总工会"
# File name (without .md) -> (union that publishes it, version).
NOTICES = {
    "长沙县总工会关于开展2026年困难职工帮扶工作的通知": (
        "长沙县总工会",
        "长工发〔2026〕3号，2026-01-05",
    ),
    "郾城区总工会职工欠薪求助办事指南": ("郾城区总工会", "2026年修订"),
    "湖南省总工会新就业形态劳动者权益服务指引": ("湖南省总工会", "湘工发〔2025〕12号"),
}  # fmt: skip
DATED = re.compile(r"^(?P<name>.+)\((?P<date>\d{4}-\d{2}-\d{2})\)$")


@dataclass(frozen=True)
class CorpusFile:
    path: Path
    title: str
    union: str
    source: str
    version: str

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


def _title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return path.stem


def statutes() -> list[CorpusFile]:
    files = []
    for path in sorted(STATUTES_DIR.glob("*.md")):
        match = DATED.match(path.stem)
        version = f"{match['date']} 版" if match else ""
        files.append(CorpusFile(path, _title(path), NATIONAL_UNION, STATUTE_SOURCE, version))
    return files


def notices() -> list[CorpusFile]:
    return [
        CorpusFile(
            NOTICES_DIR / f"{name}.md",
            _title(NOTICES_DIR / f"{name}.md"),
            union,
            f"{union}（演示数据）",
            version,
        )
        for name, (union, version) in NOTICES.items()
    ]


def files() -> list[CorpusFile]:
    return statutes() + notices()
