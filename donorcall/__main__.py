"""The `donorcall` command: everything manage.py does, plus serve, worker, demo and import."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donorcall.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["donorcall", *sys.argv[1:]])


if __name__ == "__main__":
    main()
