from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "migrationhub.knowledge"
    label = "knowledge"
