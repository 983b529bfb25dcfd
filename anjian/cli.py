"""The `anjian` command: project commands plus every Django management command."""

import os
import sys


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["anjian", *argv])


if __name__ == "__main__":
    main()
