from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "migrationhub.core"
    label = "core"

    def ready(self) -> None:
        # Contribution points (core.sections): every app's `sections` module registers its own.
        autodiscover_modules("sections")
