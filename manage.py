#!/usr/bin/env python
"""Django's manage.py; the `migrationhub` command is the friendlier front door."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migrationhub.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
