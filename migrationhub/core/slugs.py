"""Unique slugs, also under concurrent writers.

A slug is chosen from the free ones (`root`, `root-2`, `root-3` …) and the row saved inside a
savepoint; if another writer took the same slug in the meantime (the unique index refuses the
row), the next free one is tried. Checking first and then saving without the retry is what gave
duplicate-slug server errors when 40 people created "the same" record at once.

A model whose detail page lives at `<prefix>/<slug>/` beside fixed pages (`<prefix>/new/`)
declares those path segments in `RESERVED_SLUGS`: no record may take one, or its page would be
hidden behind the fixed one (a partnership named "New" would be unreachable).
`tests/test_slugs_reserved.py` checks every app's fixed segments are declared.
"""

from __future__ import annotations

from django.db import IntegrityError, models, transaction
from django.utils.text import slugify

ATTEMPTS = 20


def slug_root(text: str, *, fallback: str, max_length: int = 100) -> str:
    return slugify(text)[:max_length].strip("-") or fallback


def free_slug(root: str, taken: set[str]) -> str:
    """The first of `root`, `root-2`, `root-3` … that is not in `taken`."""
    slug, n = root, 2
    while slug in taken:
        slug, n = f"{root}-{n}", n + 1
    return slug


def reserved_slugs(model: type[models.Model]) -> set[str]:
    """The path segments `model`'s slugs must not take (its app's fixed pages)."""
    return set(getattr(model, "RESERVED_SLUGS", ()))


def _free_slug(model: type[models.Model], root: str, exclude_pk: object) -> str:
    taken = reserved_slugs(model) | set(
        model._default_manager.filter(slug__startswith=root)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    return free_slug(root, taken)


def save_with_unique_slug(instance: models.Model, text: str, *, fallback: str) -> None:
    """Give `instance` a unique slug made from `text` and save it (insert or update)."""
    model = type(instance)
    root = slug_root(text, fallback=fallback)
    for _attempt in range(ATTEMPTS):
        instance.slug = _free_slug(model, root, instance.pk)  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                instance.save()
            return
        except IntegrityError:
            taken = model._default_manager.filter(slug=instance.slug).exclude(pk=instance.pk)  # type: ignore[attr-defined]
            if not taken.exists():
                raise  # another constraint: not ours to hide
    raise IntegrityError(f"no free slug for {root!r} after {ATTEMPTS} attempts")
