"""The pages under load: gunicorn instances of the app, and wrk against them and the ceiling.

``measure_pages()`` starts two gunicorn instances, page cache off and on, checks that each page
answers (a page too slow to answer 16 connections within wrk's timeout is reported, not
loaded), warms them, then runs wrk in interleaved rounds, each run on a page paired with a run
on the static ceiling on the same instance just before it. Only one instance is under load at a
time: ``drain()`` waits for what wrk left queued before the next run. ``Server``, ``wrk()``,
``fetch()`` and ``free_port()`` are handed to ``bench/proxy.py`` too, so that the page through
Varnish is measured the same way.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from bench.harness import PY, REPO, RESULTS, free_port, log

TARGETS_ORDER = ["explainer", "home", "topic", "stakeholder", "search", "rss", "watch.ics"]
# A page slower than this alone cannot answer 16 connections within wrk's 2 s timeout.
SLOW_REQUEST_SECONDS = 1.0


class Server:
    """One gunicorn instance (sync workers, as many as ``GUNICORN_WORKERS``) of the app."""

    def __init__(self, env: dict[str, str], name: str, *, page_cache: bool) -> None:
        self.name = name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [PY, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}"],
            cwd=REPO,
            env={**env, "PAGE_CACHE_ENABLED": "1" if page_cache else "0"},
            start_new_session=True,
        )

    def wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ({self.name}) exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn ({self.name}) did not answer within {timeout} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def drain(servers: dict[str, Server], key: tuple[str, str]) -> None:
    """Wait until the server just loaded has answered what wrk left queued, so that the next
    target is measured on idle workers."""
    server = servers["off" if key[1] in ("off", "static") else "on"]
    fetch(server.base + "/healthz", timeout=600)


def fetch(url: str, timeout: float = 60) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(binary: str, url: str, duration: int, threads: int, connections: int) -> dict[str, Any]:
    out = subprocess.run(
        [binary, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if os.environ.get("BENCH_DEBUG"):
        print(url, out)
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99_ms": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "non_2xx": 0,
        "socket_errors": 0,
    }
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        result["non_2xx"] = int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        result["socket_errors"] = sum(int(n) for n in match.groups())
    return result


@dataclass
class Measured:
    """What ``measure_pages()`` found, keyed by (page, page cache "off" or "on")."""

    runs: dict[tuple[str, str], list[dict[str, Any]]]
    # The ceiling's run just before each of the page's runs, on the same instance.
    ceilings: dict[tuple[str, str], list[dict[str, Any]]]
    # Response sizes in bytes, the ceiling's under ("ceiling", "static").
    sizes: dict[tuple[str, str], int]
    # The pages not loaded, and why.
    unmeasured: dict[tuple[str, str], str]


def measure_pages(
    env: dict[str, str],
    paths: dict[str, str],
    names: list[str],
    *,
    wrk_binary: str,
    duration: int,
    rounds: int,
    threads: int,
    connections: int,
) -> Measured:
    """Load each page of ``names`` (at ``paths[name]``) on both instances, paired with the
    ceiling (``/static/bench/explainer.html``, saved there beforehand)."""
    servers = {
        "off": Server(env, "page cache off", page_cache=False),
        "on": Server(env, "page cache on", page_cache=True),
    }
    try:
        for server in servers.values():
            server.wait()
        # The ceiling is measured on the same instance as the target, right before it.
        ceiling_urls = {
            mode: server.base + "/static/bench/explainer.html" for mode, server in servers.items()
        }
        urls: dict[tuple[str, str], str] = {}
        sizes: dict[tuple[str, str], int] = {
            ("ceiling", "static"): len(fetch(ceiling_urls["off"])[1])
        }
        for name in names:
            for mode, server in servers.items():
                urls[(name, mode)] = server.base + paths[name]
        unmeasured: dict[tuple[str, str], str] = {}
        for key, url in list(urls.items()):
            # Twice: the first fills the page cache on the server that has one.
            for _ in range(2):
                began = time.perf_counter()
                try:
                    code, content, _headers = fetch(url)
                except (OSError, urllib.error.URLError) as error:
                    code, content = 0, str(error).encode()
                seconds = time.perf_counter() - began
            sizes[key] = len(content)
            if code != 200:
                unmeasured[key] = f"answered {code or content.decode()[:80]}"
            elif seconds > SLOW_REQUEST_SECONDS:
                # Under 16 connections such a page only piles up a queue that outlives the run
                # and starves the next target: report it instead of loading it.
                unmeasured[key] = f"not loaded: one request alone takes {seconds:.1f} s"
            if key in unmeasured:
                log(f"{key}: {unmeasured[key]}")
                del urls[key]
        # Warm every worker's connections and caches.
        for key, url in urls.items():
            wrk(wrk_binary, url, 1, threads, connections)
            drain(servers, key)
        for url in ceiling_urls.values():
            wrk(wrk_binary, url, 1, threads, connections)
        runs: dict[tuple[str, str], list[dict[str, Any]]] = {key: [] for key in urls}
        ceilings: dict[tuple[str, str], list[dict[str, Any]]] = {key: [] for key in urls}
        for round_ in range(1, rounds + 1):
            log(f"round {round_} of {rounds}")
            for key, url in urls.items():
                # Paired: the machine is shared, so its speed drifts; a ratio taken seconds
                # apart on the same instance is what stays comparable.
                ceiling = wrk(wrk_binary, ceiling_urls[key[1]], duration, threads, connections)
                drain(servers, key)
                ceilings[key].append(ceiling)
                runs[key].append(wrk(wrk_binary, url, duration, threads, connections))
                drain(servers, key)
            RESULTS.mkdir(parents=True, exist_ok=True)
            (RESULTS / "last-raw.json").write_text(
                json.dumps(
                    {"/".join(k): {"runs": runs[k], "ceilings": ceilings[k]} for k in runs},
                    indent=1,
                )
            )
    finally:
        for server in servers.values():
            server.stop()
    return Measured(runs=runs, ceilings=ceilings, sizes=sizes, unmeasured=unmeasured)
