"""The run's watchdog (tests/watchdog.py) ends a test that holds the
interpreter's lock forever, with its stack, where pytest-timeout cannot."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_test_stuck_in_c_with_the_lock_held_ends_with_its_stack(tmp_path):
    (tmp_path / "test_stuck.py").write_text(
        textwrap.dedent(
            """
            import re

            def test_stuck_in_the_regex_engine():
                re.match(r"(a+)+$", "a" * 64 + "b")  # never returns, lock held
            """
        )
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:django"]
        + ["-p", "no:xdist", "-p", "tests.watchdog", "-c", "/dev/null"]
        + ["--rootdir", str(tmp_path), str(tmp_path / "test_stuck.py")],
        env={"TEST_WATCHDOG_SECONDS": "2", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert "Timeout (0:00:02)!" in run.stderr
    assert "in test_stuck_in_the_regex_engine" in run.stderr
