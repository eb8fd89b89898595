"""Checks on rendered reports, as a Vietnamese reader would notice them.

* :func:`shared_sentence_ratio` — the share of a vi report's sentences (prose, headings,
  findings, captions; table cells are codes, names and numbers, not sentences) that also occur
  in its en twin, numbers aside (every run of digits counts as the same token): a vi report that is
  really English scores near 1; the rule is ≤ 0.20;
* :func:`findings_before_first_table` — "Kết quả chính" (or "Key findings") comes before the
  first ``<table>`` of the page;
* :func:`h1_count`, :func:`raw_markers` — one H1; no ``True/False/NaN/None/nan/<NA>`` shown.

``python -m cchc_research.reporting.audit [REPORTS_DIR]`` prints the checks for every
``<name>-vi`` / ``<name>-en`` pair and exits 1 if one fails.

Examples
--------
>>> vi = "<p>Có 1.827 giá trị. Nguồn: PAPI.</p>"
>>> en = "<p>There are 1,827 values. Nguồn: PAPI.</p>"
>>> shared_sentence_ratio(vi, en)
0.5
>>> findings_before_first_table("<h2>Kết quả chính</h2><table></table>")
True
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from cchc_research import config

__all__ = ["visible_text", "sentences", "shared_sentence_ratio", "findings_before_first_table", "h1_count",
           "raw_markers", "audit_reports", "MAX_SHARED"]

#: Largest share of a vi report's sentences allowed to repeat its en twin.
MAX_SHARED = 0.20

_HEADINGS = ("Kết quả chính", "Key findings")
_RAW = re.compile(r"(?<![\w-])(True|False|NaN|nan|None|<NA>|NaT)(?![\w-])")


class _Text(HTMLParser):
    def __init__(self, skip: tuple[str, ...] = ("style", "script", "head")) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._skipped = skip

    def handle_starttag(self, tag, attrs):
        if tag in self._skipped:
            self._skip += 1
        if tag in ("p", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "div", "br", "caption", "section"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self._skipped and self._skip:
            self._skip -= 1
        if tag in ("td", "th", "p", "li", "h1", "h2", "h3", "caption"):
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str, *, tables: bool = True) -> str:
    """The text a reader sees (styles, scripts and the head dropped), block elements on their own lines.

    ``tables=False`` also drops the content of ``<table>`` elements (cells of codes, names and
    numbers are the same in both languages and are not sentences).
    """
    parser = _Text(("style", "script", "head") if tables else ("style", "script", "head", "table"))
    parser.feed(html)
    return "".join(parser.parts)


def sentences(html: str) -> set[str]:
    """Normalised sentences of the prose (tables left out): numbers → ``#``, whitespace collapsed, lower case.

    Fragments without a letter (numbers, dashes) are dropped.
    """
    text = visible_text(html, tables=False)
    out = set()
    for part in re.split(r"(?<=[.!?])\s+|\n+", text):
        norm = re.sub(r"[−+-]?\d[\d.,]*\s?%?", "#", part)
        norm = re.sub(r"\s+", " ", norm).strip().lower()
        if re.search(r"[^\W\d_]", norm):
            out.add(norm)
    return out


def shared_sentence_ratio(vi_html: str, en_html: str) -> float:
    """Share of the vi page's sentences that also occur in the en page (numbers aside)."""
    vi, en = sentences(vi_html), sentences(en_html)
    if not vi:
        return 0.0
    return len(vi & en) / len(vi)


def findings_before_first_table(html: str) -> bool:
    """Whether the key-findings heading comes before the first ``<table`` of the page body."""
    body = html[html.find("<body"):] if "<body" in html else html
    found = [body.find(h) for h in _HEADINGS if h in body]
    if not found:
        return False
    table = body.find("<table")
    return table == -1 or min(found) < table


def h1_count(html: str) -> int:
    """Number of ``<h1`` elements in the page."""
    return len(re.findall(r"<h1[\s>]", html))


def raw_markers(html: str) -> list[str]:
    """``True/False/NaN/None/nan/<NA>/NaT`` shown to the reader (visible text only)."""
    return _RAW.findall(visible_text(html))


def audit_reports(reports_dir: str | Path) -> list[dict]:
    """Run the checks on every ``<name>-vi`` report with an ``<name>-en`` twin under ``reports_dir``.

    Returns
    -------
    list of dict
        One per pair: ``vi``, ``en``, ``shared`` (ratio), ``findings_first`` (vi page),
        ``h1`` (vi page), ``raw`` (markers in the vi page), ``ok``.
    """
    reports_dir = Path(reports_dir)
    out = []
    for vi_html in sorted(reports_dir.glob("*-vi/report.html")):
        name = vi_html.parent.name[: -len("-vi")]
        en_html = reports_dir / f"{name}-en" / "report.html"
        if not en_html.exists():
            continue
        vi, en = vi_html.read_text("utf-8"), en_html.read_text("utf-8")
        row = {"vi": vi_html.parent.name, "en": en_html.parent.name, "shared": shared_sentence_ratio(vi, en),
               "findings_first": findings_before_first_table(vi), "h1": h1_count(vi), "raw": raw_markers(vi)}
        row["ok"] = row["shared"] <= MAX_SHARED and row["findings_first"] and row["h1"] == 1 and not row["raw"]
        out.append(row)
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the audit of a reports folder; exit status 1 if any pair fails."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else config.REPORTS_DIR
    rows = audit_reports(folder)
    for r in rows:
        print(f"{r['vi']:<34} shared {r['shared']:6.1%}  findings first {r['findings_first']!s:<5}  "
              f"h1 {r['h1']}  raw {len(r['raw'])}  {'ok' if r['ok'] else 'FAIL'}")
    return 0 if rows and all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
