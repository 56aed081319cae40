"""Background work of the review (django-tasks, see core.tasks)."""

from django_tasks import task

from . import selectors


@task()
def review_facts_refresh() -> str:
    """Read the review's facts after a write and share them, so that no visitor waits for it
    (selectors.snapshot): returns the data version read."""
    return selectors.refresh()
