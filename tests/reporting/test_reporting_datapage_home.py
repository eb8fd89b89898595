"""The data page in a project home without raw data (an installed wheel before `cchc init`)."""

from __future__ import annotations

import pytest

from cchc_research import config
from cchc_research.analysis.overview_provenance import provenance_table
from cchc_research.errors import SourceError
from cchc_research.reporting.datapage import write_data_page


@pytest.fixture()
def empty_home(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "RAW_DIR", tmp_path / "data" / "raw")
    monkeypatch.setattr(config, "PROCESSED_DIR", tmp_path / "data" / "processed")
    return tmp_path


def test_provenance_table_names_the_missing_manifest(empty_home):
    with pytest.raises(SourceError, match="MANIFEST.yaml") as err:
        provenance_table()
    assert err.value.file.endswith("MANIFEST.yaml")


@pytest.mark.parametrize("lang, text", [("vi", "danh mục dữ liệu thô"), ("en", "raw-data manifest")])
def test_data_page_says_there_is_no_manifest(empty_home, lang, text):
    page = write_data_page(empty_home / "reports", lang)
    assert text in page.read_text("utf-8")
