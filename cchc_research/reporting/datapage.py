"""The data page of the gallery: sources with licences and reliability, build manifest, rejects, dictionary.

Written by :func:`cchc_research.reporting.render.write_index` as ``reports/data/data.html``
(English) and ``reports/data/data.vi.html`` (Vietnamese), with ``reports/data/rejects.csv``
(every rejected raw row, UTF-8 with BOM) beside them. Sources come from
``data/raw/MANIFEST.yaml`` (licence and reliability in the reader's language, from
``messages/overview.yaml``), the manifest from ``data/processed/build_manifest.json``, the
rejects from ``data/processed/rejects/``, the dictionary from ``data_dictionary.md`` (generated
by ``cchc build``, in English).
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import mistune
import pandas as pd

from cchc_research import config
from cchc_research.analysis.overview_provenance import provenance_table, rejects_by_reason
from cchc_research.errors import SourceError
from cchc_research.reporting.i18n import Messages
from cchc_research.reporting.overview import sources_table
from cchc_research.reporting.tables import show_table

__all__ = ["write_data_page", "data_page_name"]


def data_page_name(lang: str) -> str:
    """``data.html`` (English) or ``data.vi.html``."""
    return "data.html" if lang == "en" else f"data.{lang}.html"


def _sections(folder: Path, lang: str) -> list[str]:
    msg = Messages("site", lang)
    processed = Path(config.PROCESSED_DIR)
    parts = []
    try:
        prov = provenance_table()
    except SourceError:
        return [f"<p>{html.escape(msg('no_manifest'))}</p>"]
    parts.append(f"<h2>{html.escape(msg('sec_sources'))}</h2>")
    parts.append(show_table(sources_table(prov, lang), "sources", lang, study="overview",
                            formats={"source": "category", "licence": "text", "reliability": "text"},
                            )._repr_html_())
    parts.append(show_table(prov[["source", "file", "sha256"]], "provenance", lang, study="overview",
                            formats={"source": "category", "file": "code", "sha256": "code"})._repr_html_())
    manifest_path = processed / "build_manifest.json"
    if not manifest_path.exists():
        parts.append(f"<p>{html.escape(msg('not_built'))}</p>")
        return parts
    manifest = json.loads(manifest_path.read_text("utf-8"))
    outputs = pd.DataFrame([{"output": v.get("path", k), "sha256": str(v.get("sha256", ""))[:16]}
                            for k, v in sorted(manifest.get("outputs", {}).items())])
    inputs = pd.DataFrame([{"input": k, "sha256": str(v)[:16]} for k, v in sorted(manifest.get("inputs", {}).items())])
    parts.append(f"<h2>{html.escape(msg('sec_manifest'))}</h2>")
    for frame, key in ((outputs, "output"), (inputs, "input")):
        if len(frame):
            parts.append(show_table(frame, f"manifest_{key}", lang, study="site",
                                    formats={key: "code", "sha256": "code"}, headers={"sha256": "sha256_16"},
                                    caption=False)._repr_html_())
    rejects_csv = processed / "rejects" / "rejects.csv"
    parts.append(f"<h2>{html.escape(msg('sec_rejects'))}</h2>")
    if rejects_csv.exists():
        rejects = pd.read_csv(rejects_csv, dtype=str, keep_default_na=False)
        summary = (rejects_by_reason(rejects).groupby(["source", "error"], as_index=False)["rows"].sum()
                   .sort_values(["rows", "source"], ascending=[False, True]).reset_index(drop=True))
        parts.append(show_table(summary, "rejects", lang, study="overview",
                                formats={"source": "category", "error": "category"})._repr_html_())
        rejects.to_csv(folder / "rejects.csv", index=False, encoding="utf-8-sig", lineterminator="\n")
        parts.append(f'<p><a href="rejects.csv">{html.escape(msg("rejects_download"))}</a></p>')
    dictionary = processed / "data_dictionary.md"
    if dictionary.exists():
        parts.append(f"<h2>{html.escape(msg('sec_dictionary'))}</h2>")
        body = mistune.html(dictionary.read_text("utf-8"))
        parts.append('<div class="dictionary">' + body.replace("<h1>", "<h3>").replace("</h1>", "</h3>")
                     .replace("<h2>", "<h3>").replace("</h2>", "</h3>") + "</div>")
    return parts


def write_data_page(reports_dir: Path, lang: str) -> Path:
    """Write ``reports/data/data[.vi].html`` (and ``rejects.csv``) in ``lang``; return the page's path."""
    msg = Messages("site", lang)
    folder = Path(reports_dir) / "data"
    folder.mkdir(parents=True, exist_ok=True)
    back = "../index.html" if lang == "en" else f"../index.{lang}.html"
    page = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{html.escape(msg("data_title"))}</title>
<style>body{{font-family:'DejaVu Sans',Arial,sans-serif;margin:0 auto;max-width:1320px;padding:1.2em;color:#1f2328}}
.dictionary table{{border-collapse:collapse;font-size:.85em;display:block;overflow-x:auto}}
.dictionary td,.dictionary th{{border:1px solid #d0d7de;padding:.2em .5em}}a{{color:#0b6bcb}}</style></head><body>
<p><a href="{back}">{html.escape(msg("back_to_index"))}</a></p>
<h1>{html.escape(msg("data_title"))}</h1>
<p>{html.escape(msg("data_intro"))}</p>
{chr(10).join(_sections(folder, lang))}
</body></html>
"""
    path = folder / data_page_name(lang)
    path.write_text(page, encoding="utf-8")
    return path
