"""The presentation layer: catalogs, locale formatting, tables, key findings, gallery index, audits."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from cchc_research import config  # noqa: E402
from cchc_research.errors import CCHCError, ReportError, TranslationError  # noqa: E402
from cchc_research.reporting import audit, fmt, i18n  # noqa: E402
from cchc_research.reporting import overview as ov_view  # noqa: E402
from cchc_research.reporting import scorecard as sc_view  # noqa: E402
from cchc_research.reporting.config import RunSpec  # noqa: E402
from cchc_research.reporting.findings import Finding, key_findings  # noqa: E402
from cchc_research.reporting.render import notebook_to_html, write_index  # noqa: E402
from cchc_research.reporting.tables import show_table  # noqa: E402

# ---------------------------------------------------------------- catalogs


def test_every_key_has_vi_and_en_and_no_key_is_defined_twice():
    assert i18n.catalog_problems() == []
    assert {"common", "overview", "scorecard", "papi", "pci", "synth", "rollout", "site"} <= set(i18n.studies())


@pytest.fixture
def tmp_catalogs(tmp_path, monkeypatch):
    monkeypatch.setattr(i18n, "MESSAGES_DIR", tmp_path)
    i18n.load_messages.cache_clear()
    (tmp_path / "common.yaml").write_text("yes_word: {vi: Có, en: 'Yes'}\n", encoding="utf-8")
    yield tmp_path
    i18n.load_messages.cache_clear()


def test_missing_language_and_shadowed_key_are_reported(tmp_catalogs):
    (tmp_catalogs / "study.yaml").write_text("a: {vi: Một}\nyes_word: {vi: Có, en: 'Yes'}\nb: {vi: '', en: B}\n",
                                             encoding="utf-8")
    problems = i18n.catalog_problems()
    assert "study.yaml: 'a' has no en text" in problems
    assert "study.yaml: 'b' has no vi text" in problems
    assert "study.yaml: 'yes_word' is already defined in common.yaml" in problems


def test_duplicate_key_in_a_catalog_is_refused(tmp_catalogs):
    (tmp_catalogs / "dup.yaml").write_text("a: {vi: Một, en: One}\na: {vi: Hai, en: Two}\n", encoding="utf-8")
    with pytest.raises(TranslationError, match="defined twice"):
        i18n.load_messages("dup")


def test_invalid_yaml_is_a_translation_error(tmp_catalogs):
    (tmp_catalogs / "bad.yaml").write_text("a: b: c\n", encoding="utf-8")
    with pytest.raises(TranslationError, match="not valid YAML"):
        i18n.load_messages("bad")


def test_unknown_key_missing_field_and_bad_spec_are_refused():
    with pytest.raises(TranslationError, match="no message"):
        i18n.t("no_such_key_anywhere", "vi")
    with pytest.raises(TranslationError, match="cannot fill"):
        i18n.t("fit_line", "vi")  # needs {b}
    with pytest.raises(CCHCError, match="not supported"):
        i18n.LocaleFormatter("vi").format("{x:>10}", x=1.5)
    with pytest.raises(CCHCError, match="lang must be"):
        i18n.t("status", "fr")


def test_fields_are_written_in_the_locale():
    assert i18n.t("fit_line", "vi", "papi", b=0.31234) == "Hệ số TWFE = 0,312"
    assert i18n.t("fit_line", "en", "papi", b=0.31234) == "TWFE slope = 0.312"


def _typed_numbers(template: str) -> list[str]:
    """Numbers typed into a template outside its ``{fields}`` (names such as CR1 or D8 are not numbers)."""
    outside = re.sub(r"\{[^}]*\}", "", template)
    return re.findall(r"(?<![A-Za-z\d])\d[\d.,]*(?![A-Za-z]*\d)(?:%|th|st|nd|rd)?", outside)


#: Studies whose catalogs the reporting-layer owner does not edit (their notebooks' owners fix them).
_OTHER_OWNERS: set[str] = set()  # every study now fills its numbers from fields


@pytest.mark.parametrize("study", i18n.studies())
def test_findings_templates_contain_no_typed_numbers(study):
    bad = {(key, lang): _typed_numbers(entry[lang]) for key, entry in i18n.load_messages(study).items()
           if key.startswith("findings_") for lang in i18n.LANGS if _typed_numbers(entry[lang])}
    if bad and study in _OTHER_OWNERS:
        pytest.xfail(f"typed numbers in {study}.yaml findings (make them fields, e.g. {{level:.0%}}): {bad}")
    assert not bad


def test_typed_number_detection():
    assert _typed_numbers("CI 95% from {low} to {high}; CR1 p = {p:p}; the 90th percentile") == ["95%", "90th"]
    assert _typed_numbers("{n} values of D8 and PAPI_D5") == []


def test_every_raw_source_has_a_translated_licence_and_reliability():
    from cchc_research.analysis.overview_provenance import provenance_table

    for source in provenance_table()["source"].unique():
        for key in (source, f"licence_{source}", f"reliability_{source}"):
            assert i18n.has(key, "overview"), key


def test_labels_shim_reads_the_catalogs():
    from cchc_research import labels

    assert labels.label("on_time_rate", "vi") == i18n.t("on_time_rate", "vi")
    assert labels.translate({}, "source", "en") == "Source"
    assert labels.SIMULATED == {"vi": "MÔ PHỎNG", "en": "SIMULATED"}


def test_figure_font_covers_every_vietnamese_message():
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager

    from cchc_research.reporting.artifacts import VIETNAMESE_FONT

    path = font_manager.findfont(font_manager.FontProperties(family=VIETNAMESE_FONT), fallback_to_default=False)
    cmap = TTFont(path)["cmap"].getBestCmap()
    texts = [e["vi"] for s in i18n.studies() for e in i18n.load_messages(s).values()]
    missing = sorted({ch for t in texts for ch in t if not ch.isspace() and ord(ch) not in cmap})
    assert not missing, missing


# ---------------------------------------------------------------- locale formatting


@pytest.mark.parametrize(("call", "vi", "en"), [
    (lambda lang: fmt.integer(1827, lang), "1.827", "1,827"),
    (lambda lang: fmt.percent(0.0031, lang, 2), "0,31 %", "0.31%"),
    (lambda lang: fmt.percent(0.976, lang, 1), "97,6 %", "97.6%"),
    (lambda lang: fmt.decimal(-1234.5, lang, 1), "−1.234,5", "−1,234.5"),
    (lambda lang: fmt.signed(0.4, lang, 2), "+0,40", "+0.40"),
    (lambda lang: fmt.pvalue(0.0004, lang), "< 0,001", "< 0.001"),
    (lambda lang: fmt.interval(0.1, 0.25, lang, 2), "[0,10; 0,25]", "[0.10, 0.25]"),
    (lambda lang: fmt.boolean(True, lang), "Có", "Yes"),
    (lambda lang: fmt.cell(None, lang), "—", "—"),
    (lambda lang: fmt.cell(float("nan"), lang), "—", "—"),
    (lambda lang: fmt.cell(2024, lang, "year"), "2024", "2024"),
    (lambda lang: fmt.date("2021-04-07", lang), "07/04/2021", "Apr 7, 2021"),
])
def test_locale_formatting(call, vi, en):
    assert call("vi") == vi and call("en") == en


def test_no_negative_zero():
    assert fmt.decimal(-0.0001, "vi", 2) == "0,00"


def test_tick_formatter_follows_locale():
    form = fmt.tick_formatter("vi", "percent", 0)
    assert form(0.25, 0) == "25 %"
    assert fmt.tick_formatter("en", "int")(12000.0, 0) == "12,000"
    assert fmt.tick_formatter("vi", "decimal", 1)(float("inf"), 0) == ""


# ---------------------------------------------------------------- tables


def test_show_table_localizes_everything_and_hides_the_index(tmp_path):
    frame = pd.DataFrame({"year": [2023, 2024], "on_time_rate": [0.9761, 0.98], "values": [1827.0, 3.0],
                          "estimate": [0.0031, 0.25], "status": ["met", "no_data"],
                          "source": ["a", None]}, index=pd.RangeIndex(2))
    view = show_table(frame, "demo", "vi", formats={"on_time_rate": "percent:1", "status": "category"},
                      caption=False, output_dir=tmp_path)
    assert list(view.frame.columns) == ["Năm", "Tỷ lệ đúng hạn", "Số giá trị", "Ước lượng", "Tình trạng", "Nguồn"]
    assert view.frame.iloc[0].tolist() == ["2023", "97,6 %", "1.827", "0,0031", "Đạt", "a"]
    assert view.frame.iloc[1].tolist() == ["2024", "98,0 %", "3", "0,2500", "Chưa có số liệu", "—"]
    html = view._repr_html_()
    assert "overflow-x:auto" in html and "<th></th>" not in html and "NaN" not in html and "None" not in html
    raw = (tmp_path / "tables" / "demo.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "Tỷ lệ đúng hạn".encode() in raw
    book = pd.read_excel(tmp_path / "tables" / "report.xlsx", sheet_name=None, engine="openpyxl")
    assert list(book) == ["demo"] and book["demo"].shape == (2, 6)


def test_show_table_resets_a_meaningful_index_and_adds_a_second_sheet(tmp_path):
    cov = pd.DataFrame({2019: [1, 0], 2020: [3, 4]}, index=pd.Index(["papi", "pci"], name="family"))
    view = show_table(cov, "coverage", "en", study="overview", formats={"family": "category"}, output_dir=tmp_path)
    assert list(view.frame.columns) == ["Indicator family", "2019", "2020"]
    assert view.caption == "Reported values by indicator family and year (targets excluded)"
    show_table(cov, "cov2", "en", study="overview", formats={"family": "category"}, caption=False,
               output_dir=tmp_path)
    assert set(pd.read_excel(tmp_path / "tables" / "report.xlsx", sheet_name=None, engine="openpyxl")) == {
        "coverage", "cov2"}


def test_untranslated_header_is_refused():
    with pytest.raises(TranslationError, match="boot_p_value"):
        show_table(pd.DataFrame({"boot_p_value": [0.1]}), "x", "vi", caption=False)


def test_unknown_format_and_column_are_refused():
    with pytest.raises(CCHCError, match="unknown column format"):
        show_table(pd.DataFrame({"year": [1]}), "x", "vi", formats={"year": "money"}, caption=False)
    with pytest.raises(CCHCError, match="not in the table"):
        show_table(pd.DataFrame({"year": [1]}), "x", "vi", formats={"nope": "int"}, caption=False)


def test_decimals_fixed_per_column():
    view = show_table(pd.DataFrame({"estimate": [0.5, 0.125, 12.0]}), "x", "en", caption=False)
    assert view.frame.iloc[:, 0].tolist() == ["0.500", "0.125", "12.000"]


# ---------------------------------------------------------------- findings


def test_findings_box_needs_three_to_five_sentences():
    with pytest.raises(ReportError):
        key_findings([Finding("example_findings_caveat")] * 2, "vi")
    with pytest.raises(ReportError):
        key_findings([Finding("example_findings_caveat")] * 6, "vi")


def test_findings_box_records_its_numbers_and_saves_them(tmp_path):
    box = key_findings([Finding("example_findings_count", n=2522782, share=0.18029),
                        Finding("example_findings_caveat"), Finding("example_findings_caveat")], "vi",
                       output_dir=tmp_path)
    assert box.numbers == ["2.522.782", "18,03 %"]
    assert box.heading == "Kết quả chính" and "<h2" in box._repr_html_()
    saved = json.loads((tmp_path / "findings.json").read_text("utf-8"))
    assert saved["sentences"] == box.sentences and saved["lang"] == "vi"


def _numbers(text: str) -> list[str]:
    return re.findall(r"[−+]?\d[\d.,]*(?:\s?%)?", text)


def _assert_findings_from_tables(box, views):
    cells = [c for v in views for c in v.cells()]
    for number in _numbers(box.text()):
        bare = number.strip("−+").rstrip(".,")
        assert any(bare in cell for cell in cells), (number, box.text())
    for number in box.numbers:
        assert any(number.strip("−+") in cell for cell in cells), number


@pytest.fixture(scope="module")
def overview_res():
    from cchc_research.analysis.overview import overview_results

    return overview_results()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_overview_findings_numbers_come_from_its_tables(overview_res, lang):
    frames = ov_view.display_frames(overview_res, lang)
    box = key_findings(ov_view.findings(overview_res, lang), lang, study="overview")
    views = [show_table(frames[k], k, lang, study="overview", **ov_view.TABLES[k]) for k in ("summary", "accounting")]
    _assert_findings_from_tables(box, views)
    assert len(box.numbers) >= 8


@pytest.fixture(scope="module", params=["79", "01"])
def scorecard_res(request):
    from cchc_research.analysis.scorecard import scorecard_results

    return request.param, scorecard_results(request.param)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_scorecard_findings_numbers_come_from_its_tables(scorecard_res, lang):
    city, res = scorecard_res
    frames = sc_view.display_frames(res, lang, benchmark=city != "79")
    box = key_findings(sc_view.findings(res, lang, city="X", benchmark=city != "79"), lang, study="scorecard")
    views = []
    for key in ("status_counts", "scorecard"):
        opts = dict(sc_view.TABLES[key])
        opts["formats"] = {c: f for c, f in opts["formats"].items() if c in frames[key].columns}
        views.append(show_table(frames[key], key, lang, study="scorecard", city="X", **opts))
    _assert_findings_from_tables(box, views)


def test_scorecard_display_by_language():
    assert sc_view.format_value(0.976021, "share", "vi") == "97,6 %"
    assert sc_view.format_value(0.976021, "share", "en") == "97.6%"
    assert sc_view.format_value(0.95, "share", "vi", ">") == "> 95,0 %"
    assert sc_view.format_value(float("nan"), "share", "vi") == "—"
    assert sc_view.format_gap(-12.67, "pp", "vi") == "−12,7 điểm %"
    assert sc_view.format_gap(0.0, "pp", "en") == "+0.0 pp"
    assert sc_view.format_gap(-2.0, "rank", "vi") == "−2 bậc"
    assert sc_view.localize_scope("land and investment fields", "vi") == "lĩnh vực đất đai và đầu tư"
    assert sc_view.derivation_text("1 − dissatisfaction_rate", "en").startswith("1 − ")
    with pytest.raises(TranslationError):
        sc_view.localize_scope("an unheard-of scope", "vi")


# ---------------------------------------------------------------- audit


def test_shared_sentence_ratio_ignores_numbers_and_tables():
    vi = "<p>Có 1.827 giá trị.</p><p>Nguồn: PAPI.</p><table><tr><td>79</td><td>seed_facts:002</td></tr></table>"
    en = "<p>There are 1,827 values.</p><p>Nguồn: PAPI.</p><table><tr><td>79</td><td>seed_facts:002</td></tr></table>"
    assert audit.shared_sentence_ratio(vi, en) == 0.5
    assert audit.shared_sentence_ratio(vi.replace("Nguồn: PAPI.", "Nguồn dữ liệu."), en) == 0.0


def test_findings_position_h1_and_raw_markers():
    assert audit.findings_before_first_table("<body><h2>Kết quả chính</h2><table></table></body>")
    assert not audit.findings_before_first_table("<body><table></table><h2>Kết quả chính</h2></body>")
    assert audit.h1_count("<h1>a</h1><h1 id=x>b</h1>") == 2
    assert audit.raw_markers("<td>True</td><td>NaN</td><p>Trueness</p>") == ["True", "NaN"]


def _published_pairs():
    return audit.audit_reports(config.REPORTS_DIR) if Path(config.REPORTS_DIR).exists() else []


@pytest.mark.skipif(not _published_pairs(), reason="no vi/en report pairs under reports/ (run `cchc reports run`)")
def test_published_vi_reports_are_vietnamese_and_open_with_findings():
    rows = _published_pairs()
    for row in rows:
        if row["vi"].split("-")[0] in ("data", "targets"):  # the notebooks built on the reporting layer
            assert row["shared"] <= audit.MAX_SHARED, row
            assert row["findings_first"] and row["h1"] == 1 and not row["raw"], row


# ---------------------------------------------------------------- render and gallery


def _notebook(path: Path, *, with_h1: bool) -> Path:
    nb = nbformat.v4.new_notebook()
    note = nbformat.v4.new_markdown_cell("Ghi chú song ngữ / bilingual note")
    note.metadata["tags"] = ["notebook-only"]
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": "# Tiêu đề" if with_h1 else "văn bản",
                                                                  "text/plain": "t"})]
    nb.cells = [note, cell]
    nbformat.write(nb, path)
    return path


def test_report_html_has_one_h1_and_parameters_at_the_end(tmp_path):
    nb = _notebook(tmp_path / "a.ipynb", with_h1=True)
    html = notebook_to_html(nb, tmp_path / "a.html", title="T", parameters={"lang": "vi", "output_dir": "x"},
                            status="ok").read_text("utf-8")
    assert audit.h1_count(html) == 1 and '<html lang="vi"' in html
    assert html.index("Tiêu đề") < html.index("Thông số của lần chạy") and "output_dir" not in html
    assert "bilingual note" not in html  # notebook-only cells stay out of the report
    nb2 = _notebook(tmp_path / "b.ipynb", with_h1=False)
    html2 = notebook_to_html(nb2, tmp_path / "b.html", title="Tên", parameters={}, status="failed").read_text("utf-8")
    assert audit.h1_count(html2) == 1 and "Status: failed" in html2 and "Parameters of this run" in html2


def _fake_run(reports: Path, name: str, *, lang: str, stale: bool = False) -> RunSpec:
    folder = reports / name
    (folder / "figures").mkdir(parents=True)
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    fig.savefig(folder / "figures" / "main.png")
    plt.close(fig)
    show_table(pd.DataFrame({"year": [2024]}), "years", lang, caption=False, output_dir=folder)
    key_findings([Finding("example_findings_count", n=3, share=0.5), Finding("example_findings_caveat"),
                  Finding("example_findings_caveat")], lang, output_dir=folder)
    (folder / "findings.json").write_text(json.dumps({**json.loads((folder / "findings.json").read_text("utf-8")),
                                                      "main_figure": "figures/main.png"}), encoding="utf-8")
    (folder / "report.html").write_text("<html></html>", encoding="utf-8")
    (folder / "report.ipynb").write_text("{}", encoding="utf-8")
    info = {"status": "ok", "finished_at": "2026-01-02T03:04:05+00:00", "finished_at_unix": 1.0,
            "git": {"commit": "abcdef1234567890"}}
    if stale:
        failed = reports / f"{name}.failed"
        failed.mkdir()
        (failed / "report.ipynb").write_text("{}", encoding="utf-8")
        (failed / "run.json").write_text(json.dumps({"status": "failed", "finished_at_unix": 2.0,
                                                     "finished_at": "2026-01-03T00:00:00+00:00",
                                                     "error": "ValueError: boom"}), encoding="utf-8")
        info.update(stale=True, kept_from={"finished_at": info["finished_at"], "commit": "abcdef1234"},
                    failed_rerun={"finished_at": "2026-01-03T00:00:00+00:00", "error": "ValueError: boom",
                                  "folder": f"{name}.failed"})
    (folder / "run.json").write_text(json.dumps(info), encoding="utf-8")
    return RunSpec(name=name, notebook=Path("notebooks/01_data_overview.ipynb"), parameters={"lang": lang},
                   title=f"Báo cáo {name}", timeout=60)


@pytest.fixture
def gallery(tmp_path):
    reports = tmp_path / "reports"
    runs = [_fake_run(reports, "a-vi", lang="vi"), _fake_run(reports, "a-en", lang="en", stale=True),
            RunSpec(name="never-run", notebook=Path("notebooks/02_targets_scorecard.ipynb"), parameters={},
                    title="Never", timeout=60)]
    write_index(reports, runs)
    return reports


def _local_refs(page: Path) -> list[str]:
    text = page.read_text("utf-8")
    return [r for r in re.findall(r'(?:href|src)="([^"#]+)"', text) if not re.match(r"[a-z]+:", r)]


def test_gallery_pages_link_to_existing_files(gallery):
    pages = [gallery / "index.html", gallery / "index.vi.html", gallery / "data" / "data.html",
             gallery / "data" / "data.vi.html"]
    for page in pages:
        refs = _local_refs(page)
        assert refs, page
        for ref in refs:
            assert (page.parent / ref).resolve().exists(), (page.name, ref)
    en = pages[0].read_text("utf-8")
    assert ">a-vi<" in en and ">never-run<" in en and "missing" in en
    assert "last good report kept" in en and "a-en/tables/report.xlsx" in en and "thumbs/a-vi.png" in en
    vi = pages[1].read_text("utf-8")
    assert "chưa chạy" in vi and "đang hiển thị báo cáo tốt gần nhất" in vi and "3 giá trị" in vi
    assert (gallery / "data" / "rejects.csv").read_bytes().startswith(b"\xef\xbb\xbf") or not (
        Path(config.PROCESSED_DIR) / "rejects" / "rejects.csv").exists()


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
@pytest.mark.skipif(_chromium() is None, reason="headless Chromium not installed")
def test_gallery_in_headless_chromium_every_link_resolves_and_every_thumbnail_loads(gallery, tmp_path):
    probe = gallery / "probe.html"
    for page in ("index.html", "index.vi.html"):
        # a probe page loads the gallery in an iframe and reports, per image, whether it decoded
        probe.write_text(
            f'<html><body><iframe id="f" src="{page}" style="width:1400px;height:3000px"></iframe><pre id="out"></pre>'
            "<script>document.getElementById('f').onload=function(){var d=this.contentDocument;"
            "var imgs=[].slice.call(d.images);Promise.all(imgs.map(function(i){return i.decode().then(function(){"
            "return i.getAttribute('src')+' ok '+i.naturalWidth},function(){return i.getAttribute('src')+' broken'})}))"
            ".then(function(r){document.getElementById('out').textContent=r.join('\\n')+'\\nlinks '+"
            "[].slice.call(d.links).map(function(a){return a.getAttribute('href')}).join(' ')})};</script></body></html>",
            encoding="utf-8")
        cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=8000", "--dump-dom", probe.as_uri()]
        # a loaded machine can end Chromium's virtual time before the iframe reports: retry
        for _attempt in range(3):
            dom = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
            found = re.search(r'<pre id="out">(.*?)</pre>', dom, re.S)
            out = found.group(1) if found else ""
            if out.strip():
                break
        lines = [ln for ln in out.splitlines() if ln.strip()]
        images = [ln for ln in lines if not ln.startswith("links ")]
        assert len(images) == 2 and all(" ok " in ln and not ln.endswith(" ok 0") for ln in images), out
        links = lines[-1].split()[1:]
        assert links
        for href in links:
            if not re.match(r"[a-z]+:", href):
                assert (gallery / href.split("#")[0]).exists(), href
