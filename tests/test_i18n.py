"""The interface in the six UN languages: complete catalogues, placeholders kept, pages translated.

The catalogues are read with a small .po parser (no extra dependency); the compiled .mo files are
checked through Django's own gettext, so a catalogue that was edited but not recompiled fails. A
string marked for translation in the code but missing from the catalogues (`make messages` not run,
or run and not translated) fails too: makemessages is run over a copy of the package.
"""

import ast
import html
import os
import re
import shutil
import subprocess
import sys
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


@pytest.fixture(scope="module")
def regenerated_locale(tmp_path_factory) -> Path:
    """The locale directory as `make messages` would leave it now, made in a copy of the package:
    makemessages (xgettext, msguniq, msgmerge) merges what the code marks today into a copy of
    the catalogues, so a new string comes out untranslated and a changed one fuzzy."""
    missing = [tool for tool in ("xgettext", "msguniq", "msgmerge") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"GNU gettext is required to extract the messages (missing: {missing})")
    package = LOCALE_DIR.parent
    copy = tmp_path_factory.mktemp("messages") / package.name
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"))
    real = {p: p.read_bytes() for p in LOCALE_DIR.glob("*/LC_MESSAGES/django.po")}
    # Without settings: LOCALE_PATHS names the real locale directory, where makemessages would
    # write; with none, it writes to ./locale, the copy's.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    locales = [arg for directory in CATALOGUES.values() for arg in ("-l", directory)]
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", *locales, "--no-location"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert {p: p.read_bytes() for p in LOCALE_DIR.glob("*/LC_MESSAGES/django.po")} == real
    return copy / "locale"


@pytest.mark.parametrize("lang", CATALOGUES)
def test_every_marked_string_is_translated(regenerated_locale, lang):
    _, entries = read_po(regenerated_locale / CATALOGUES[lang] / "LC_MESSAGES" / "django.po")
    assert len(entries) > 200
    missing = [e["msgid"] for e in entries if not all(s.strip() for s in e["msgstr"])]
    changed = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    advice = "run `make messages`, then translate these in every catalogue"
    assert missing == [], f"not in the {lang} catalogue ({advice}): {missing}"
    assert changed == [], f"changed since translated, fuzzy in {lang} ({advice}): {changed}"


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
    assert re.search(rf'<a href="[^"]*" lang="{lang}" hreflang="{lang}" aria-current="page"', body)


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


def switch_language(client, page: str, lang: str) -> str:
    """The address the header's link to `lang` on `page` leads to (plain links, no form)."""
    body = client.get(page).content.decode()
    nav = re.search(r'<nav class="lang"[^>]*>(.*?)</nav>', body, re.S).group(1)
    return html.unescape(re.search(rf'<a href="([^"]*)" lang="{lang}"', nav).group(1))


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

    # The same through the links in the page header, keeping the page and its query.
    target = switch_language(client, "/practices/?q=migration", "ar")
    assert target == "/ar/practices/?q=migration"
    assert 'dir="rtl"' in client.get(target).content.decode()


@pytest.mark.parametrize(("page", "lang", "target"), [("/fr/practices/", "ar", "/ar/practices/")])
def test_language_switcher_from_a_translated_page(client, reference, page, lang, target):
    assert switch_language(client, page, lang) == target
    assert switch_language(client, target, "en") == page.removeprefix("/fr")


GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext", "npgettext"}


def test_no_string_is_marked_inside_an_f_string():
    """xgettext does not look inside an f-string's replacement fields: a message marked there is
    left out of the catalogues by the next `make messages`, and its translations with it."""
    package = Path(__file__).resolve().parent.parent / "migrationhub"
    hidden = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Name)
                    and inner.func.id in GETTEXT
                ):
                    hidden.append(f"{path.relative_to(package.parent)}:{inner.lineno}")
    assert hidden == []
