"""The `migrationhub` command: help, unknown commands, and each command's real effect."""

import pytest
from django.core.management import call_command

from migrationhub import cli
from migrationhub.accounts.models import User
from migrationhub.knowledge.models import Practice
from migrationhub.organisations.models import Organisation


def test_help_lists_every_command(capsys):
    cli.main(["--help"])
    out = capsys.readouterr().out
    for name in [*cli.COMMANDS, "serve", "manage"]:
        assert f"migrationhub {name}" in out


def test_unknown_command_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["frobnicate"])
    assert exc.value.code == 2
    assert "unknown command" in capsys.readouterr().err


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_dry_run_writes_nothing(reference, capsys):
    call_command("knowledge_load_demo", "--dry-run")
    assert Practice.objects.count() == 0
    call_command("knowledge_load_demo")
    practices, organisations = Practice.objects.count(), Organisation.objects.count()
    assert practices >= 60 and organisations >= 50
    call_command("knowledge_load_demo")
    assert (Practice.objects.count(), Organisation.objects.count()) == (practices, organisations)
    call_command("knowledge_load_demo", "--if-empty")
    assert "already loaded" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_content_has_provenance_and_is_searchable(reference):
    from migrationhub.knowledge.selectors import practice_search

    call_command("knowledge_load_demo")
    for practice in Practice.objects.all():
        assert practice.provenance and practice.provenance[0]["quote"], practice.slug
        assert practice.status == Practice.PUBLISHED
    result = practice_search("ethical recruitment", {})
    assert result.total >= 1
    found = [r.object for r in result.page.items]
    assert any("IRIS" in p.title or "recruit" in p.title.lower() for p in found)


@pytest.mark.django_db
def test_createadmin_makes_a_verified_platform_admin(reference, capsys):
    call_command("accounts_createadmin", "Admin@Example.org", "--password", "a strong passphrase")
    user = User.objects.get(email="admin@example.org")
    assert user.is_staff and user.is_superuser and user.reviewer_role == User.INTERNAL
    assert user.check_password("a strong passphrase")
    assert user.emailaddress_set.filter(verified=True).exists()


@pytest.mark.django_db
def test_search_rebuild_reindexes(reference):
    from migrationhub.search.models import Document

    call_command("knowledge_load_demo")
    before = Document.objects.count()
    Document.objects.all().delete()
    call_command("search_rebuild")
    assert Document.objects.count() == before


@pytest.mark.django_db
def test_migrations_are_in_step_with_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_createadmin_refuses_a_non_address(reference):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("accounts_createadmin", "notanemail")
    assert not User.objects.filter(email="notanemail").exists()


def test_export_to_standard_output_is_pure_csv(tmp_path):
    import subprocess
    import sys

    env = {"MIGRATIONHUB_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    migrate = [sys.executable, "-m", "migrationhub.cli", "migrate"]
    subprocess.run(migrate, env=env, check=True, capture_output=True, timeout=300)
    result = subprocess.run(
        [sys.executable, "-m", "migrationhub.cli", "export", "organisations", "csv"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.splitlines()[0].startswith("slug,name,")


def test_serve_help_explains_and_does_not_serve(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["serve", "--help"])
    assert exc.value.code == 0
    assert "usage: migrationhub serve" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["import", "import-remittances", "export", "load-demo"])
def test_usage_lines_use_the_public_names(name, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main([name, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: migrationhub {name} ")
    assert "_" not in out.split("\n")[0].split()[2]
