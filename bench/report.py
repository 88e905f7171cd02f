"""The report of a ``make bench`` run: the goals, the table's rows, the Markdown, the files.

``build_rows()`` turns the wrk runs into one row per page and page cache setting: medians over
rounds, and the median of the paired ratios to the static ceiling, against the goal for that
page. ``markdown()`` writes the table and the in-process figures below it; ``write_report()``
prints it and saves it, with the whole report as JSON, to ``bench/results/<timestamp>.md`` and
``.json``.
"""

from __future__ import annotations

import datetime
import json
import statistics
from typing import Any

from bench.harness import RESULTS, log
from bench.inprocess import SEARCH_PAGES, SEARCH_QUERIES
from bench.pages import TARGETS_ORDER

GOALS = {  # minimum ratio to the ceiling
    **{(name, "on"): 0.9 for name in TARGETS_ORDER},
    ("explainer", "off"): 0.25,
    ("home", "off"): 0.15,
    ("topic", "off"): 0.15,
    ("stakeholder", "off"): 0.15,
    ("rss", "off"): 0.15,
}
SEARCH_P95_GOAL_MS = 50
ADMIN_GOAL_MS = 300
# The change form of an explainer with 50 of every inline may take longer (issue goal: < 1 s).
ADMIN_LARGE_GOAL_MS = 1000
IMPORT_GOAL_PER_S = 50


