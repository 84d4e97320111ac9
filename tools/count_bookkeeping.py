"""How much of the code a reader sees on each chapter page is bookkeeping.

A *visible* line is a non-blank, non-comment line of a code cell that the page shows (cells
tagged ``hide-input``, ``remove-input`` or ``remove-cell`` are folded away or removed). A line is
*bookkeeping* when it belongs to a statement that does not compute anything the chapter is
about: an import or a ``%`` magic, a ``glue(...)`` of a number into the text, a theorem
``check(...)`` and its ``.glue()``, or the figure style (``use_book_style()``). Every line of a
multi-line statement counts.

    python tools/count_bookkeeping.py            # table per chapter and the total
    python tools/count_bookkeeping.py --max 0.3333  # exit 1 when the total share is larger
"""

from __future__ import annotations

import argparse
import ast
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
HIDDEN_TAGS = {"hide-input", "remove-input", "remove-cell"}
BOOKKEEPING_CALLS = {"glue", "check", "use_book_style", "theorem_check"}

_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(?P<body>.*?)^```\s*$", re.S | re.M)
_TAGS = re.compile(r"^:tags:\s*\[(?P<tags>[^\]]*)\]\s*$|^tags:\s*\[(?P<tags2>[^\]]*)\]\s*$", re.M)


def code_cells(markdown: str) -> list[tuple[set[str], str]]:
    """The code cells of a MyST notebook: (tags, source)."""
    cells = []
    for match in _CELL.finditer(markdown):
        body = match.group("body")
        tags: set[str] = set()
        lines = body.split("\n")
        # options: `:key: value` lines, or a `---` YAML block, at the top of the cell
        if lines and lines[0].strip() == "---":
            end = lines.index("---", 1)
            header, lines = "\n".join(lines[1:end]), lines[end + 1 :]
        else:
            k = 0
            while k < len(lines) and lines[k].startswith(":"):
                k += 1
            header, lines = "\n".join(lines[:k]), lines[k:]
        for m in _TAGS.finditer(header):
            raw = m.group("tags") or m.group("tags2") or ""
            tags |= {t.strip().strip("'\"") for t in raw.split(",") if t.strip()}
        cells.append((tags, "\n".join(lines)))
    return cells


def _call_name(node: ast.AST) -> str | None:
    """The name of the function a call expression starts from: ``check`` for
    ``check(...).glue()``, ``glue`` for ``glue(...)``."""
    while isinstance(node, (ast.Call, ast.Attribute)):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                return func.id
            if isinstance(func, ast.Attribute) and func.attr == "glue":
                return "glue"
            node = func
        else:
            node = node.value
    return None


def _is_bookkeeping(stmt: ast.stmt) -> bool:
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return True
    value = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign)) else None
    return value is not None and _call_name(value) in BOOKKEEPING_CALLS


def count_cell(source: str) -> tuple[int, int]:
    """(visible lines, bookkeeping lines) of one shown code cell."""
    lines = source.split("\n")
    counted = [bool(line.strip()) and not line.strip().startswith("#") for line in lines]
    magic = [line.lstrip().startswith(("%", "!")) for line in lines]
    python = "\n".join("" if m else line for line, m in zip(lines, magic))
    bookkeeping = [c and m for c, m in zip(counted, magic)]
    for stmt in ast.parse(python).body:
        if _is_bookkeeping(stmt):
            for i in range(stmt.lineno - 1, stmt.end_lineno):
                bookkeeping[i] = counted[i]
    return sum(counted), sum(bookkeeping)


def count_chapter(path: pathlib.Path) -> tuple[int, int]:
    visible = bookkeeping = 0
    for tags, source in code_cells(path.read_text(encoding="utf8")):
        if tags & HIDDEN_TAGS:
            continue
        v, b = count_cell(source)
        visible += v
        bookkeeping += b
    return visible, bookkeeping


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=float, default=None, help="largest admissible total share")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "tools"))
    from book_config import chapter_files

    total_v = total_b = 0
    print(f"{'chapter':<44} {'bookkeeping':>11} {'visible':>8} {'share':>6}")
    for page in chapter_files():
        v, b = count_chapter(ROOT / f"{page}.md")
        total_v, total_b = total_v + v, total_b + b
        print(f"{page:<44} {b:>11} {v:>8} {b / max(v, 1):>6.0%}")
    share = total_b / max(total_v, 1)
    print(f"{'total':<44} {total_b:>11} {total_v:>8} {share:>6.0%}")
    if args.max is not None and share > args.max:
        print(f"the share {share:.3f} exceeds {args.max}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
