"""`storyline serve --workers N`: several processes serve one store; one BLAS thread each."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import storyline
from storyline.web.guard import ServeError
from storyline.web.multi import limit_blas_threads, serve_workers

SAMPLE = Path(storyline.__file__).parent / "sample" / "articles.jsonl"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=30) as r:
        return int(r.status), r.read()


@pytest.mark.slow
def test_two_workers_serve_one_store(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    sl = storyline.open(db, encoder="hashing")
    sl.ingest([SAMPLE])
    story = sl.stories()[0].id
    sl.close()
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    cmd = [sys.executable, "-c", "from storyline.cli import main; main()", "--db", str(db),
           "--encoder", "hashing", "serve", "--read-only", "--port", str(port),
           "--workers", "2", "--watch-every", "3600"]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if _get(base + "/api/health")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.5)
        for path in ("/", f"/stories/{story}", "/api/stories", "/search?q=bridge"):
            status, body = _get(base + path)
            assert status == 200 and body
        # both workers started and stayed up (none killed by the supervisor's health check)
        deadline = time.monotonic() + 120
        while (text := (tmp_path / "serve.log").read_text()).count("Started server process") < 2:
            assert time.monotonic() < deadline, text
            time.sleep(0.5)
        assert "died" not in text and "was not ready" not in text, text
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_workers_need_a_shared_store() -> None:
    with pytest.raises(ServeError, match="in-memory"):
        serve_workers(":memory:", "hashing", workers=2, max_body=1024)
    with pytest.raises(ServeError, match="2 or more"):
        serve_workers("x.db", "hashing", workers=1, max_body=1024)


def test_one_blas_thread_per_server(monkeypatch: pytest.MonkeyPatch) -> None:
    from threadpoolctl import threadpool_info, threadpool_limits

    blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    if not blas:
        pytest.skip("numpy has no BLAS library that threadpoolctl can see")
    with threadpool_limits(limits=None):  # restores the setting after the test
        monkeypatch.delenv("STORYLINE_BLAS_THREADS", raising=False)
        limit_blas_threads()
        assert {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"} == {1}
        monkeypatch.setenv("STORYLINE_BLAS_THREADS", "0")  # 0: left as it is
        before = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
        limit_blas_threads()
        assert [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"] == before
