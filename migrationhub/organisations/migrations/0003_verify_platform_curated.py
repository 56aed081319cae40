"""Organisations that the platform itself registered (curated from documents, no member) were
vetted when they were curated: they start verified. Every other existing organisation starts
unverified, like a new one, until a platform admin verifies it (ADR 0004)."""

from django.db import migrations
from django.utils import timezone


def verify_curated(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    Organisation.objects.filter(memberships__isnull=True, verified_at__isnull=True).update(
        verified_at=timezone.now(),
        verification_evidence="Curated by the platform before verification existed.",
    )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_verification_join_requests_invitations")]

    operations = [migrations.RunPython(verify_curated, migrations.RunPython.noop)]
