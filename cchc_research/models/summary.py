"""One summary object, many renderings: text, HTML, Markdown, LaTeX and CSV.

Modelled on linearmodels' ``_SummaryStr`` / statsmodels' ``Summary`` (``as_text``,
``as_html``, ``as_latex``, ``as_csv``) and pyfixest's ``etable(type=...)``: a
:class:`Summary` holds the parts of a results summary — a title, ``(label, value)``
information rows, the coefficient table and optional further tables and notes — and
renders them in each format. Nothing printed depends on the clock or on memory addresses,
so notebook outputs compare equal between runs (nbval).

:class:`Summary` is a :class:`str` whose value is the plain-text rendering: results'
``summary`` used to be a plain string, and code that prints, compares, searches or writes
it keeps working unchanged, while Jupyter shows the HTML rendering (``_repr_html_``).

Examples
--------
>>> import pandas as pd
>>> from cchc_research.models.summary import Summary
>>> table = pd.DataFrame({"estimate": [2.0], "std_error": [0.5]}, index=pd.Index(["x"], name="term"))
>>> s = Summary("OLS", [("Observations", "100")], table)
>>> print(s)
OLS
Observations: 100
      estimate  std_error
term
x            2        0.5
>>> print(s.as_markdown())
**OLS**
<BLANKLINE>
| | |
|:--|:--|
| Observations | 100 |
<BLANKLINE>
| term   |   estimate |   std_error |
|:-------|-----------:|------------:|
| x      |          2 |         0.5 |
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd

__all__ = ["Summary", "format_number", "latex_escape"]

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def format_number(value: object, spec: str = ".6g") -> str:
    """Numbers with ``spec`` (default 6 significant digits), other values with ``str``.

    Examples
    --------
    >>> format_number(0.123456789), format_number(3), format_number("none")
    ('0.123457', '3', 'none')
    """
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float) or (hasattr(value, "dtype") and getattr(value, "dtype").kind == "f"):
        return format(float(value), spec)
    return str(value)


def latex_escape(text: str) -> str:
    r"""Escape LaTeX special characters.

    Examples
    --------
    >>> latex_escape("sigma2_u (50%)")
    'sigma2\\_u (50\\%)'
    """
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in str(text))


def _formatted(table: pd.DataFrame) -> pd.DataFrame:
    """The table with every cell as display text (numbers: 6 significant digits)."""
    out = table.copy()
    for col in out.columns:
        out[col] = [format_number(v) for v in out[col]]
    return out.astype(object)


class Summary(str):
    """Summary of estimation results; the string value is the plain-text rendering.

    Parameters
    ----------
    title : str
        First line (model and outcome).
    info : sequence of (str, str)
        Label–value rows shown above the coefficient table.
    table : pandas.DataFrame
        Coefficient table, indexed by term.
    blocks : sequence of (str, pandas.DataFrame), optional
        Further titled tables (e.g. donor weights of a synthetic control).
    notes : sequence of str, optional
        Lines shown last.

    Methods
    -------
    as_text, as_html (also ``_repr_html_``), as_markdown, as_latex, as_csv
    """

    title: str
    info: tuple[tuple[str, str], ...]
    table: pd.DataFrame
    blocks: tuple[tuple[str, pd.DataFrame], ...]
    notes: tuple[str, ...]

    def __new__(
        cls,
        title: str,
        info: Sequence[tuple[str, str]],
        table: pd.DataFrame,
        blocks: Sequence[tuple[str, pd.DataFrame]] = (),
        notes: Sequence[str] = (),
    ) -> Summary:
        info_t = tuple((str(k), str(v)) for k, v in info)
        blocks_t = tuple((str(t), b) for t, b in blocks)
        notes_t = tuple(str(n) for n in notes)
        obj = super().__new__(cls, _text(str(title), info_t, table, blocks_t, notes_t))
        obj.title, obj.info, obj.table, obj.blocks, obj.notes = str(title), info_t, table, blocks_t, notes_t
        return obj

    def __reduce__(self):
        return (Summary, (self.title, self.info, self.table, self.blocks, self.notes))

    def as_text(self) -> str:
        """Plain text (the string value itself)."""
        return str.__str__(self)

    def as_html(self) -> str:
        """HTML: a title, a two-column information table, the coefficient table, notes."""
        parts = [f'<div class="cchc-summary">\n<p><strong>{html.escape(self.title)}</strong></p>']
        if self.info:
            rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in self.info)
            parts.append(f'<table class="cchc-summary-info"><tbody>{rows}</tbody></table>')
        parts.append(_formatted(self.table).to_html(border=0, classes="cchc-summary-coef"))
        for title, block in self.blocks:
            parts.append(f"<p>{html.escape(title)}</p>")
            parts.append(_formatted(block).to_html(border=0, classes="cchc-summary-block"))
        parts += [f"<p>{html.escape(n)}</p>" for n in self.notes]
        return "\n".join(parts) + "\n</div>"

    def _repr_html_(self) -> str:
        return self.as_html()

    def as_markdown(self) -> str:
        """Markdown (pipe tables, via :meth:`pandas.DataFrame.to_markdown`)."""
        parts = [f"**{self.title}**"]
        if self.info:
            parts.append("\n".join(["| | |", "|:--|:--|"] + [f"| {_md(k)} | {_md(v)} |" for k, v in self.info]))
        parts.append(_formatted(self.table).to_markdown())
        for title, block in self.blocks:
            parts.append(f"*{_md(title)}*\n\n" + _formatted(block).to_markdown())
        parts += [_md(n) for n in self.notes]
        return "\n\n".join(parts)

    def as_latex(self) -> str:
        """LaTeX ``tabular`` environments (booktabs rules), special characters escaped."""
        parts = [f"\\textbf{{{latex_escape(self.title)}}}\n"]
        if self.info:
            rows = "\n".join(f"{latex_escape(k)} & {latex_escape(v)} \\\\" for k, v in self.info)
            parts.append("\\begin{tabular}{ll}\n\\toprule\n" + rows + "\n\\bottomrule\n\\end{tabular}\n")
        parts.append(_latex_table(self.table))
        for title, block in self.blocks:
            parts.append(f"{latex_escape(title)}\n\n" + _latex_table(block))
        parts += [latex_escape(n) + "\n" for n in self.notes]
        return "\n".join(parts)

    def as_csv(self) -> str:
        """CSV: the information rows (two columns), then the coefficient table and blocks."""
        lines = [f'"{self.title}"'] + [_csv_row([k, v]) for k, v in self.info]
        tables = [("", self.table), *self.blocks]
        for title, block in tables:
            if title:
                lines.append(_csv_row([title]))
            lines.append(block.to_csv(lineterminator="\n").rstrip("\n"))
        lines += [_csv_row([n]) for n in self.notes]
        return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return str(text).replace("|", "\\|")


def _csv_row(values: Sequence[str]) -> str:
    return ",".join('"' + str(v).replace('"', '""') + '"' for v in values)


def _latex_table(table: pd.DataFrame) -> str:
    cells = _formatted(table)
    head = " & ".join([latex_escape(table.index.name or "")] + [latex_escape(c) for c in table.columns])
    body = "\n".join(
        " & ".join([latex_escape(idx)] + [latex_escape(v) for v in row]) + " \\\\"
        for idx, row in zip(cells.index, cells.itertuples(index=False))
    )
    spec = "l" + "r" * len(table.columns)
    return f"\\begin{{tabular}}{{{spec}}}\n\\toprule\n{head} \\\\\n\\midrule\n{body}\n\\bottomrule\n\\end{{tabular}}\n"


def _text(
    title: str,
    info: tuple[tuple[str, str], ...],
    table: pd.DataFrame,
    blocks: tuple[tuple[str, pd.DataFrame], ...],
    notes: tuple[str, ...],
) -> str:
    lines = [title] + [f"{k}: {v}" for k, v in info]
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        lines.append(table.to_string(float_format=lambda v: f"{v:.6g}"))
        for block_title, block in blocks:
            lines += ["", f"{block_title}:", block.to_string(float_format=lambda v: f"{v:.6g}")]
    lines += list(notes)
    return "\n".join(line.rstrip() for line in "\n".join(lines).split("\n"))
