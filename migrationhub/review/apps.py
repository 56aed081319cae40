from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "migrationhub.review"
    verbose_name = "Review"
