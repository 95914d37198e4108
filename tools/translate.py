"""Fill an app's catalogs from a table of Simplified Chinese translations.

    python tools/translate.py customers zh.json [more.json …]

Each JSON file maps an English msgid to its zh-Hans text; a plural msgid maps to one string
(Chinese has one plural form). The script runs makemessages for the app, fills every empty
zh_Hans entry found in the tables, derives zh_Hant with OpenCC (s2twp: Taiwan
wording), leaves the en catalog
empty (English is the msgid), and compiles. It prints what is
still untranslated; tests/test_i18n.py fails until that list is empty.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import opencc
import polib

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("zh_Hans", "zh_Hant", "en")


def _weishang(*args, cwd: Path) -> None:
    env = {**os.environ, "WEISHANG_HOME": os.environ.get("WEISHANG_HOME", "/tmp/ws-i18n")}
    subprocess.run([sys.executable, "-m", "weishang", *args], cwd=cwd, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def _fill(entry: polib.POEntry, text: str) -> None:
    if entry.msgid_plural:
        entry.msgstr_plural = {0: text}
    else:
        entry.msgstr = text
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")


def _is_empty(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return not any(entry.msgstr_plural.values())
    return not entry.msgstr


def main(app: str, tables: list[str]) -> int:
    app_dir = ROOT / "weishang" / app
    table: dict[str, str] = {}
    for path in tables:
        table.update(json.loads(Path(path).read_text(encoding="utf-8")))
    _weishang("makemessages", *[arg for lang in LANGUAGES for arg in ("-l", lang)],
              "--no-obsolete", cwd=app_dir)
    to_traditional = opencc.OpenCC("s2twp")
    simplified = polib.pofile(str(app_dir / "locale/zh_Hans/LC_MESSAGES/django.po"))
    for entry in simplified:
        if (_is_empty(entry) or "fuzzy" in entry.flags) and entry.msgid in table:
            _fill(entry, table[entry.msgid])
    simplified.save()
    # A fuzzy entry still holds the translation of the msgid it was before: never carried over.
    chinese = {entry.msgid: (entry.msgstr_plural.get(0) if entry.msgid_plural else entry.msgstr)
               for entry in simplified if "fuzzy" not in entry.flags}
    traditional = polib.pofile(str(app_dir / "locale/zh_Hant/LC_MESSAGES/django.po"))
    for entry in traditional:
        if (_is_empty(entry) or "fuzzy" in entry.flags) and chinese.get(entry.msgid):
            _fill(entry, to_traditional.convert(chinese[entry.msgid]))
    traditional.save()
    _weishang("compilemessages", cwd=app_dir)
    missing = [entry.msgid for entry in simplified if _is_empty(entry)]
    for msgid in missing:
        print(f"untranslated: {msgid}")
    return 1 if missing else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
