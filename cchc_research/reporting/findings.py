"""The "Kết quả chính / Key findings" box: 3–5 sentences generated from the computed results.

A notebook never types a number into its findings. It builds :class:`Finding` objects — a
message key of its study plus the raw values (estimate, interval bounds, p-value, sample size…)
taken from the same results its tables show — and :func:`key_findings` writes them in the
report's language and locale. The box records every number it printed (:attr:`FindingsBox.numbers`),
so a test can check that each one also appears in a table of the report, and saves
``findings.json`` (heading, sentences, numbers, language) in the run folder for the gallery
index (:func:`cchc_research.reporting.render.write_index`).

Examples
--------
>>> box = key_findings([Finding("example_findings_count", n=1827, share=0.0031),
...                     Finding("example_findings_caveat"), Finding("example_findings_count", n=2, share=0.5)],
...                    "vi", study="common")
>>> box.sentences[0]
'1.827 giá trị, trong đó 0,31 % bị loại.'
>>> box.numbers
['1.827', '0,31 %', '2', '50,00 %']
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cchc_research.errors import ReportError
from cchc_research.reporting.i18n import LocaleFormatter, Messages, check_lang

__all__ = ["Finding", "FindingsBox", "key_findings", "FINDINGS_FILE", "update_run_notes", "read_run_notes",
           "study_findings_doc"]

#: File written next to ``figures/`` and ``tables/`` in a run folder.
FINDINGS_FILE = "findings.json"

MIN_SENTENCES, MAX_SENTENCES = 3, 5


@dataclass(frozen=True)
class Finding:
    """One sentence of the box: a message key and the values that fill it.

    Parameters
    ----------
    key : str
        Message key in the study's catalog (by convention ``findings_…``); its text must contain
        no digits of its own (checked by the tests) — every number comes from ``values``.
    **values
        Raw numbers (formatted by the template's spec: ``{n}``, ``{x:.2f}``, ``{r:.1%}``, ``{p:p}``)
        or words (already translated, e.g. an indicator name).
    """

    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def __init__(self, key: str, **values: Any) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "values", values)


class FindingsBox:
    """Rendered key findings (HTML box in notebooks and reports; plain text elsewhere)."""

    def __init__(self, heading: str, sentences: list[str], numbers: list[str], lang: str) -> None:
        self.heading, self.sentences, self.numbers, self.lang = heading, sentences, numbers, lang

    def text(self) -> str:
        """The sentences as one paragraph."""
        return " ".join(self.sentences)

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(s)}</li>" for s in self.sentences)
        return ('<section class="cchc-findings" style="border-left:4px solid #0b6bcb;background:#f0f6fd;'
                'padding:.6em 1.1em;margin:.8em 0 1.4em">'
                f'<h2 style="margin:.2em 0 .4em">{html.escape(self.heading)}</h2><ul>{items}</ul></section>')

    def _repr_markdown_(self) -> str:
        return f"## {self.heading}\n\n" + "\n".join(f"* {s}" for s in self.sentences)

    def __repr__(self) -> str:
        return self.heading + "\n" + "\n".join(f"- {s}" for s in self.sentences)


def read_run_notes(output_dir: str | Path) -> dict:
    """The run's ``findings.json`` (``{}`` if absent)."""
    path = Path(output_dir) / FINDINGS_FILE
    if not path.exists():
        return {}
    return json.loads(path.read_text("utf-8"))


def update_run_notes(output_dir: str | Path, **fields: Any) -> Path | None:
    """Merge ``fields`` into the run's ``findings.json`` (no-op when ``output_dir`` is empty).

    The gallery index reads ``heading``, ``sentences``, ``lang`` and ``main_figure`` from it.
    """
    if not output_dir:
        return None
    path = Path(output_dir) / FINDINGS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    notes = read_run_notes(output_dir)
    notes.update(fields)
    path.write_text(json.dumps(notes, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


_STUDY_FINDINGS_DOC = """{summary}

    Parameters
    ----------
    res : dict
        Output of :func:`{source}`.
    lang : {{"vi", "en"}}

    Returns
    -------
    list of Finding
        {returns}
    """


def study_findings_doc(summary: str, source: str, returns: str):
    """Decorator writing the numpydoc docstring every study's ``findings(res, lang)`` shares.

    A study report module's ``findings`` takes the result dict of its analysis pipeline and the
    report language, and returns the :class:`Finding` list; only the summary, the pipeline and the
    sentences differ, so the Parameters/Returns sections are written here once.

    Parameters
    ----------
    summary : str
        First docstring line.
    source : str
        Dotted name of the analysis function whose output ``res`` is.
    returns : str
        What the sentences say (one line; the decorator indents it).

    Returns
    -------
    callable
        Decorator setting ``__doc__`` and returning the function unchanged.

    Examples
    --------
    >>> @study_findings_doc("Two sentences.", "pkg.study", "The estimate and the caveat.")
    ... def findings(res, lang):
    ...     return []
    >>> "Output of :func:`pkg.study`." in findings.__doc__
    True
    """
    def decorate(func):
        func.__doc__ = _STUDY_FINDINGS_DOC.format(summary=summary, source=source, returns=returns)
        return func
    return decorate


def key_findings(findings: list[Finding], lang: str, *, study: str = "common",
                 output_dir: str | Path = "") -> FindingsBox:
    """Write the key findings in ``lang`` and (in a report run) save them to ``findings.json``.

    Parameters
    ----------
    findings : list of Finding
        3 to 5 sentences: by convention the main estimate or count, its interval / p-value or
        spread, the sample, and the main caveat.
    lang : {"vi", "en"}
    study : str
        Message catalog of the templates.
    output_dir : str or Path
        Run folder; ``""`` writes nothing.

    Returns
    -------
    FindingsBox

    Raises
    ------
    ReportError
        Fewer than 3 or more than 5 sentences.
    TranslationError
        A template key is unknown or a value it needs is missing.
    """
    check_lang(lang)
    if not MIN_SENTENCES <= len(findings) <= MAX_SENTENCES:
        raise ReportError(f"key findings need {MIN_SENTENCES}–{MAX_SENTENCES} sentences, got {len(findings)}")
    msg = Messages(study, lang)
    sentences, numbers = [], []
    for item in findings:
        formatter = LocaleFormatter(lang)
        template = msg.template(item.key)
        try:
            sentences.append(formatter.vformat(template, (), item.values))
        except (KeyError, IndexError, ValueError) as exc:
            raise ReportError(f"findings sentence {item.key!r} cannot be filled: {exc!r}") from exc
        numbers.extend(formatter.numbers)
    box = FindingsBox(msg("key_findings"), sentences, numbers, lang)
    update_run_notes(output_dir, heading=box.heading, sentences=sentences, numbers=numbers, lang=lang,
                     study=study)
    return box
