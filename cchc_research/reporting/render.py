"""HTML of executed notebooks (code hidden, one H1, parameters at the end) and the gallery index.

:func:`notebook_to_html` renders a run in the run's language (``lang`` parameter; English when
absent): the notebook's own H1 is the page title (a title banner is added only when the notebook
shows none), a failed run gets a status banner on top, and the run's parameters close the page.

:func:`write_index` writes the gallery, ``reports/index.html`` (English) and
``reports/index.vi.html`` (Vietnamese): per run a thumbnail of its main figure, its key finding
(``findings.json`` written by the notebook), status (with the stale-report fields of
``run.json`` when a rerun failed and the last good report is kept), date, commit and
parameters, and links to the HTML, the executed notebook, every table as CSV, the run's
workbook and the figures; plus the data page (:mod:`cchc_research.reporting.datapage`).

Examples
--------
>>> from cchc_research.reporting.render import parameters_markdown
>>> print(parameters_markdown({"lang": "vi", "start_year": 2018}, "en"))
| Parameter | Value |
|---|---|
| lang | vi |
| start_year | 2018 |
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from PIL import Image

from cchc_research.reporting import fmt
from cchc_research.reporting.datapage import write_data_page
from cchc_research.reporting.findings import FINDINGS_FILE
from cchc_research.reporting.i18n import LANGS, Messages
from cchc_research.reporting.tables import WORKBOOK_NAME

__all__ = ["parameters_markdown", "notebook_to_html", "write_index", "run_records", "index_name",
           "VIETNAMESE_FONT_CSS", "PAGE_CSS", "NOTEBOOK_ONLY_TAG"]

#: Fonts with complete Vietnamese coverage (stacked diacritics such as ồ, ố, ẫ). Common monospace
#: fonts (DejaVu Sans Mono, Liberation Mono, Menlo) lack the precomposed Vietnamese letters, so
#: text outputs use Noto Sans Mono where installed, else the proportional DejaVu Sans / Arial.
VIETNAMESE_FONT_CSS = (
    "<style>:root{--jp-content-font-family:'DejaVu Sans',Arial,sans-serif;"
    "--jp-ui-font-family:'DejaVu Sans',Arial,sans-serif;"
    "--jp-code-font-family:'Noto Sans Mono','DejaVu Sans',Arial,sans-serif;}"
    "pre,code{font-family:'Noto Sans Mono','DejaVu Sans',Arial,sans-serif;}</style>\n"
)

#: Page layout of a report: a readable column, figures and wide tables never run off the page.
PAGE_CSS = (
    "<style>body.jp-Notebook{max-width:1100px;margin:0 auto;padding:1em 1.5em}"
    ".jp-RenderedImage img{max-width:100%;height:auto}"
    ".jp-RenderedHTMLCommon table:not(.cchc){display:block;overflow-x:auto;max-width:100%}"
    ".jp-OutputArea-output{overflow-x:auto}</style>\n"
)

#: Cells with this tag (e.g. a bilingual note for readers of the notebook itself) are left out of the HTML.
NOTEBOOK_ONLY_TAG = "notebook-only"

_STATUS_COLOUR = {"ok": "#1a7f37", "failed": "#cf222e", "missing": "#6e7781"}


def index_name(lang: str) -> str:
    """File name of the gallery in ``lang``: ``index.html`` (English) or ``index.vi.html``."""
    return "index.html" if lang == "en" else f"index.{lang}.html"


def parameters_markdown(parameters: dict, lang: str = "en") -> str:
    """A Markdown table of run parameters (plain values, headers in ``lang``)."""
    msg = Messages("site", lang)
    lines = [f"| {msg('parameter')} | {msg('value')} |", "|---|---|"]
    for key in sorted(parameters):
        lines.append(f"| {key} | {parameters[key]} |".replace("\n", " "))
    return "\n".join(lines)


def _shows_h1(nb) -> bool:
    for cell in nb.cells:
        if cell.cell_type == "markdown" and re.match(r"\s*# ", cell.source):
            return True
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get("text/markdown", "")
            if isinstance(text, list):
                text = "".join(text)
            if re.match(r"\s*# ", text):
                return True
    return False


def notebook_to_html(notebook_path: Path, html_path: Path, *, title: str, parameters: dict, status: str) -> Path:
    """Render an executed notebook to HTML: code hidden, one H1, status banner, parameters at the end.

    The ``parameters`` / ``injected-parameters`` cells and cells tagged ``notebook-only``
    (:data:`NOTEBOOK_ONLY_TAG`) are left out.

    Parameters
    ----------
    notebook_path, html_path : Path
    title : str
        Page title (and the H1 when the notebook shows none).
    parameters : dict
        The run's parameters (``output_dir`` is not shown); ``lang`` sets the page language.
    status : str
        ``"ok"`` or ``"failed"`` (a banner is shown unless ok).

    Returns
    -------
    Path
    """
    lang = parameters.get("lang", "en")
    lang = lang if lang in LANGS else "en"
    msg = Messages("site", lang)
    nb = nbformat.read(notebook_path, as_version=4)
    dropped = {"injected-parameters", "parameters", NOTEBOOK_ONLY_TAG}
    nb.cells = [c for c in nb.cells if not dropped & set(c.get("metadata", {}).get("tags", []))]
    head = []
    if not _shows_h1(nb):
        head.append(f"# {title}")
    if status != "ok":
        head.append("**" + msg("status_banner", status=msg(f"status_{status}") if msg.has(f"status_{status}")
                               else status) + "**")
    if head:
        nb.cells.insert(0, nbformat.v4.new_markdown_cell("\n\n".join(head)))
    shown = {k: v for k, v in parameters.items() if k != "output_dir"}
    nb.cells.append(nbformat.v4.new_markdown_cell(f"## {msg('parameters_of_run')}\n\n"
                                                  + parameters_markdown(shown, lang)))
    nb.metadata["title"] = title
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    body = re.sub(r"<html lang=\"[a-zA-Z-]*\"", f'<html lang="{lang}"', body, count=1)
    body = body.replace("</head>", VIETNAMESE_FONT_CSS + PAGE_CSS + "</head>", 1)
    html_path.write_text(body, encoding="utf-8")
    return html_path


def _read_json(path: Path) -> dict | None:
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError:
        return {"status": "failed", "error": f"unreadable {path.name}"}


def run_records(reports_dir: Path, runs: list) -> list[dict]:
    """What the gallery shows per configured run, read from ``run.json`` and ``findings.json``.

    The record has the fields of :func:`cchc_research.reporting.runner.index_data` (``name``,
    ``title``, ``notebook``, ``parameters``, ``status``, ``shown``, ``stale``, ``kept_from``,
    ``failed_rerun``, ``finished_at``, ``commit``, ``error``, ``failed``) plus ``findings``
    (the run's ``findings.json``), ``figures``, ``tables`` and ``workbook`` (paths relative to
    ``reports_dir``). Written against the ``run.json`` fields of docs/dev/runner-fields.md.
    """
    reports_dir = Path(reports_dir)
    out = []
    for spec in runs:
        folder = reports_dir / spec.name
        info = _read_json(folder / "run.json")
        failed = _read_json(reports_dir / f"{spec.name}.failed" / "run.json")
        newer_failure = bool(failed and (not info or failed.get("finished_at_unix", 0)
                                         >= info.get("finished_at_unix", 0)))
        status = "failed" if newer_failure else (info or {}).get("status", "missing")
        good = bool(info and info.get("status") == "ok")
        stale = bool(good and (newer_failure or info.get("stale")))
        latest = failed if newer_failure else info
        rerun = (info or {}).get("failed_rerun") or ({"finished_at": failed.get("finished_at"),
                                                      "error": failed.get("error")} if failed else None)
        out.append({
            "name": spec.name, "title": spec.title, "notebook": spec.notebook.name,
            "parameters": dict(spec.parameters), "status": status,
            "shown": spec.name if info else None, "stale": stale,
            "kept_from": (info or {}).get("kept_from") or ({"finished_at": (info or {}).get("finished_at"),
                                                            "commit": ((info or {}).get("git") or {}).get("commit")}
                                                           if stale else None),
            "failed_rerun": rerun if stale else None,
            "finished_at": (info or {}).get("finished_at"),
            "commit": ((info or {}).get("git") or {}).get("commit"),
            "seconds": (info or {}).get("seconds"),
            "error": (latest or {}).get("error") if status == "failed" else None,
            "failed": f"{spec.name}.failed" if failed else None,
            "findings": _read_json(folder / FINDINGS_FILE) or {},
            "figures": sorted(p.relative_to(reports_dir).as_posix() for p in (folder / "figures").glob("*.png")),
            "tables": sorted(p.relative_to(reports_dir).as_posix() for p in (folder / "tables").glob("*.csv")),
            "workbook": (folder / "tables" / WORKBOOK_NAME).relative_to(reports_dir).as_posix()
            if (folder / "tables" / WORKBOOK_NAME).exists() else None,
        })
    return out


def _thumbnail(reports_dir: Path, rec: dict) -> str | None:
    """Write ``thumbs/<run>.png`` (at most 480 × 320; the top of a tall figure) from the main figure; return its path."""
    main = rec["findings"].get("main_figure")
    source = reports_dir / rec["name"] / main if main else None
    if source is None or not source.exists():
        source = reports_dir / rec["figures"][0] if rec["figures"] else None
    if source is None or not source.exists():
        return None
    thumbs = reports_dir / "thumbs"
    thumbs.mkdir(exist_ok=True)
    dest = thumbs / f"{rec['name']}.png"
    with Image.open(source) as img:
        img = img.convert("RGB")
        width, height = img.size
        if height > 0.75 * width:  # a tall figure: keep its top (title and first rows) so the thumbnail is legible
            img = img.crop((0, 0, width, int(0.66 * width)))
        img.thumbnail((480, 320))
        img.save(dest, format="PNG", optimize=True)
    return dest.relative_to(reports_dir).as_posix()


def _when(iso: str | None, lang: str) -> str:
    """``finished_at`` (ISO 8601) as a date and time in the reader's locale (UTC)."""
    if not iso:
        return fmt.MISSING
    try:
        moment = datetime.fromisoformat(iso).astimezone(timezone.utc)
    except ValueError:
        return iso
    return f"{fmt.date(moment, lang)} {moment:%H:%M} UTC"


