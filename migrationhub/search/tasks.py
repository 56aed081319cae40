"""Background work of the search engine (django-tasks, see core.tasks)."""

from django_tasks import task

from . import services


@task()
def vectors_compute(document_ids: list[int]) -> int:
    """Compute the sentence vectors of documents written by a committed transaction."""
    return services.vectors_compute(document_ids)
