from django.core.management import call_command

from anjian.jobs.services import start_job


def start(user, func="say", **params):
    return start_job(
        user, kind="test", title="测试任务", func_path=f"anjian.jobs.tests.jobfuncs.{func}", params=params
    )


def work():
    """Run what is queued through the real database backend and `anjian worker --once`."""
    call_command("worker", "--once")
