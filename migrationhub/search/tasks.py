"""Background work of the search engine (django-tasks, see core.tasks)."""

from django_tasks import task

from . import services


@task()
def vectors_compute(document_ids: list[int]) -> int:
    """Compute the sentence vectors of documents written by a committed transaction."""
    return services.vectors_compute(document_ids)


@task()
def vector_graph_build(model_name: str) -> int:
    """Rebuild the approximate index of a model's vectors (when it is still due: several
    writers may have asked for it)."""
    if not services.vector_graph_due(model_name):
        return 0
    graph = services.vector_graph_build(model_name)
    return graph.vectors if graph else 0
