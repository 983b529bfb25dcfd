"""`anjian worker [--once] [--queue NAMES] [--interval S]`: run the background tasks.

With the database backend (the default) it runs django-tasks-db's worker; with
ANJIAN_TASKS_BACKEND=rq it runs an rq worker for django-tasks-rq. Either way it registers a
WorkerHeartbeat, beats it from a thread and recovers the work of dead workers
(anjian.jobs.recovery) on start and then every ANJIAN_WORKER_STALE_SECONDS.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS

from anjian.jobs import workers
from anjian.jobs.recovery import recover_stale


class Command(BaseCommand):
    help = "运行后台任务（导出、导入、排名计算等）；--once 处理完队列中的任务后退出。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            "--batch",
            action="store_true",
            dest="once",
            help="处理完已排队的任务后退出（用于测试和 cron）",
        )
        parser.add_argument("--queue", default="default", help="要处理的队列，逗号分隔，默认 default")
        parser.add_argument("--interval", type=float, default=1.0, help="队列为空时的轮询间隔（秒），默认 1")
        parser.add_argument(
            "--worker-id", default="", help="工作进程标识（默认自动生成，须在所有工作进程中唯一）"
        )

    def handle(self, *args, once, queue, interval, worker_id, **options):
        backend = settings.ANJIAN_TASKS_BACKEND
        if backend == "immediate":
            raise CommandError(
                "ANJIAN_TASKS_BACKEND=immediate：任务在发起它的进程中直接执行，无需启动 worker。"
            )
        queues = [name.strip() for name in queue.split(",") if name.strip()]
        if not queues:
            raise CommandError("--queue 不能为空。")
        worker_id = worker_id or workers.new_worker_id()
        workers.register(worker_id, backend=backend, queues=queues)
        recovered = recover_stale()
        if recovered.requeued or recovered.failed:
            self.stdout.write(
                f"已恢复中断的任务：重新排队 {recovered.requeued} 个，标记失败 {recovered.failed} 个"
            )
        # --once runs in one thread: the tests' database (and cron's short run) need no heartbeat.
        heartbeat = None if once else workers.Heartbeat(worker_id)
        if heartbeat:
            heartbeat.start()
        try:
            if backend == "rq":
                self._run_rq(worker_id, queues, once)
            else:
                self._run_db(worker_id, queues, once, interval)
        finally:
            if heartbeat:
                heartbeat.stop()
            workers.unregister(worker_id)

    def _run_db(self, worker_id, queues, once, interval):
        from django_tasks_db.management.commands.db_worker import Worker  # noqa: PLC0415

        worker = Worker(
            queue_names=queues,
            interval=interval,
            batch=once,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=not once,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        if not once:
            # SIGTERM (systemd stop) finishes the running task, then exits through `finally`.
            worker.configure_signals()
        worker.run()

    def _run_rq(self, worker_id, queues, once):
        call_command("rqworker", *queues, job_class="django_tasks_rq.Job", burst=once, name=worker_id)
