from django.db import migrations, models


def analyse_and_install(apps, schema_editor):
    """Analyse the documents already indexed (stemming and stop words per language), install the
    full-text structures over the analysed text, and build the terms (champion lists)."""
    from migrationhub.search import analysis
    from migrationhub.search.backends import backend_for
    from migrationhub.search.services import terms_rebuild

    backend = backend_for(schema_editor.connection)
    backend.uninstall()
    Document = apps.get_model("search", "Document")
    batch = []
    for document in Document.objects.order_by("pk").iterator(chunk_size=2000):
        document.title_terms = analysis.index_text(document.title, document.language)
        document.body_terms = analysis.index_text(document.body, document.language)
        batch.append(document)
        if len(batch) >= 2000:
            Document.objects.bulk_update(batch, ["title_terms", "body_terms"])
            batch = []
    Document.objects.bulk_update(batch, ["title_terms", "body_terms"])
    backend.install()
    terms_rebuild()


def uninstall(apps, schema_editor):
    from migrationhub.search.backends import backend_for

    backend_for(schema_editor.connection).uninstall()


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_facet_bitmaps"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="title_terms",
            field=models.TextField(default=""),
        ),
        migrations.AddField(
            model_name="document",
            name="body_terms",
            field=models.TextField(default=""),
        ),
        migrations.CreateModel(
            name="Term",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("term", models.CharField(max_length=64, unique=True)),
                ("word", models.CharField(default="", max_length=64)),
                ("documents", models.IntegerField(default=0)),
                ("floor", models.FloatField(default=0.0)),
                ("champions", models.BinaryField(default=b"")),
            ],
            options={"db_table": "search_term"},
        ),
        migrations.CreateModel(
            name="IndexState",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("documents", models.IntegerField(default=0)),
                ("tokens", models.BigIntegerField(default=0)),
                ("analysis", models.IntegerField(default=0)),
            ],
            options={"db_table": "search_index_state"},
        ),
        migrations.RunPython(analyse_and_install, uninstall),
    ]
