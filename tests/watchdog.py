"""The test run's watchdog (a pytest plugin, registered by tests/conftest.py).

A test that hangs with the interpreter's lock held (a C call that never
returns) is out of pytest-timeout's reach (pyproject.toml: its thread needs that
lock): faulthandler's own thread prints every thread's stack and ends the
process after WATCHDOG_SECONDS, so that xdist reports the test as crashed and
goes on, instead of the run waiting until CI's limit with nothing to read.
SIGUSR1 prints the stacks too (.ci/run sends it when a pass runs too long)."""

import faulthandler
import os
import signal

import pytest

WATCHDOG_SECONDS = int(os.environ.get("TEST_WATCHDOG_SECONDS", "900"))
STACKS = {}


def pytest_configure(config):
    # Capture is suspended here: descriptor 2 is the run's own stderr.
    STACKS["file"] = os.fdopen(os.dup(2), "w")
    faulthandler.register(signal.SIGUSR1, file=STACKS["file"], all_threads=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    faulthandler.dump_traceback_later(WATCHDOG_SECONDS, exit=True, file=STACKS["file"])
    try:
        return (yield)
    finally:
        faulthandler.cancel_dump_traceback_later()
