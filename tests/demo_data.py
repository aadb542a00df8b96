"""The demo data loaded once per test database, in layers: `demo` (load_demo as
a clerk finds it) and `demo_figures` (the demo with its figures computed). Each
layer is an open transaction (the first) or savepoint (the next) that the tests
reading it nest in: each test rolls back to its own savepoint, so they all find
the layer as it was loaded. tests/conftest.py runs the tests of a layer one
after another and peels the layers off when the next test needs fewer, so each
is loaded once however many modules read it."""

import os

from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from units.services.recompute import recompute


def _load_demo() -> None:
    debug, settings.DEBUG = settings.DEBUG, True  # demo users: embedded mode only
    try:
        with open(os.devnull, "w") as quiet:
            call_command("load_demo", stdout=quiet)
    finally:
        settings.DEBUG = debug


def _compute_figures() -> None:
    recompute(trigger="manual", everything=True)  # what the commit would have run


# The fixtures a test names, bottom layer first, with what each adds.
LAYERS = [("demo", _load_demo), ("demo_figures", _compute_figures)]


def depth(item) -> int:
    """How many layers a test reads: 0 (none), 1 (the demo), 2 (with figures)."""
    names = getattr(item, "fixturenames", ()) if item is not None else ()
    return max((i + 1 for i, (name, _load) in enumerate(LAYERS) if name in names), default=0)


class DemoData:
    """The stack of open layers: `reach(n)` loads the missing ones up to n,
    `peel(n)` rolls back those above n. `loads` counts what was loaded."""

    def __init__(self, blocker):
        self.blocker = blocker
        self.open: list[transaction.Atomic] = []
        self.loads = 0

    def reach(self, wanted: int) -> None:
        self.peel(wanted)
        with self.blocker.unblock():
            while len(self.open) < wanted:
                atomic = transaction.atomic()
                atomic.__enter__()
                self.open.append(atomic)
                try:
                    LAYERS[len(self.open) - 1][1]()
                except BaseException:
                    self.peel(len(self.open) - 1)
                    raise
                self.loads += 1

    def peel(self, wanted: int) -> None:
        with self.blocker.unblock():
            while len(self.open) > wanted:
                transaction.set_rollback(True)
                self.open.pop().__exit__(None, None, None)
