"""A real HTTP server on loopback that stands in for a provider (a DingTalk or WeCom robot, a work
notice gateway, an SMS API) in the channel tests.

It records every request (path, query, headers, JSON or form body) and answers from a queue the test
fills: `Reply(status, body)`, `Close()` (the connection is dropped with no answer) or `Hold(event)`
(the answer waits until the test sets the event). With the queue empty it answers `default`.

    with ProviderServer() as server:
        server.answer(Reply(200, {"errcode": 130101, "errmsg": "send too fast"}))
        ... server.url("/robot/send?access_token=t") ...
        server.requests[0].query["sign"]
"""

import json
import threading
import urllib.parse
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.contrib.auth import get_user_model

from anjian.notifications.models import Channel, NotificationSettings
from anjian.org.models import Person, Unit

DINGTALK_OK = {"errcode": 0, "errmsg": "ok"}
DINGTALK_TOO_FAST = {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}
DINGTALK_SIGN_WRONG = {"errcode": 310000, "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com/]"}
WECOM_OK = {"errcode": 0, "errmsg": "ok"}
WECOM_TOO_FAST = {"errcode": 45009, "errmsg": "api freq out of limit"}
WECOM_BAD_WEBHOOK = {"errcode": 93000, "errmsg": "invalid webhook url"}
SMS_OK = {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "F655A8D5"}
SMS_LIMIT = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发天级流控Permits:10", "RequestId": "A1"}
SMS_BAD_NUMBER = {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号", "RequestId": "A2"}


@dataclass
class Reply:
    status: int = 200
    body: object = field(default_factory=lambda: dict(DINGTALK_OK))


@dataclass
class Close:
    """Drop the connection without an answer."""


@dataclass
class Hold:
    """Answer `then` only once `event` is set (bounded by `timeout` seconds, so a failing test ends)."""

    event: threading.Event
    then: Reply = field(default_factory=Reply)
    timeout: float = 20


@dataclass
class Recorded:
    method: str
    path: str
    query: dict
    headers: object
    raw: bytes
    json: object = None
    form: dict = field(default_factory=dict)


class _Handler(BaseHTTPRequestHandler):
    server_version = "provider-stub"

    def do_POST(self):  # noqa: N802 (http.server's naming)
        owner = self.server.owner
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        owner.record(self._recorded(raw))
        self._answer(owner.next_answer())

    def _recorded(self, raw):
        split = urllib.parse.urlsplit(self.path)
        query = {key: values[0] for key, values in urllib.parse.parse_qs(split.query).items()}
        content_type = self.headers.get("Content-Type", "")
        text = raw.decode("utf-8", errors="replace")
        body_json, form = None, {}
        if "json" in content_type:
            body_json = json.loads(text or "null")
        elif "form" in content_type:
            form = {key: values[0] for key, values in urllib.parse.parse_qs(text).items()}
        # The message object: header names are case-insensitive, as on the wire.
        return Recorded("POST", split.path, query, self.headers, raw, body_json, form)

    def _answer(self, answer):
        if isinstance(answer, Hold):
            answer.event.wait(answer.timeout)
            answer = answer.then
        if isinstance(answer, Close):
            self.close_connection = True
            return
        body = answer.body if isinstance(answer.body, (bytes, str)) else json.dumps(answer.body)
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(answer.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        pass  # the tests read `requests`, not the console


class ProviderServer:
    def __init__(self, default=None):
        self.default = default or Reply()
        self.requests = []
        self._queue = deque()
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.owner = self
        # A short poll keeps shutdown quick (the default half second adds up over a suite).
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    @property
    def base_url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path="/"):
        return self.base_url + path

    def answer(self, *answers):
        """Queue answers for the next requests, in order."""
        with self._lock:
            self._queue.extend(answers)

    def next_answer(self):
        with self._lock:
            return self._queue.popleft() if self._queue else self.default

    def record(self, request):
        with self._arrived:
            self.requests.append(request)
            self._arrived.notify_all()

    def wait_for(self, count, timeout=10):
        """Block until `count` requests have arrived (True) or `timeout` seconds pass (False)."""
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self.requests) >= count, timeout)


# ---- the rows a provider's tests need ------------------------------------------------------------


def make_person(username, *, email="", phone="", unit=None, work_notice_id=""):
    """A user with a Person (phone, unit) and, when given, a work-notice id."""
    user = get_user_model().objects.create_user(username=username, email=email, password="x-test-pw-1")
    Person.objects.create(name=username, phone=phone, unit=unit, user=user)
    if work_notice_id:
        NotificationSettings.objects.create(user=user, work_notice_id=work_notice_id)
    return user


def make_channel(kind, *, unit=None, code=None, **config):
    return Channel.objects.create(
        code=code or f"{kind.replace('_', '-')}-{Channel.objects.count() + 1}",
        name=code or kind,
        kind=kind,
        unit=unit,
        config=config,
    )


def make_unit(name="泽国镇人民政府"):
    return Unit.objects.create(name=name, kind=Unit.Kind.TOWN)
