"""The one task every JobRun runs through (anjian.jobs.services.start_job)."""

from django_tasks import task

from .services import execute


@task(takes_context=True)
def run_job(context, job_id):
    """Run JobRun `job_id`; returns its final state. The job's own row says how it went: a job that
    failed is still a task that ran, so the task result stays successful."""
    worker_ids = context.task_result.worker_ids
    return execute(job_id, worker_id=worker_ids[-1] if worker_ids else "")
