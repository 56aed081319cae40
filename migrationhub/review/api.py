"""The review app over the API."""

from ninja import Router

router = Router(tags=["review"])
