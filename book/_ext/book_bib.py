"""Sphinx extension of the book: the bibliography's labels are the text's citations.

The chapters cite author-year ("[Devroye et al., 1996]", sphinxcontrib-bibtex's ``author_year``
reference style); the bibliography list is labelled the same way instead of [1]-[N], so that a
reader who follows a citation finds the label they clicked. :class:`AuthorYearLabels` is the
pybtex label style; the formatting style ``authoryear`` is pybtex's ``plain`` with these labels
(one author: "Hoeffding, 1963"; two: "Shalev-Shwartz and Ben-David, 2014"; more: "Devroye et
al., 1996"). Two works that would share a label are told apart in ``references.bib`` itself,
by a letter after the year (``year = {2019a}``), so that the text's citations carry it too.
"""

from __future__ import annotations

from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle


def _plain(latex: str) -> str:
    return Text.from_latex(latex).render_as("text")


def author_year_label(entry) -> str:
    """ "Last, year", "Last and Last, year" or "Last et al., year" of a pybtex entry."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    lasts = [_plain(" ".join(p.prelast_names + p.last_names)) for p in people]
    if not lasts:
        who = _plain(entry.fields.get("organization", entry.fields.get("title", entry.key)))
    elif len(lasts) == 1:
        who = lasts[0]
    elif len(lasts) == 2:
        who = f"{lasts[0]} and {lasts[1]}"
    else:
        who = f"{lasts[0]} et al."
    year = _plain(entry.fields.get("year", "")).strip()
    return f"{who}, {year}" if year else who


class AuthorYearLabels(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        for entry in sorted_entries:
            yield author_year_label(entry)


class AuthorYearStyle(PlainStyle):
    default_label_style = AuthorYearLabels


def setup(app):
    register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