def _link(href: str, text: str) -> str:
    return f'<a href="{html.escape(href)}">{html.escape(text)}</a>'


def _card(rec: dict, thumb: str | None, lang: str) -> str:
    msg = Messages("site", lang)
    status = rec["status"]
    badge = msg(f"status_{status}") if msg.has(f"status_{status}") else status
    colour = _STATUS_COLOUR.get(status, "#000")
    notes = []
    if rec["stale"]:
        kept, rerun = rec["kept_from"] or {}, rec["failed_rerun"] or {}
        notes.append(msg("stale_note", kept_at=_when(kept.get("finished_at"), lang),
                         kept_commit=str(kept.get("commit") or "—")[:10],
                         failed_at=_when(rerun.get("finished_at"), lang)))
    if rec["error"]:
        notes.append(f"{msg('error_label')}: {str(rec['error'])[:300]}")
    sentences = rec["findings"].get("sentences") or []
    finding = sentences[0] if sentences else msg("no_findings")
    name = rec["name"]
    links = []
    if rec["shown"]:
        for file, key in (("report.html", "link_report"), ("report.ipynb", "link_notebook"),
                          ("run.json", "link_run_json")):
            links.append(_link(f"{name}/{file}", msg(key)))
        if rec["workbook"]:
            links.append(_link(rec["workbook"], msg("link_workbook")))
    if rec["failed"]:
        links.append(_link(f"{rec['failed']}/report.ipynb", msg("link_failed_notebook")))
    tables = " ".join(_link(p, Path(p).stem) for p in rec["tables"])
    figures = " ".join(_link(p, Path(p).stem) for p in rec["figures"])
    params = ", ".join(f"{k}={v}" for k, v in sorted(rec["parameters"].items()))
    report = f"{rec['shown']}/report.html" if rec["shown"] else None
    img = (f'<img class="thumb" src="{html.escape(thumb)}" alt="{html.escape(rec["title"])}">' if thumb
           else f'<div class="thumb none">{html.escape(msg("no_figure"))}</div>')
    if report:
        img = f'<a href="{html.escape(report)}">{img}</a>'
    heading = _link(report, rec["title"]) if report else html.escape(rec["title"])
    return (
        f'<article class="card" id="run-{html.escape(name)}">{img}<div class="body">'
        f'<h2>{heading}</h2>'
        f'<p class="finding">{html.escape(finding)}</p>'
        f'<p class="meta"><span class="status" style="color:{colour}">{html.escape(badge)}</span>'
        + "".join(f'<br><small class="note">{html.escape(n)}</small>' for n in notes)
        + f'<br>{html.escape(msg("run_name"))}: <code class="name">{html.escape(name)}</code>'
        f'<br>{html.escape(msg("finished"))}: {html.escape(_when(rec["finished_at"], lang))}'
        f' · {html.escape(msg("commit"))}: <code>{html.escape(str(rec["commit"] or "—")[:10])}</code>'
        f'<br>{html.escape(msg("parameters_label"))}: <code>{html.escape(params)}</code></p>'
        f'<p class="links">{" · ".join(links)}</p>'
        + (f'<p class="links"><b>{html.escape(msg("link_tables"))}:</b> {tables}</p>' if tables else "")
        + (f'<p class="links"><b>{html.escape(msg("link_figures"))}:</b> {figures}</p>' if figures else "")
        + "</div></article>"
    )


