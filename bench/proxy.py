"""The proxy part of `make bench`: the explainer page through Varnish, and publish-to-visible.

A gunicorn instance (page cache on, tags for Varnish) behind a real Varnish 7.1 with
deploy/varnish/default.vcl. Measured, paired with the static ceiling on the same instance:
the explainer page served by Varnish (a cache hit). Then 20 times: an editor republishes the
explainer under a new headline through the workflow's own moves (revise, submit, approve,
publish, as the desk calls them), and the clock runs from the call until a reader asking
Varnish gets the new headline.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
VCL = REPO / "deploy" / "varnish" / "default.vcl"
PUBLISHES = 20


def varnish_available() -> bool:
    return shutil.which("varnishd") is not None and bool(
        list(Path("/usr/lib").glob("*/varnish/vmods/libvmod_xkey.so"))
    )


class Varnish:
    def __init__(self, backend_port: int, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.workdir = Path(tempfile.mkdtemp(prefix="bench-varnish-", dir="/var/tmp"))
        self.workdir.chmod(0o755)
        vcl = VCL.read_text().replace('.port = "8000"', f'.port = "{backend_port}"')
        (self.workdir / "default.vcl").write_text(vcl)
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                shutil.which("varnishd") or "varnishd",
                "-F",
                "-f",
                str(self.workdir / "default.vcl"),
                "-a",
                f"127.0.0.1:{port}",
                "-n",
                str(self.workdir / "state"),
                "-s",
                "malloc,256m",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def wait(self, timeout: float = 30) -> None:
        """Return once Varnish accepts connections; raise if it exits or never does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"varnishd exited with {self.process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"varnishd did not start within {timeout} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(15)
        shutil.rmtree(self.workdir, ignore_errors=True)


def republish(slug: str, headline: str) -> float:
    """Take the live explainer at ``slug`` through the desk's moves under a new headline;
    return the moment (perf_counter) the publish move was called."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from articles import roles
    from articles.models import Explainer, PublishedVersion
    from articles.publishing import moves as publication
    from articles.workflow import moves as workflow

    users = get_user_model().objects
    editor, checker = users.get(username="bulk_editor"), users.get(username="bulk_checker")
    # The bench's own desk people, in the roles the moves ask of them.
    Group.objects.get(name=roles.EDITOR).user_set.add(editor)
    Group.objects.get(name=roles.FACT_CHECKER).user_set.add(checker)
    explainer_id = PublishedVersion.objects.filter(slug=slug).values("explainer_id")[:1]
    explainer = Explainer.objects.get(pk__in=explainer_id)
    workflow.revise(explainer, by=editor)
    Explainer.objects.filter(pk=explainer.pk).update(
        title=headline,
        change_note="A new headline (benchmark).",
        takeaways=explainer.takeaways
        or "The first thing to know.\nThe second thing to know.\nThe third thing to know.",
    )
    explainer.refresh_from_db()
    workflow.submit(explainer, by=editor)
    workflow.approve(explainer, by=checker)
    clicked = time.perf_counter()
    publication.publish(explainer, by=editor)
    return clicked


def publish_to_visible(varnish: Varnish, path: str, slug: str, fetch: Any) -> dict[str, Any]:
    """Republish ``PUBLISHES`` times; return the delays (ms) until Varnish shows each."""
    delays: list[float] = []
    for n in range(1, PUBLISHES + 1):
        fetch(varnish.url + path)  # kept by Varnish before the move
        headline = f"Benchmark headline {n} {time.time_ns()}"
        clicked = republish(slug, headline)
        while True:
            _code, body, _headers = fetch(varnish.url + path)
            if headline.encode() in body:
                delays.append((time.perf_counter() - clicked) * 1000)
                break
            if time.perf_counter() - clicked > 30:
                raise RuntimeError(f"publish {n} not visible through Varnish after 30 s")
            time.sleep(0.005)
    return {
        "publishes": PUBLISHES,
        "median_ms": round(statistics.median(delays), 1),
        "max_ms": round(max(delays), 1),
    }


def proxy_stage(
    env: dict[str, str],
    server_class: Any,
    wrk: Any,
    fetch: Any,
    free_port: Any,
    *,
    path: str,
    wrk_binary: str,
    duration: int,
    rounds: int,
    threads: int,
    connections: int,
) -> dict[str, Any]:
    """Run the proxy measurements; ``server_class``, ``wrk``, ``fetch`` and ``free_port`` are
    bench/pages.py's own, so that the proxy is measured exactly as the pages are."""
    from django.test import override_settings

    varnish_port = free_port()
    varnish_url = f"http://127.0.0.1:{varnish_port}"
    proxied = {
        **env,
        "FRONTEND_CACHE_BACKEND": "varnish",
        "FRONTEND_CACHE_VARNISH_URLS": varnish_url,
    }
    server = server_class(proxied, "behind Varnish", page_cache=True)
    varnish = Varnish(server.port, varnish_port)
    varnish.wait()
    # This process publishes, so it purges too, as an app server with the page cache on would;
    # only for this stage: the in-process measurements after it run with the page cache off.
    frontend = override_settings(
        PAGE_CACHE_ENABLED=True,
        FRONTEND_CACHE_BACKEND="varnish",
        FRONTEND_CACHE_VARNISH_URLS=[varnish_url],
    )
    try:
        with frontend:
            server.wait()
            ceiling_url = server.base + "/static/bench/explainer.html"
            page_url = varnish.url + path
            for _ in range(2):
                fetch(page_url)
            hit = fetch(page_url)[2].get("X-Cache")
            wrk(wrk_binary, page_url, 1, threads, connections)
            wrk(wrk_binary, ceiling_url, 1, threads, connections)
            ratios, pages, ceilings = [], [], []
            for _ in range(rounds):
                ceiling = wrk(wrk_binary, ceiling_url, duration, threads, connections)
                page = wrk(wrk_binary, page_url, duration, threads, connections)
                ceilings.append(ceiling["rps"])
                pages.append(page["rps"])
                ratios.append(page["rps"] / ceiling["rps"])
            slug = path.rstrip("/").rsplit("/", 1)[1]
            visible = publish_to_visible(varnish, path, slug, fetch)
    finally:
        varnish.stop()
        server.stop()
    return {
        "x_cache": hit,
        "rps": round(statistics.median(pages)),
        "ceiling_rps": round(statistics.median(ceilings)),
        "ratio": round(statistics.median(ratios), 2),
        "publish_to_visible": visible,
    }


def markdown(proxy: dict[str, Any] | None, note: str) -> list[str]:
    if proxy is None:
        return ["", f"Proxy: not measured ({note})."]
    visible = proxy["publish_to_visible"]
    return [
        "",
        "**Through Varnish** (deploy/varnish/default.vcl, page cache on behind it):",
        "",
        "| target | req/s | static ceiling | ratio |",
        "|---|---:|---:|---:|",
        f"| explainer page, Varnish {proxy['x_cache']} | {proxy['rps']:,} | "
        f"{proxy['ceiling_rps']:,} | {proxy['ratio']:.2f} |",
        "",
        f"Publish to visible through Varnish ({visible['publishes']} republishes through the "
        f"workflow's moves): median {visible['median_ms']} ms, max {visible['max_ms']} ms.",
    ]
