"""The `anjian` command: the project's commands plus every Django management command.

`anjian init-demo`, `anjian serve`, `anjian logins`, `anjian audit verify`, `anjian bench`, and any
Django command (`anjian migrate`, `anjian check --deploy`, …). Hyphenated names map to the
underscored command names (init-demo → init_demo).
"""

import os
import sys

import django
from django.core.management import execute_from_command_line, get_commands


def command_name(word):
    """The management command a word on the command line names."""
    return word.replace("-", "_")


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.settings")
    if argv and not argv[0].startswith("-"):
        argv[0] = command_name(argv[0])
        if argv[0] == "help" and len(argv) > 1:
            argv[1] = command_name(argv[1])
    if argv and argv[0] == "bench" and not _is_django_command("bench"):
        return _run_bench(argv)

    execute_from_command_line(["anjian", *argv])


def _is_django_command(name):
    django.setup()
    return name in get_commands()


def _run_bench(argv):
    # The benchmark lives in the top-level `bench` package, which need not be an installed app.
    from bench.command import Command

    Command().run_from_argv(["anjian", *argv])


if __name__ == "__main__":
    main()
