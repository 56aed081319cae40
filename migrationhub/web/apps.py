from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "migrationhub.web"
    label = "web"
