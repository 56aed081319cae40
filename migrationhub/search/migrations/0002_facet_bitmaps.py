import secrets
from collections import defaultdict

from django.db import migrations, models


def reinstall_and_count(apps, schema_editor):
    """The facet bitsets of the documents already indexed. (This migration also re-installed the
    full-text schema of its day; 0003 installs today's.)"""
    from migrationhub.search import bitmaps

    Document = apps.get_model("search", "Document")
    DocumentFacet = apps.get_model("search", "DocumentFacet")
    FacetBitmap = apps.get_model("search", "FacetBitmap")
    ids = defaultdict(list)
    for pk, kind in Document.objects.values_list("pk", "kind").iterator(chunk_size=10000):
        ids[("~kind", kind)].append(pk)
    rows = DocumentFacet.objects.values_list("facet", "value", "document_id")
    for facet, value, pk in rows.iterator(chunk_size=10000):
        ids[(facet, value)].append(pk)
    FacetBitmap.objects.bulk_create(
        [
            FacetBitmap(
                facet=facet,
                value=value,
                bits=bitmaps.to_bytes(bitmaps.from_ids(pks)),
                version=secrets.randbits(62),
            )
            for (facet, value), pks in sorted(ids.items())
        ],
        batch_size=200,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="FacetBitmap",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("facet", models.CharField(max_length=20)),
                ("value", models.CharField(max_length=40)),
                ("bits", models.BinaryField(default=b"")),
                ("version", models.BigIntegerField(default=0)),
            ],
            options={"db_table": "search_facet_bitmap"},
        ),
        migrations.RemoveIndex(model_name="documentfacet", name="search_facet_dfv"),
        migrations.AddConstraint(
            model_name="facetbitmap",
            constraint=models.UniqueConstraint(fields=("facet", "value"), name="unique_search_facet_bitmap"),
        ),
        migrations.RunPython(reinstall_and_count, migrations.RunPython.noop),
    ]
