"""Build budget of the book, measured: cold build, no-change rebuilds, one edit, PDF, fast tests.

Usage: .venv/bin/python benchmarks/build_times.py [--jobs N] [--skip-serial] [--skip-pdf] [--chapter PAGE]

Each build goes to a fresh folder under a temporary directory (the working ``_build`` is not
touched) and runs exactly what ``make book`` runs: ``tools/execute_chapters.py`` (chapters in
parallel into the execution cache) and ``jupyter-book build .`` with the book's flags
(``tools/book_config.py``).

1. serial execution of every chapter (``--jobs 1``, one kernel with all cores), for the speed-up;
2. cold build with ``--jobs N`` (every cell executed);
3. no-change rebuild (nothing to execute, Sphinx writes only what depends on every chapter);
4. rebuild after editing one chapter's code (that chapter alone is executed again);
5. the PDF after the HTML, a no-change HTML build right after it and a no-change PDF build right
   after that (each builder keeps its own Sphinx environment, ``tools/jupyter_book_build.py``);
6. ``make test-fast`` (the tests that need no build, on every core).

The budget, for the book as it grows: cold build (set-up excluded) under 300 s on 2 cores, kernel
time per chapter under 45 s and about 17 s on average, a no-change build under 30 s (also right
after the other builder), a one-chapter edit under 60 s, ``make test-fast`` under 180 s. Each
is checked and reported as met or missed.

Results are appended to ``benchmarks/build_times.md`` (one table per run, with the machine).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import platform
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tools"))

from book_config import ROOT, build_command  # noqa: E402  (tools/book_config.py)

PY = sys.executable


def run(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return time.perf_counter() - start


def build(out: pathlib.Path, jobs: int, builder: str | None = None) -> tuple[float, float]:
    """``make book`` (or ``make pdf``) into ``out``: (execution seconds, Sphinx seconds)."""
    t_exec = run([PY, "tools/execute_chapters.py", "--jobs", str(jobs), "--build-dir", str(out / "_build")])
    t_sphinx = run(build_command(pathlib.Path("."), out, builder=builder))
    return t_exec, t_sphinx


#: (what, limit in seconds) of the budget; None: not measured in this run
BUDGET = {
    "cold": ("cold build, set-up excluded", 300.0),
    "chapter_max": ("kernel time of the slowest chapter", 45.0),
    "chapter_mean": ("mean kernel time per chapter", 17.0),
    "nochange": ("no-change rebuild", 30.0),
    "edit": ("one-chapter edit", 60.0),
    "html_after_pdf": ("no-change HTML build right after the PDF", 30.0),
    "pdf_after_html": ("no-change PDF build right after the HTML", 30.0),
    "test_fast": ("make test-fast", 180.0),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-serial", action="store_true")
    parser.add_argument("--skip-pdf", action="store_true", help="no PDF builds (they need TeX)")
    parser.add_argument("--chapter", default="book/part1/ch01_risk_and_erm.md")
    args = parser.parse_args()
    rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = pathlib.Path(tmp)
        if not args.skip_serial:
            t = run(
                [PY, "tools/execute_chapters.py", "--jobs", "1", "--build-dir", str(tmp_path / "serial" / "_build")]
            )
            rows.append(("execute all chapters, 1 worker", t, 0.0))
        out = tmp_path / "book"
        rows.append((f"cold build (every cell executed), {args.jobs} workers", *build(out, args.jobs)))
        per_chapter = json.loads((out / "_build" / "execution_times.json").read_text())
        rows.append(("no-change rebuild", *build(out, args.jobs)))
        chapter = ROOT / args.chapter
        original = chapter.read_text()
        try:
            # a change to the last code cell: that chapter's cache entry no longer matches
            start = original.rfind("```{code-cell}")
            end = original.index("\n```", start + 3)
            chapter.write_text(original[:end] + "\n# edited for the build benchmark" + original[end:])
            rows.append((f"rebuild after editing {args.chapter}", *build(out, args.jobs)))
        finally:
            chapter.write_text(original)
        rows.append(("no-change rebuild after the edit is undone", *build(out, args.jobs)))
        if not args.skip_pdf:
            rows.append(("PDF after the HTML build", *build(out, args.jobs, "pdflatex")))
            rows.append(("no-change HTML build right after the PDF", *build(out, args.jobs)))
            rows.append(("no-change PDF build right after the HTML", *build(out, args.jobs, "pdflatex")))
    t_fast = run(["make", "test-fast"])
    rows.append(("make test-fast (no build)", 0.0, t_fast))
    total = {name: e + x for name, e, x in rows}
    measured = {
        "cold": next(v for k, v in total.items() if k.startswith("cold build")),
        "chapter_max": max(per_chapter.values()),
        "chapter_mean": sum(per_chapter.values()) / len(per_chapter),
        "nochange": total["no-change rebuild"],
        "edit": next(v for k, v in total.items() if k.startswith("rebuild after editing")),
        "html_after_pdf": total.get("no-change HTML build right after the PDF"),
        "pdf_after_html": total.get("no-change PDF build right after the HTML"),
        "test_fast": t_fast,
    }

    lines = [
        f"\n## {datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}\n",
        "| build | execution (s) | Sphinx (s) | total (s) |",
        "|---|---:|---:|---:|",
    ]
    for name, t_exec, t_sphinx in rows:
        lines.append(f"| {name} | {t_exec:.1f} | {t_sphinx:.1f} | {t_exec + t_sphinx:.1f} |")
    if not args.skip_serial:
        lines.append(
            f"\nParallel speed-up of the execution: {rows[0][1] / rows[1][1]:.2f}x ({args.jobs} workers against 1)."
        )
    lines.append("\n| budget | limit (s) | measured (s) | |\n|---|---:|---:|---|")
    for key, (what, limit) in BUDGET.items():
        value = measured[key]
        verdict = "not measured" if value is None else ("met" if value <= limit else f"missed by {value - limit:.1f} s")
        shown = "n/a" if value is None else f"{value:.1f}"
        lines.append(f"| {what} | {limit:.0f} | {shown} | {verdict} |")
    slowest = max(per_chapter.items(), key=lambda kv: kv[1])
    lines.append(f"Slowest chapter: {slowest[0]}, {slowest[1]:.1f} s (kernel time in the parallel cold build).\n")
    lines.append("| chapter | kernel time (s) |\n|---|---:|")
    lines += [f"| {k} | {v:.1f} |" for k, v in sorted(per_chapter.items())]
    text = "\n".join(lines) + "\n"
    print(text)
    target = ROOT / "benchmarks" / "build_times.md"
    if not target.exists():
        target.write_text(
            "# Build times of the book\n\nWritten by `make bench-build` (benchmarks/build_times.py); newest run last.\n"
        )
    with target.open("a") as fh:
        fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
