"""Fill the two Chinese catalogues from the Simplified source strings (run by `make messages`).

zh_Hant: OpenCC ``s2tw`` turns Simplified characters into Traditional ones (the common printed
forms: 為, 審核, 啟, 群, 裡, 著) and keeps the mainland terms a union officer uses (服務對象, 類型,
審計, 社區, 默認, 軟件). ``s2twp`` would rewrite them into Taiwan IT phrasing (服務物件, 型別,
稽核, 社群, 預設, 軟體), which reads as a different product; plain ``s2t`` keeps the terms too
but writes OpenCC's archaic standard forms (爲, 審覈, 啓, 羣). OpenCC cannot always tell which
Traditional character a Simplified one stands for (发: 發/髮, 干: 幹/乾, 只: 只/隻 ...);
CORRECTIONS fixes the phrases in our catalogue it gets wrong, found by reading it through.
Every entry is derived again from its msgid on each run, so the catalogue always matches the
source strings and the corrections below: fix a wrong conversion here, not in the .po.

zh_Hans: the source strings are Simplified already; msgstr = msgid, so no entry is empty.
"""

from pathlib import Path

import opencc
import polib

ROOT = Path(__file__).resolve().parent.parent / "src"
CONFIG = "s2tw.json"

# Wrong conversion -> right one, applied to OpenCC's output. Keep each phrase long enough to be
# unambiguous.
CORRECTIONS = {
    "資金髮放": "資金發放",  # 帮扶资金发放: 金发 read as "golden hair"
    "籤批": "簽批",  # 签批 is signing off, not a bamboo slip (籤)
    "集裡街道": "集里街道",  # a place name (浏阳市集里街道), not 里 = inside
    "天后": "天後",  # "%(days)s天后删除" is "after N days", not the goddess 天后
}


_converter = opencc.OpenCC(CONFIG)


def to_traditional(text: str) -> str:
    text = _converter.convert(text)
    for wrong, right in CORRECTIONS.items():
        text = text.replace(wrong, right)
    return text


def fill(po_path: Path, convert, language: str) -> int:
    catalogue = polib.pofile(str(po_path))
    catalogue.metadata["Language"] = language
    catalogue.metadata_is_fuzzy = False
    changed = 0
    for entry in catalogue:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            plural = {0: convert(entry.msgid)}
            if entry.msgstr_plural != plural:
                entry.msgstr_plural = plural
                changed += 1
        elif entry.msgstr != convert(entry.msgid):
            entry.msgstr = convert(entry.msgid)
            changed += 1
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    catalogue.save()
    return changed


if __name__ == "__main__":
    for language, convert in (("zh_Hant", to_traditional), ("zh_Hans", str)):
        for po_path in sorted(ROOT.rglob(f"{language}/LC_MESSAGES/*.po")):
            changed = fill(po_path, convert, language)
            print(f"{po_path.relative_to(ROOT)}: {changed} filled")
