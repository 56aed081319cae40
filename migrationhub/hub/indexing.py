"""What the search index holds for offers: text and the facets of the offers board.

Open offers are indexed (the board is public); a withdrawn offer leaves the index. An offer past
its end date stays until withdrawn, shown as ended (its `status` facet says "ended" only after
`hub-refresh` or its next change, so the board also checks the date). Called inside the writing
service's transaction (ADR 0001).
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from migrationhub.search import services as search_services

from .models import Offer

KIND = "offer"
OPEN, ENDED = "open", "ended"


def offer_document(offer: Offer, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    translations = list(offer.translations.all())
    org = offer.organisation
    body = "\n".join(
        part
        for part in [
            offer.description,
            offer.capacity,
            f"{org.name} {org.acronym}",
            *[f"{t.title}\n{t.description}" for t in translations],
        ]
        if part
    )
    return {
        "kind": KIND,
        "object_id": offer.pk,
        "title": offer.title,
        "body": body,
        "language": offer.language_id,
        "sort_date": offer.created_at.date() if offer.created_at else None,
        "facets": {
            "kind": list(offer.kinds),
            "objective": [o.number for o in offer.objectives.all()],
            "region": [r.m49 for r in offer.regions.all()],
            "language": [lang.code for lang in offer.languages.all()],
            "stakeholder_type": [org.stakeholder_type.code],
            "status": [OPEN if offer.ends_on >= today else ENDED],
        },
    }


def indexable(ids: list[int]) -> QuerySet[Offer]:
    return (
        Offer.objects.filter(pk__in=ids)
        .select_related("organisation__stakeholder_type")
        .prefetch_related("objectives", "regions", "languages", "translations")
    )


def offer_reindex(offer: Offer, today: dt.date | None = None) -> None:
    if offer.status == Offer.OPEN:
        search_services.document_upsert(**offer_document(indexable([offer.pk]).get(), today))
    else:
        search_services.document_delete(kind=KIND, object_id=offer.pk)


def reindex_all() -> int:
    n = 0
    ids = list(Offer.objects.filter(status=Offer.OPEN).values_list("pk", flat=True))
    for offer in indexable(ids):
        search_services.document_upsert(**offer_document(offer))
        n += 1
    return n
