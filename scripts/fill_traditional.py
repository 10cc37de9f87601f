"""Fill the Traditional Chinese catalogue from the Simplified source strings with OpenCC
(s2twp: Taiwan phrasing). A translator's entry that is already there is kept."""

from pathlib import Path

import opencc
import polib

ROOT = Path(__file__).resolve().parent.parent / "src"
convert = opencc.OpenCC("s2twp.json").convert

for po_path in sorted(ROOT.rglob("zh_Hant/LC_MESSAGES/*.po")):
    catalogue = polib.pofile(str(po_path))
    filled = 0
    for entry in catalogue:
        if entry.msgid_plural:
            if not any(entry.msgstr_plural.values()):
                entry.msgstr_plural = {0: convert(entry.msgid)}
                filled += 1
        elif not entry.msgstr or "fuzzy" in entry.flags:
            entry.msgstr = convert(entry.msgid)
            filled += 1
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.save()
    print(f"{po_path.relative_to(ROOT)}: {filled} filled")