def median_of(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def build_rows(
    runs: dict[tuple[str, str], list[dict[str, Any]]],
    ceilings: dict[tuple[str, str], list[dict[str, Any]]],
    sizes: dict[tuple[str, str], int],
    queries: dict[str, dict[str, int]],
    unmeasured: dict[tuple[str, str], str],
) -> list[dict[str, Any]]:
    every_ceiling = [run for paired in ceilings.values() for run in paired]
    rows = [
        {
            "target": "ceiling",
            "page_cache": "static",
            "rps": median_of(every_ceiling, "rps"),
            "p50_ms": median_of(every_ceiling, "p50_ms"),
            "p99_ms": median_of(every_ceiling, "p99_ms"),
            "bytes": sizes[("ceiling", "static")],
            "queries": 0,
            "ratio": 1.0,
            "goal": None,
            "errors": sum(r["non_2xx"] + r["socket_errors"] for r in every_ceiling),
            "runs": [round(r["rps"]) for r in every_ceiling],
        }
    ]
    for (name, mode), why in unmeasured.items():
        rows.append(
            {
                "target": name,
                "page_cache": mode,
                "rps": None,
                "bytes": sizes[(name, mode)],
                "queries": queries[name][mode],
                "goal": GOALS.get((name, mode)),
                "errors": 0,
                "note": why,
            }
        )
    for (name, mode), measured in runs.items():
        rps = median_of(measured, "rps")
        ratios = [
            run["rps"] / ceiling["rps"] if ceiling["rps"] else 0.0
            for run, ceiling in zip(measured, ceilings[(name, mode)], strict=True)
        ]
        rows.append(
            {
                "target": name,
                "page_cache": mode,
                "rps": rps,
                "p50_ms": median_of(measured, "p50_ms"),
                "p99_ms": median_of(measured, "p99_ms"),
                "bytes": sizes[(name, mode)],
                "queries": queries[name][mode],
                "ratio": statistics.median(ratios),
                "ratios": [round(r, 3) for r in ratios],
                "goal": GOALS.get((name, mode)),
                "errors": sum(r["non_2xx"] + r["socket_errors"] for r in measured),
                "runs": [round(r["rps"]) for r in measured],
            }
        )
    order = ["ceiling", *TARGETS_ORDER]
    return sorted(rows, key=lambda row: (order.index(row["target"]), row["page_cache"]))


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    out = [
        f"# Benchmark {report['started']}",
        "",
        *(
            ["**Partial run** (`--only` or `--pages-only`): not a whole `make bench`.", ""]
            if report.get("partial")
            else []
        ),
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}; Python {m['python']};"
        f" {report['postgres']}; gunicorn {report['gunicorn']} ({report['workers']} sync"
        f" workers); shared cache: {report['shared_cache']}. Load average at start"
        f" {m['load_at_start'][0]:.1f}, at end"
        f" {report['load_at_end'][0]:.1f}.",
        "",
        f"wrk -t{report['threads']} -c{report['connections']} -d{report['duration']}s, "
        f"{report['rounds']} interleaved rounds, medians; {report['explainers']} published "
        "explainers. × ceiling: the median over rounds of the target's req/s over the static"
        " ceiling's, measured on the same gunicorn instance just before it. SQL/req: the"
        " page's queries, counted in process (not counted: the `SELECT 1` of Django's"
        " connection health check, one per request on a reused connection). In-process"
        " timings run with the gunicorn worker's garbage-collection setup (gunicorn.conf.py).",
        "",
        "| target | page cache | req/s | p50 ms | p99 ms | bytes | SQL/req | × ceiling | goal "
        "| errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for row in report["rows"]:
        goal = f"≥ {row['goal']} ❌" if row["goal"] is not None else ""
        if row["rps"] is None:
            out.append(
                f"| {row['target']} | {row['page_cache']} | — | | | {row['bytes']:,} |"
                f" {row['queries']} | — | {goal} | {row['note']} |"
            )
            continue
        if row["goal"] is not None:
            goal = f"≥ {row['goal']} {'✅' if row['ratio'] >= row['goal'] else '❌'}"
        out.append(
            f"| {row['target']} | {row['page_cache']} | {row['rps']:.0f} | {row['p50_ms']:.2f} |"
            f" {row['p99_ms']:.2f} | {row['bytes']:,} | {row['queries']} | {row['ratio']:.2f} |"
            f" {goal} | {row['errors']} |"
        )
    s = report["search"]
    if s is not None:
        out += [
            "",
            "| in process (test client, same settings) | server ms | SQL | goal |",
            "|---|---:|---:|---|",
            f"| search, {s['requests']} requests over {len(SEARCH_QUERIES) + len(SEARCH_PAGES)}"
            f" queries: p95 (p50 {s['p50_ms']:.1f}) | {s['p95_ms']:.1f} | |"
            f" < {SEARCH_P95_GOAL_MS} ms {'✅' if s['p95_ms'] < SEARCH_P95_GOAL_MS else '❌'} |",
        ]
    for name, a in report["admin"].items():
        goal = ADMIN_LARGE_GOAL_MS if "50 of every" in name else ADMIN_GOAL_MS
        ok = "✅" if a["ms"] < goal else "❌"
        out.append(f"| {name} | {a['ms']:.0f} | {a['queries']} | < {goal} ms {ok} |")
    imp = report["import"]
    if imp is None:
        out += ["", f"import: not measured ({report['import_note']})"]
    else:
        ok = "✅" if imp["per_second"] >= IMPORT_GOAL_PER_S else "❌"
        out += [
            "",
            f"Import: {imp['imported']} of {imp['files']} plain-text files in "
            f"{imp['seconds']:.1f} s with `manage.py import_explainer` (its default of "
            f"{imp['processes']} processes, process start included):"
            f" **{imp['per_second']:.0f} files/s** (goal ≥ {IMPORT_GOAL_PER_S} {ok}); CPU "
            f"{imp['cpu_ms_per_file']:.1f} ms a file in the command.",
        ]
    if report["seed_seconds"] is not None:
        out += [
            "",
            f"Seeding: `bench/seed.py --explainers {report['explainers']}` took "
            f"{report['seed_seconds']:.0f} s ({report['explainers'] / report['seed_seconds']:.0f}"
            " explainers/s) in this run.",
        ]
    from bench import proxy

    out += proxy.markdown(report.get("proxy"), report.get("proxy_note", ""))
    return "\n".join(out) + "\n"


def write_report(report: dict[str, Any], started: datetime.datetime) -> None:
    """Print the report's table and save it, with the report as JSON, under ``RESULTS``."""
    text = markdown(report)
    print()
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"{stamp}.md").write_text(text, encoding="utf-8")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(report, indent=2, default=str))
    log(f"written to bench/results/{stamp}.md and .json")
