"""Background work of the review (django-tasks, see core.tasks)."""

from django_tasks import task

from . import pdf, selectors


@task()
def review_facts_refresh() -> str:
    """Read the review's facts after a write and share them, so that no visitor waits for it
    (selectors.snapshot): returns the data version read."""
    return selectors.refresh()


@task()
def review_pdf_render(kind: str, code: str, language: str, base_url: str = "") -> str:
    """Render and store a report's PDF after the data changed, while downloads get the last
    one (pdf.report_pdf): returns the version of the facts rendered."""
    return pdf.render_stored(kind, code, language, base_url)
