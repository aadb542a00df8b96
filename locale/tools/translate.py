"""Fill the Vietnamese catalogue from a dict of translations and clear guesses.

Usage: python locale/tools/translate.py TRANSLATIONS.py
The file defines T = {msgid: msgstr}; a msgid with a context is keyed
(msgctxt, msgid). Fuzzy guesses left by makemessages are
dropped in both catalogues (English falls back to the msgid)."""

import runpy
import sys

import polib

T = runpy.run_path(sys.argv[1])["T"] if len(sys.argv) > 1 else {}
for lang in ("vi", "en"):
    path = f"locale/{lang}/LC_MESSAGES/django.po"
    po = polib.pofile(path, wrapwidth=79)
    for entry in po.obsolete_entries():
        po.remove(entry)
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        key = (entry.msgctxt, entry.msgid) if entry.msgctxt else entry.msgid
        if lang == "vi" and key in T:
            if entry.msgid_plural:  # Vietnamese has one form
                entry.msgstr_plural = {0: T[key]}
            else:
                entry.msgstr = T[key]
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        elif "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
            entry.msgstr = ""
            if entry.msgid_plural:
                entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
    po.save(path)
    missing = [e.msgid for e in po if lang == "vi" and not e.obsolete and not e.translated()]
    print(lang, "untranslated:", missing)
