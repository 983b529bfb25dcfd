"""Job functions the tests start by dotted path, as the apps' own tasks.py modules are started."""

from anjian.core.context import current_actor
from anjian.core.errors import ServiceError
from anjian.jobs.services import JobLink, JobResult


def count_to(job, n):
    for i in range(n):
        job.progress(i + 1, n, f"第 {i + 1} 行")
    actor, _request_id = current_actor()
    return JobResult(f"{n}.txt", f"{n} by {actor.username}".encode(), "text/plain", message=f"共 {n} 行")


def say(job, text):
    return text


def refuse(job):
    raise ServiceError("筛选条件有误：没有这个镇")


def crash(job):
    raise KeyError("missing")


def link_to(job, url):
    return JobLink(url, "查看结果页", message="已生成")
