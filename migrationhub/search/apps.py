from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "migrationhub.search"
    label = "search"
