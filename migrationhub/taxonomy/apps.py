from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "migrationhub.taxonomy"
    label = "taxonomy"
