"""The rows `anjian worker` keeps to show it is alive, and the thread that keeps them fresh."""

import logging
import os
import socket
import threading

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string

from .models import WorkerHeartbeat
from .recovery import recover_stale

logger = logging.getLogger(__name__)


def beat_interval():
    """Seconds between beats: four beats fit in the stale limit, so one late beat is no death."""
    return max(1.0, settings.ANJIAN_WORKER_STALE_SECONDS / 4)


def new_worker_id():
    # Unique across the pool and readable in the task results: host, pid and a random tail.
    return f"{socket.gethostname()[:32]}-{os.getpid()}-{get_random_string(8)}"[:64]


def register(worker_id, *, backend, queues):
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "backend": backend[:32],
            "queues": ",".join(queues)[:200],
            "started_at": now,
            "beat_at": now,
        },
    )


def beat(worker_id):
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=timezone.now())


def unregister(worker_id):
    """A worker that exits removes its row: what it still held is then recovered at once."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


class Heartbeat(threading.Thread):
    """Beats every beat_interval() and recovers stale work every stale limit, until stopped."""

    def __init__(self, worker_id):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self):
        interval = beat_interval()
        recover_every = max(1, round(settings.ANJIAN_WORKER_STALE_SECONDS / interval))
        beats = 0
        try:
            while not self.stopped.wait(interval):
                beats += 1
                self._safely(beat, self.worker_id)
                if beats % recover_every == 0:
                    self._safely(recover_stale)
        finally:
            connection.close()

    def _safely(self, func, *args):
        # A database hiccup must not kill the heartbeat for good: the next beat tries again.
        try:
            func(*args)
        except Exception:  # noqa: BLE001
            logger.exception("worker %s: %s failed", self.worker_id, func.__name__)
            connection.close()

    def stop(self):
        self.stopped.set()
        self.join()
