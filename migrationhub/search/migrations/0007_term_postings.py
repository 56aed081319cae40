"""Each term's postings (search.models.Term.postings), filled from the documents' analysed text.

Self-contained: the stored form is written here as `bitmaps.encode_postings` writes it, so that
later changes to live code cannot change what this migration does."""

from array import array

import numpy as np
from django.db import migrations, models


def _encode(ids: array) -> bytes:
    values = np.frombuffer(ids, dtype=np.uint32).astype(np.int64)
    values = np.unique(values)
    if not len(values):
        return b""
    if 4 * len(values) <= int(values[-1]) // 8 + 1:
        return b"S" + values.astype("<u4").tobytes()
    flags = np.zeros(int(values[-1]) + 1, dtype=bool)
    flags[values] = True
    return b"D" + np.packbits(flags, bitorder="little").tobytes()


def fill(apps, schema_editor):
    Document = apps.get_model("search", "Document")
    Term = apps.get_model("search", "Term")
    postings: dict[str, array] = {}
    rows = Document.objects.order_by("pk").values_list("pk", "title_terms", "body_terms")
    for pk, title_terms, body_terms in rows.iterator(chunk_size=2000):
        for term in set(title_terms.split()) | set(body_terms.split()):
            postings.setdefault(term, array("I")).append(pk)
    changed = []
    for row in Term.objects.only("pk", "term").iterator(chunk_size=2000):
        row.postings = _encode(postings.get(row.term, array("I")))
        changed.append(row)
    Term.objects.bulk_update(changed, ["postings"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_facet_bitmap_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="term",
            name="postings",
            field=models.BinaryField(default=b""),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