_GALLERY_CSS = (
    "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:0 auto;max-width:1280px;padding:1.2em;color:#1f2328}"
    "header{display:flex;justify-content:space-between;align-items:baseline;flex-wrap:wrap;gap:1em}"
    "#runs{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:1.1em}"
    ".card{border:1px solid #d0d7de;border-radius:8px;overflow:hidden;background:#fff;display:flex;"
    "flex-direction:column}.card .body{padding:.6em .9em}.card h2{font-size:1.05em;margin:.3em 0}"
    ".thumb{width:100%;height:220px;object-fit:contain;background:#f6f8fa;border-bottom:1px solid #d0d7de;"
    "display:block}.thumb.none{display:flex;align-items:center;justify-content:center;color:#6e7781}"
    ".finding{font-size:.93em;border-left:3px solid #0b6bcb;padding-left:.6em}.meta,.links{font-size:.85em;"
    "overflow-wrap:anywhere}.status{font-weight:700}code{font-size:.95em}a{color:#0b6bcb}"
)


def write_index(reports_dir: Path, runs: list, *, title: str | None = None,
                records: list[dict] | None = None) -> Path:
    """Write the gallery (``index.html`` in English, ``index.vi.html`` in Vietnamese) and the data pages.

    Parameters
    ----------
    reports_dir : Path
    runs : list of RunSpec
        Every configured run (listed even when not executed: status ``missing``).
    title : str, optional
        Page title (default: the ``site_title`` message).
    records : list of dict, optional
        Precomputed :func:`run_records` (default: read from ``reports_dir``).

    Returns
    -------
    Path
        ``reports/index.html``.
    """
    reports_dir = Path(reports_dir)
    records = run_records(reports_dir, runs) if records is None else records
    thumbs = {rec["name"]: _thumbnail(reports_dir, rec) for rec in records}
    for lang in LANGS:
        write_data_page(reports_dir, lang)
    for lang in LANGS:
        msg = Messages("site", lang)
        other = "vi" if lang == "en" else "en"
        page_title = title or msg("site_title")
        cards = "\n".join(_card(rec, thumbs[rec["name"]], lang) for rec in records)
        page = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{html.escape(page_title)}</title><style>{_GALLERY_CSS}</style></head><body>
<header><h1>{html.escape(page_title)}</h1>
<nav><a href="{index_name(other)}" hreflang="{other}">{html.escape(msg("other_language"))}</a> ·
<a href="data/{index_name(lang).replace("index", "data")}">{html.escape(msg("data_page_link"))}</a></nav></header>
<p>{html.escape(msg("site_intro"))}</p>
<section id="runs">
{cards}
</section></body></html>
"""
        (reports_dir / index_name(lang)).write_text(page, encoding="utf-8")
    return reports_dir / index_name("en")
