"""A real Celery worker on the test database, through Redis (CI's second pass)."""

import os
import subprocess

import pytest
from django.db import connection

from units.benchmarks_live import celery_worker


def start_worker(*options: str, **queues) -> subprocess.Popen:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url}
    return celery_worker(
        "--loglevel=INFO",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        *options,
        **queues,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def worker():
    process = start_worker()
    yield process
    if process.poll() is None:
        stop_worker(process)
