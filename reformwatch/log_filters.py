"""Logging filters of the portal's console."""

import logging


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
