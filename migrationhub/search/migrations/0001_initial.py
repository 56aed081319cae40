from django.db import migrations, models
import django.db.models.deletion


def install_fulltext(apps, schema_editor):
    """The full-text structures are installed by 0003, over the analysed text that this schema
    does not have yet (the backends' `install()` is always the newest schema's)."""


def uninstall_fulltext(apps, schema_editor):
    from migrationhub.search.backends import backend_for

    backend_for(schema_editor.connection).uninstall()


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Document",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=20)),
                ("object_id", models.BigIntegerField()),
                ("title", models.TextField()),
                ("body", models.TextField()),
                ("language", models.CharField(default="en", max_length=10)),
                ("sort_date", models.DateField(blank=True, null=True)),
            ],
            options={"db_table": "search_document"},
        ),
        migrations.CreateModel(
            name="DocumentFacet",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("facet", models.CharField(max_length=20)),
                ("value", models.CharField(max_length=40)),
                ("document", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="facets", to="search.document")),
            ],
            options={"db_table": "search_facet"},
        ),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.UniqueConstraint(fields=("kind", "object_id"), name="unique_search_document"),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(fields=["kind", "sort_date"], name="search_doc_kind_date"),
        ),
        migrations.AddIndex(
            model_name="documentfacet",
            index=models.Index(fields=["facet", "value", "document"], name="search_facet_fvd"),
        ),
        migrations.AddIndex(
            model_name="documentfacet",
            index=models.Index(fields=["document", "facet", "value"], name="search_facet_dfv"),
        ),
        migrations.RunPython(install_fulltext, uninstall_fulltext),
    ]
