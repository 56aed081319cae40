"""The real RPW data, loaded once per test module that asks for it, and removed afterwards."""

import pytest


def _wipe():
    from migrationhub.remittances import models

    for model in (
        models.CorridorStat,
        models.IndicatorValue,
        models.PublishedCorridorCost,
        models.Quote,
        models.QuoteImport,
        models.Service,
        models.Provider,
        models.RemittanceFlow,
        models.Corridor,
    ):
        model.objects.all().delete()


@pytest.fixture(scope="module")
def rpw_data(django_db_setup, django_db_blocker):
    """Everything `make run` loads: the 28,467 RPW rows, the published series, the flows."""
    from migrationhub.remittances.services import remittances_load_shipped

    with django_db_blocker.unblock():
        counts = remittances_load_shipped(actor=None)
    yield counts
    with django_db_blocker.unblock():
        _wipe()
