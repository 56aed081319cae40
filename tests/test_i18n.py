"""The interface in the six UN languages: complete catalogues, placeholders kept, pages translated.

The catalogues are read with a small .po parser (no extra dependency); the compiled .mo files are
checked through Django's own gettext, so a catalogue that was edited but not recompiled fails.
"""

import ast
import re
from collections import Counter
from pathlib import Path

import pytest
from django.utils import translation

LOCALE_DIR = Path(__file__).resolve().parent.parent / "migrationhub" / "locale"
# URL prefix / language code -> catalogue directory
CATALOGUES = {"fr": "fr", "es": "es", "ar": "ar", "ru": "ru", "zh-hans": "zh_Hans"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\{[^}]*\}\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")

HEADINGS = {
    "en": "Partnerships for safe, orderly and regular migration",
    "fr": "Des partenariats pour des migrations sûres, ordonnées et régulières",
    "es": "Alianzas para la migración segura, ordenada y regular",
    "ar": "شراكات من أجل الهجرة الآمنة والمنظمة والنظامية",
    "ru": "Партнерства в интересах безопасной, упорядоченной и легальной миграции",
    "zh-hans": "促进安全、有序和正常移民的伙伴关系",
}


def read_po(path: Path) -> tuple[dict, list[dict]]:
    """(header, entries) of a .po file; each entry has msgid, msgstr (a list), flags; no obsolete."""
    entries, entry, key = [], {}, None

    def flush():
        nonlocal entry, key
        if "msgid" in entry:
            entries.append(entry)
        entry, key = {}, None

    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            flush()
        elif line.startswith("#,"):
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue  # comments, references and obsolete (#~) entries
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, value = line.split(" ", 1)
            entry[key] = ast.literal_eval(value)
    flush()
    for e in entries:
        e.setdefault("flags", set())
        e["msgstr"] = [e[k] for k in sorted(k for k in e if k.startswith("msgstr"))]
    header_entry = entries.pop(0)
    assert header_entry["msgid"] == ""
    header = dict(
        line.split(": ", 1) for line in header_entry["msgstr"][0].splitlines() if ": " in line
    )
    header["fuzzy"] = "fuzzy" in header_entry["flags"]
    return header, entries


def catalogue(lang: str) -> tuple[dict, list[dict]]:
    return read_po(LOCALE_DIR / CATALOGUES[lang] / "LC_MESSAGES" / "django.po")


@pytest.mark.parametrize("lang", CATALOGUES)
def test_catalogue_is_complete_and_not_fuzzy(lang):
    header, entries = catalogue(lang)
    nplurals = int(re.search(r"nplurals=(\d+)", header["Plural-Forms"]).group(1))
    assert not header["fuzzy"]
    assert len(entries) > 200
    untranslated = [e["msgid"] for e in entries if not all(s.strip() for s in e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []
    for e in entries:
        assert len(e["msgstr"]) == (nplurals if "msgid_plural" in e else 1), e["msgid"]


@pytest.mark.parametrize("lang", CATALOGUES)
def test_translations_keep_placeholders_and_markup(lang):
    _, entries = catalogue(lang)
    for e in entries:
        if "msgid_plural" in e:
            expected = Counter(PLACEHOLDER.findall(e["msgid_plural"]))
            # A plural form may spell its number out ("نتيجتان"), never invent a placeholder;
            # the last (general) form keeps them all.
            for form in e["msgstr"]:
                assert set(PLACEHOLDER.findall(form)) <= set(expected), (e["msgid"], form)
            assert Counter(PLACEHOLDER.findall(e["msgstr"][-1])) == expected, e["msgid"]
        else:
            msgstr = e["msgstr"][0]
            assert Counter(PLACEHOLDER.findall(msgstr)) == Counter(
                PLACEHOLDER.findall(e["msgid"])
            ), (e["msgid"], msgstr)
            assert sorted(TAG.findall(msgstr)) == sorted(TAG.findall(e["msgid"])), e["msgid"]


@pytest.mark.parametrize("lang", CATALOGUES)
def test_compiled_catalogue_matches_po(lang):
    _, entries = catalogue(lang)
    with translation.override(lang):
        for e in entries:
            if "msgid_plural" in e:
                for n in (0, 1, 2, 3, 5, 11, 21, 100, 1000000):
                    got = translation.ngettext(e["msgid"], e["msgid_plural"], n)
                    assert got in e["msgstr"], (e["msgid"], n, got)
            elif "msgctxt" in e:
                assert translation.pgettext(e["msgctxt"], e["msgid"]) == e["msgstr"][0]
            else:
                assert translation.gettext(e["msgid"]) == e["msgstr"][0], e["msgid"]


@pytest.mark.parametrize("lang", HEADINGS)
def test_home_page_in_each_language(client, reference, lang):
    prefix = "" if lang == "en" else f"/{lang}"
    response = client.get(f"{prefix}/")
    body = response.content.decode()
    assert response.status_code == 200
    direction = "rtl" if lang == "ar" else "ltr"
    assert re.search(rf'<html lang="{lang}" dir="{direction}"', body)
    assert re.search(rf"<h1[^>]*>\s*{re.escape(HEADINGS[lang])}\s*</h1>", body)
    if lang != "en":
        assert HEADINGS["en"] not in body
    assert re.search(rf'<option value="{lang}"[^>]*selected', body)


@pytest.mark.parametrize("lang", CATALOGUES)
def test_practice_search_page_in_each_language(client, reference, lang):
    from migrationhub.knowledge.models import Practice

    body = client.get(f"/{lang}/practices/").content.decode()
    total = Practice.objects.filter(status=Practice.PUBLISHED).count()
    with translation.override(lang):
        found = translation.ngettext(
            "%(counter)s practice found", "%(counter)s practices found", total
        ) % {"counter": total}
        title = translation.gettext("Practices and initiatives")
    assert found in body
    assert re.search(rf"<h1[^>]*>\s*{re.escape(title)}\s*</h1>", body)
    assert "practices found" not in body
    assert "Practices and initiatives" not in body


def switch_language(client, page: str, lang: str):
    """Submit the language switcher form of `page` (its action and hidden `next` as rendered)."""
    body = client.get(page).content.decode()
    form = re.search(r'<form class="lang" action="([^"]+)"[^>]*>(.*?)</form>', body, re.S)
    next_url = re.search(r'name="next" type="hidden" value="([^"]*)"', form.group(2)).group(1)
    return client.post(form.group(1), {"language": lang, "next": next_url})


def test_language_switcher(client, reference):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    # English has no prefix (prefix_default_language=False), so "/" stays English whatever the
    # cookie says: the switcher sends the reader to the French URL.
    assert response["Location"] == "/fr/"
    assert client.cookies["migrationhub_language"].value == "fr"
    body = client.get(response["Location"]).content.decode()
    assert HEADINGS["fr"] in body
    assert '<html lang="fr" dir="ltr"' in body

    # The same through the form in the page header, keeping the page and its query.
    response = switch_language(client, "/practices/?q=migration", "ar")
    assert response["Location"] == "/ar/practices/?q=migration"
    assert 'dir="rtl"' in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(("page", "lang", "target"), [("/fr/practices/", "ar", "/ar/practices/")])
def test_language_switcher_from_a_translated_page(client, reference, page, lang, target):
    response = switch_language(client, page, lang)
    assert response["Location"] == target
    response = switch_language(client, target, "en")
    assert response["Location"] == page.removeprefix("/fr")
