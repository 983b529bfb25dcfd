from django_tasks import task


@task()
def noop():
    return "ok"
