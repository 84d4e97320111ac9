"""Sphinx extension of the book: one macro set for MathJax and LaTeX.

The macros are defined once, in :data:`MACROS`; on ``config-inited`` they are written into
``mathjax3_config['tex']['macros']`` (HTML) and into the LaTeX preamble (PDF), so the two
outputs cannot drift apart.
"""

from __future__ import annotations

#: name -> (replacement, number of arguments, LaTeX definition kind)
#: kind "op" defines an operator with \DeclareMathOperator (starred for limits below).
MACROS: dict[str, tuple[str, int, str]] = {
    "R": (r"\mathbb{R}", 0, "cmd"),
    "N": (r"\mathbb{N}", 0, "cmd"),
    "Z": (r"\mathbb{Z}", 0, "cmd"),
    "E": (r"\mathbb{E}", 0, "cmd"),
    "Prob": (r"\mathbb{P}", 0, "cmd"),
    "Var": ("Var", 0, "op"),
    "Cov": ("Cov", 0, "op"),
    "Lip": ("Lip", 0, "op"),
    "sign": ("sign", 0, "op"),
    "relu": ("ReLU", 0, "op"),
    "tr": ("tr", 0, "op"),
    "diag": ("diag", 0, "op"),
    "rank": ("rank", 0, "op"),
    "dist": ("dist", 0, "op"),
    "supp": ("supp", 0, "op"),
    "argmin": (r"arg\,min", 0, "op*"),
    "argmax": (r"arg\,max", 0, "op*"),
    "ind": (r"\mathbf{1}\{#1\}", 1, "cmd"),
    "norm": (r"\left\lVert #1 \right\rVert", 1, "cmd"),
    "abs": (r"\left\lvert #1 \right\rvert", 1, "cmd"),
    "ip": (r"\langle #1, #2 \rangle", 2, "cmd"),
    "Rhat": (r"\widehat{R}", 0, "cmd"),
    "calF": (r"\mathcal{F}", 0, "cmd"),
    "calH": (r"\mathcal{H}", 0, "cmd"),
    "calX": (r"\mathcal{X}", 0, "cmd"),
    "calY": (r"\mathcal{Y}", 0, "cmd"),
    "Normal": (r"\mathcal{N}", 0, "cmd"),
    "dd": (r"\,\mathrm{d}", 0, "cmd"),
}


def mathjax_macros() -> dict[str, object]:
    out: dict[str, object] = {}
    for name, (body, nargs, kind) in MACROS.items():
        if kind.startswith("op"):
            body = (r"\operatorname*{%s}" if kind == "op*" else r"\operatorname{%s}") % body
        out[name] = [body, nargs] if nargs else body
    return out


def latex_preamble() -> str:
    # \providecommand then \renewcommand: a macro that a LaTeX package already defines
    # (\Var, \tr, \P, ...) is overridden instead of stopping the build.
    lines = []
    for name, (body, nargs, kind) in MACROS.items():
        if kind == "op":
            body = rf"\operatorname{{{body}}}"
        elif kind == "op*":
            body = rf"\operatorname*{{{body}}}"
        elif nargs == 0:
            # braces make a bare subscript such as \int_\calX work with unicode-math
            body = f"{{{body}}}"
        args = f"[{nargs}]" if nargs else ""
        lines.append(rf"\providecommand{{\{name}}}{{}}\renewcommand{{\{name}}}{args}{{{body}}}")
    # latinmodern-math has no script-size U+29F5, which unicode-math maps \setminus to
    lines.append(r"\AtBeginDocument{\renewcommand{\setminus}{\mathbin{\backslash}}}")
    return "\n".join(lines) + "\n"


def _config_inited(app, config) -> None:
    mj = dict(config.mathjax3_config or {})
    tex = dict(mj.get("tex", {}))
    macros = dict(tex.get("macros", {}))
    macros.update(mathjax_macros())
    tex["macros"] = macros
    mj["tex"] = tex
    config.mathjax3_config = mj
    elements = dict(config.latex_elements or {})
    elements["preamble"] = elements.get("preamble", "") + "\n" + latex_preamble()
    config.latex_elements = elements


def setup(app):
    app.connect("config-inited", _config_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
