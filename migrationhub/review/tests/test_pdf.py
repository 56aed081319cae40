"""Reports as PDF: the text a reader (or a screen reader) extracts is the report's, in English,
Arabic (shaped right to left, logical order preserved) and Chinese; stored PDFs are served again
without rendering; a client cannot make the server render without limit."""

import io

import pypdf
import pytest
from django.test import Client

from migrationhub.review import pdf

from .factories import make_registry

pytestmark = pytest.mark.django_db


def _text(body: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _fonts(body: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(body))
    names = set()
    for page in reader.pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            names.add(str(font.get_object().get("/BaseFont")))
    return names


@pytest.fixture
def registry(reference):
    return make_registry()


def test_the_country_report_in_english_arabic_and_chinese(registry):
    client = Client()
    english = client.get("/review/countries/SEN/report.pdf")
    assert english.status_code == 200
    assert english["Content-Type"] == "application/pdf"
    text = _text(english.content)
    assert "Review of Senegal" in text
    assert registry.senegal.name in text
    assert "6. Facilitate fair and ethical recruitment" in text  # a gap: Ghana has it
    arabic = client.get("/ar/review/countries/SEN/report.pdf")
    text = _text(arabic.content)
    assert "السنغال" in text  # Senegal, from the M49 names, in logical order
    assert any("Arabic" in name for name in _fonts(arabic.content))
    chinese = client.get("/zh-hans/review/countries/SEN/report.pdf")
    text = _text(chinese.content)
    assert "塞内加尔" in text
    assert any("WenQuanYi" in name or "Micro" in name for name in _fonts(chinese.content))


def test_a_stored_pdf_is_served_without_rendering(registry, monkeypatch):
    client = Client()
    first = client.get("/review/objectives/5/report.pdf")
    assert first.status_code == 200

    def fail(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(pdf, "render", fail)
    again = client.get("/review/objectives/5/report.pdf")
    assert again.content == first.content


def test_a_client_cannot_render_without_limit(reference, monkeypatch):
    monkeypatch.setattr(pdf, "render", lambda html, base_url="": b"%PDF-1.7 test")
    client = Client()
    codes = ["SEN", "GHA", "KEN", "MEX", "BRA", "FRA", "DEU", "ITA"]
    statuses = [client.get(f"/review/countries/{c}/report.pdf").status_code for c in codes]
    assert statuses[: pdf.RENDERS_PER_MINUTE] == [200] * pdf.RENDERS_PER_MINUTE
    assert statuses[pdf.RENDERS_PER_MINUTE :] == [429, 429]
    # another client is not affected, and a stored report is still served
    assert Client(REMOTE_ADDR="10.0.0.9").get("/review/countries/ESP/report.pdf").status_code == 200
    assert client.get("/review/countries/SEN/report.pdf").status_code == 200


def test_the_pdf_fetches_nothing():
    with pytest.raises(ValueError):
        pdf._refuse("http://169.254.169.254/latest/meta-data/")
    body = pdf.render('<p>x</p><img src="http://127.0.0.1:9/x.png">')
    assert body.startswith(b"%PDF")


def test_after_a_write_a_download_gets_the_last_pdf_while_the_new_one_is_rendered(
    registry, monkeypatch
):
    from types import SimpleNamespace

    from migrationhub.core import page_cache
    from migrationhub.partnerships.models import Partnership
    from migrationhub.review import tasks

    monkeypatch.setattr(pdf, "render", lambda html, base_url="": html.encode())
    queued = []

    class Queue:
        def enqueue(self, *args):
            queued.append(args)
            return SimpleNamespace(errors=[])

    monkeypatch.setattr(tasks, "review_pdf_render", Queue())
    client = Client()
    before = client.get("/review/countries/SEN/report.pdf").content.decode()
    assert registry.senegal.name in before
    # when the registry changes (the facts are refreshed at once: tests run tasks at once)
    Partnership.objects.filter(pk=registry.senegal.pk).update(name="Renamed coalition")
    page_cache.changed("partnerships")
    # then downloads get the last PDF at once, and one new render is queued
    assert client.get("/review/countries/SEN/report.pdf").content.decode() == before
    assert client.get("/review/countries/SEN/report.pdf").content.decode() == before
    assert queued == [("country", "SEN", "en", "http://testserver/")]
    # when the worker has rendered it, downloads get the new one
    pdf.render_stored(*queued[0])
    assert "Renamed coalition" in client.get("/review/countries/SEN/report.pdf").content.decode()
