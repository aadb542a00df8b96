"""Logging filters of the portal's console."""

import logging
import threading
import time


class ExpectedClientErrors(logging.Filter):
    """A refused request (403, 404, 405 …) is the portal doing its job: logged
    as one line, without the traceback Django attaches to it (each expected
    403 printed two in the runserver console). Server errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


class OncePerMinute(logging.Filter):
    """One record a minute per logger and message in this process, the count of
    those left out added to the next: django-redis logs every command it
    ignores, and a Redis that is down would fill the log with a traceback for
    each cache read of each request."""

    SECONDS = 60

    def __init__(self, name: str = ""):
        super().__init__(name)
        self.last: dict[tuple[str, str], float] = {}
        self.left_out: dict[tuple[str, str], int] = {}
        self.lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, str(record.msg))
        now = time.monotonic()
        with self.lock:
            if now - self.last.get(key, -self.SECONDS) < self.SECONDS:
                self.left_out[key] = self.left_out.get(key, 0) + 1
                return False
            self.last[key] = now
            left_out = self.left_out.pop(key, 0)
        if left_out:
            record.msg = f"{record.msg} ({left_out} more since the last one)"
        return True
