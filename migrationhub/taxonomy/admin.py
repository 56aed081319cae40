"""Reference vocabularies in the admin, read-only: they are loaded from data/reference/ by
`migrationhub load-reference`, never typed in."""

from django.contrib import admin

from migrationhub.core.admin import ReadOnlyAdmin

from . import models

for _model in (
    models.Objective,
    models.ObjectiveAction,
    models.Principle,
    models.Area,
    models.Level,
    models.StakeholderType,
    models.Language,
    models.Region,
    models.Country,
    models.SdgGoal,
    models.SdgTarget,
    models.SdgIndicator,
):
    admin.site.register(_model, ReadOnlyAdmin)
