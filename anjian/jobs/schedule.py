"""The jobs app's own periodic jobs (anjian.jobs.registry; `anjian scheduler` runs them)."""

from datetime import timedelta

from anjian.core import audit

from .pruning import prune
from .recovery import recover_stale
from .registry import periodic


@periodic("audit.verify", cron="15 2 * * *", description="夜间校验变更日志哈希链")
def verify_audit_chain(now):
    """Walk the change log's hash chain each night. A broken chain raises ChainBroken, which the
    scheduler records as the job's last error (the office's notification of it is notifications')."""
    return audit.verify_chain()


@periodic("jobs.recover_stale", every=timedelta(minutes=1), description="恢复被中断的后台任务")
def recover_stale_work(now):
    """Recover work of dead workers even when no worker is running to do it itself."""
    return recover_stale(now)


@periodic("jobs.prune", cron="45 3 * * *", description="清理30天前已结束的后台任务及其结果文件")
def prune_old_work(now):
    return prune(now)
