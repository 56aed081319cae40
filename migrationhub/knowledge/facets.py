"""Human labels for facet values (codes in the index), in the active language."""

from migrationhub.taxonomy.selectors import vocabulary_choices

FACET_VOCABULARY = {
    "objective": "objectives",
    "principle": "principles",
    "area": "areas",
    "country": "countries",
    "region": "regions",
    "level": "levels",
    "stakeholder_type": "stakeholder_types",
    "language": "languages",
}


def facet_labels(facets: dict) -> dict[str, dict[str, str]]:
    """{facet: {code: label}} for the facets present (years label themselves)."""
    choices = vocabulary_choices() if facets else {}
    labels: dict[str, dict[str, str]] = {}
    for facet in facets:
        vocabulary = FACET_VOCABULARY.get(facet)
        labels[facet] = dict(choices.get(vocabulary, [])) if vocabulary else {}
    return labels
