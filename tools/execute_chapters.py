"""Execute the book's chapters in parallel into the execution cache, before the Sphinx build.

Usage: python tools/execute_chapters.py [--jobs N] [--build-dir _build] [--force]

Each chapter of ``_toc.yml`` whose code cells (and the ``dlmath`` package, see
``book/_ext/book_pages.py``) have not changed since its last execution is taken from the cache;
the others run in ``N`` worker processes at once (default: the number of CPU cores), each kernel
limited to ``cores // N`` BLAS/OpenMP/torch threads so that the workers do not oversubscribe the
machine. ``jupyter-book build`` (``execute_notebooks: cache``) then finds every chapter in the
cache. A failing cell stops with the chapter's traceback and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import pathlib
import sys
import time

from book_config import ROOT, TOC, chapter_files, load_config

sys.path.insert(0, str(ROOT / "book" / "_ext"))

from book_pages import cache_path  # noqa: E402  (the book's extension, from book/_ext)

THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
#: Kernel time per chapter on 2 cores: at most 45 s each and about 17 s on average, so that the
#: book (23 chapters once complete) builds cold in under 5 minutes, set-up excluded
CHAPTER_BUDGET_S = 45.0
MEAN_BUDGET_S = 17.0


def chapters(toc_file: pathlib.Path = TOC) -> list[pathlib.Path]:
    """The pages of the table of contents that hold code cells (``book_config.chapter_files``)."""
    return [(ROOT / page).with_suffix(".md") for page in chapter_files(toc_file)]


def read_notebook(path: pathlib.Path):
    from myst_nb.core.read import read_myst_markdown_notebook

    return read_myst_markdown_notebook(path.read_text(encoding="utf8"), path=path)


def execute(path: str, timeout: int) -> tuple[str, object, float, str | None]:
    """Run one chapter in a fresh kernel, in the chapter's folder (as MyST-NB does)."""
    from jupyter_cache.executors.utils import single_nb_execution

    nb = read_notebook(pathlib.Path(path))
    result = single_nb_execution(
        nb, cwd=str(pathlib.Path(path).parent), timeout=timeout, allow_errors=False, meta_override=True
    )
    return path, nb, result.time, (result.exc_string if result.err is not None else None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--build-dir", default=str(ROOT / "_build"))
    parser.add_argument("--force", action="store_true", help="execute every chapter again")
    parser.add_argument("--toc", default=str(ROOT / "_toc.yml"), help="table of contents to execute")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be >= 1")

    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    config = load_config()
    timeout = int(config.get("execute", {}).get("timeout", 180))
    build_dir = pathlib.Path(args.build_dir).resolve()
    cache_dir = cache_path(build_dir / ".jupyter_cache")
    cache = get_cache(str(cache_dir))
    times_file = build_dir / "execution_times.json"
    previous = json.loads(times_file.read_text()) if times_file.is_file() else {}

    pages = chapters(pathlib.Path(args.toc))
    todo = []
    for path in pages:
        try:
            cache.match_cache_notebook(read_notebook(path))
        except KeyError:
            todo.append(path)
            continue
        if args.force:
            todo.append(path)
    n_cached = len(pages) - len(todo)
    # longest first: the parallel run ends sooner
    todo.sort(key=lambda p: -previous.get(p.relative_to(ROOT).as_posix(), 1e9))
    threads = max(1, (os.cpu_count() or 1) // args.jobs)
    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)
    print(
        f"execute_chapters: {len(todo)} to run, {n_cached} cached ({cache_dir.name}); "
        f"{args.jobs} workers x {threads} threads",
        flush=True,
    )

    start = time.perf_counter()
    failed = []
    with cf.ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(execute, str(p), timeout) for p in todo]
        for future in cf.as_completed(futures):
            path, nb, seconds, error = future.result()
            rel = pathlib.Path(path).relative_to(ROOT).as_posix()
            if error:
                failed.append(rel)
                print(f"  FAILED {rel} after {seconds:.1f} s\n{error}", flush=True)
                continue
            previous[rel] = round(seconds, 2)
            cache.cache_notebook_bundle(
                CacheBundleIn(nb, path, data={"execution_seconds": seconds}), check_validity=False, overwrite=True
            )
            print(f"  {seconds:6.1f} s  {rel}", flush=True)
    build_dir.mkdir(parents=True, exist_ok=True)
    times_file.write_text(json.dumps(previous, indent=1, sort_keys=True))
    total = sum(previous.get(p.relative_to(ROOT).as_posix(), 0.0) for p in todo)
    print(
        f"execute_chapters: {len(todo) - len(failed)} executed in {time.perf_counter() - start:.1f} s "
        f"wall ({total:.1f} s of kernel time), {len(failed)} failed",
        flush=True,
    )
    # the kernel-time budget of the book (benchmarks/build_times.py checks it on a cold build)
    names = [p.relative_to(ROOT).as_posix() for p in pages]
    recorded = [previous[name] for name in names if name in previous]
    if recorded:
        over = [name for name in names if previous.get(name, 0.0) > CHAPTER_BUDGET_S]
        print(
            f"execute_chapters: kernel time per chapter, last runs: mean {sum(recorded) / len(recorded):.1f} s "
            f"(budget {MEAN_BUDGET_S:.0f} s), max {max(recorded):.1f} s (budget {CHAPTER_BUDGET_S:.0f} s)"
            + (f"; over budget: {', '.join(over)}" if over else ""),
            flush=True,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
