"""`{% content_attrs %}` and `|isolate`: user content keeps its own language and direction."""

from types import SimpleNamespace

from django.template import Context, Template

from migrationhub.core.templatetags.content import content_attrs, content_language, isolate


def test_a_language_row_decides_the_direction():
    arabic = SimpleNamespace(code="ar", rtl=True)
    english = SimpleNamespace(code="en", rtl=False)
    assert content_attrs(arabic) == 'lang="ar" dir="rtl"'
    assert content_attrs(english) == 'lang="en" dir="ltr"'


def test_a_code_takes_its_direction_from_djangos_bidi_languages():
    assert content_language("ar") == ("ar", "rtl")
    assert content_language("ar-dz") == ("ar-dz", "rtl")
    assert content_language("fa") == ("fa", "rtl")
    assert content_language("zh-hans") == ("zh-hans", "ltr")
    assert content_language("pt") == ("pt", "ltr")


def test_content_of_unknown_language_gets_dir_auto():
    assert content_attrs() == 'dir="auto"'
    assert content_attrs(None) == 'dir="auto"'
    assert content_attrs("") == 'dir="auto"'


def test_inline_content_is_isolated_and_escaped():
    assert isolate("Migrants <Network>") == "<bdi>Migrants &lt;Network&gt;</bdi>"
    assert isolate("Care & Co", "en") == '<bdi lang="en" dir="ltr">Care &amp; Co</bdi>'


def test_in_templates():
    template = Template(
        "{% load content %}<h2 {% content_attrs code %}>{{ name|isolate }} · {{ t|isolate:code }}</h2>"
    )
    html = template.render(Context({"code": "en", "name": "ACME", "t": "It's"}))
    assert html == (
        '<h2 lang="en" dir="ltr"><bdi>ACME</bdi> · <bdi lang="en" dir="ltr">It&#x27;s</bdi></h2>'
    )
