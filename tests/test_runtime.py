"""Running donorcall: the production server, the worker, and the deployment checklist."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session

from donorcall.lib.clock import now
from donorcall.runtime.worker import STEPS, Worker, delete_expired_sessions
from donorcall.staff.models import LoginThrottle

ROOT = Path(__file__).resolve().parent.parent


def donorcall(*args: str, env: dict[str, str], timeout: int = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "donorcall", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DEBUG="false",
        DONORCALL_DATA_DIR=str(tmp_path),
        SECRET_KEY="x" * 20 + "production-secret-key-that-is-long-enough-42",
        ALLOWED_HOSTS="127.0.0.1,calls.example.org",
    )
    return env


def test_deploy_checklist_is_clean_with_production_settings(tmp_path):
    env = production_env(tmp_path) | {"DONORCALL_HTTPS": "true"}
    result = donorcall("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_serve_runs_gunicorn_and_serves_pages_and_static_files(tmp_path):
    env = production_env(tmp_path)
    assert donorcall("migrate", "-v0", env=env).returncode == 0
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "donorcall", "serve", f"--bind=127.0.0.1:{port}", "--workers=1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = wait_for(f"http://127.0.0.1:{port}/login/")
        assert b"Sign in to donorcall" in page
        css_url = page.split(b'rel="stylesheet" href="')[1].split(b'"')[0].decode()
        assert "app." in css_url and css_url != "/static/donorcall/app.css"  # hashed name
        assert b"--brand" in wait_for(f"http://127.0.0.1:{port}{css_url}")
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "gunicorn" in output.lower() or "Booting worker" in output
    assert "/login/" in output  # the access log names the path and nothing else


@pytest.mark.django_db
def test_worker_deletes_expired_sessions_and_keeps_live_ones():
    live, dead = SessionStore(), SessionStore()
    live.create()
    dead.create()
    Session.objects.filter(pk=dead.session_key).update(expire_date=now() - timedelta(minutes=1))

    assert delete_expired_sessions() is True
    assert delete_expired_sessions() is False  # nothing left to do: the loop may sleep
    assert list(Session.objects.values_list("pk", flat=True)) == [live.session_key]


@pytest.mark.django_db
def test_worker_forgets_stale_sign_in_failures_but_not_a_running_lockout():
    LoginThrottle.objects.create(
        username="old", failures=3, last_failure_at=now() - timedelta(days=2)
    )
    LoginThrottle.objects.create(
        username="locked",
        failures=0,
        last_failure_at=now() - timedelta(days=2),
        locked_until=now() + timedelta(minutes=5),
    )
    Worker(STEPS).run_once()
    assert list(LoginThrottle.objects.values_list("username", flat=True)) == ["locked"]


@pytest.mark.django_db
def test_a_failing_step_does_not_stop_the_others():
    ran = []

    def broken() -> bool:
        raise RuntimeError("boom")

    def healthy() -> bool:
        ran.append(True)
        return True

    assert Worker([broken, healthy]).run_once() is True
    assert ran == [True]


def test_worker_stops_cleanly_on_sigterm(tmp_path):
    env = production_env(tmp_path)
    assert donorcall("migrate", "-v0", env=env).returncode == 0
    worker = subprocess.Popen(
        [sys.executable, "-m", "donorcall", "worker", "--idle=0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # SIGTERM once it has said it started: a fixed sleep lost the race on a loaded machine,
    # killing the process before Django (and so the handler) was set up.
    started = worker.stdout.readline() if worker.stdout else ""
    assert "worker started" in started, started
    time.sleep(0.5)  # into its loop
    worker.terminate()
    output, _ = worker.communicate(timeout=15)
    assert worker.returncode == 0, started + output
    assert "worker stopped" in output
