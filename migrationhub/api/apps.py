from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "migrationhub.api"
    label = "api"
