"""Bad and unusual inputs found by the newcomer sweep (docs/bad-inputs/sweep.md).

One parametrized test per KIND of fault. Every case either gets the right value or the
project's own error (``cchc_research.errors``) with a hint; before the fix each one gave a
third-party traceback, a silently wrong value or an unclear message (noted per case).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from cchc_research import config, data
from cchc_research.catalog import range_flags, validate_value
from cchc_research.errors import (
    AggregationError,
    DataError,
    MissingValuesError,
    TreatedUnitNotFoundError,
    UnknownGeographyError,
    InvalidArgumentError,
    ModelError,
    ParseError,
    SchemaError,
    SourceError,
)
from cchc_research.models import (
    event_study_twfe,
    frac_logit,
    its,
    random_effects,
    staggered_did,
    synthetic_control,
    twfe,
    wild_bootstrap,
)
from cchc_research.geo import harmonize, resolve_province
from cchc_research.parsing import parse_figure, parse_number, parse_percent, parse_ratio, parse_series
from cchc_research.text import normalize_text, text_key
from model_panels import cohort_panel


# --------------------------------------------------------------------------- figures
@pytest.mark.parametrize(
    ("parser", "text", "hint"),
    [
        (parse_number, "(5)", "parentheses is not read as a negative"),  # was: bare "unexpected character"
        (parse_number, "(1.234,5)", "parentheses is not read as a negative"),
        (parse_figure, "(5)", "parentheses is not read as a negative"),  # was: "unrecognised qualifier"
        (parse_number, "5‰", "per-mille sign"),
        (parse_percent, "5‰", "per-mille sign"),  # was: "no percent sign"
        (parse_figure, "5‰", "per-mille sign"),  # was: "unexpected text"
        (parse_number, "1e5", "scientific notation"),
        (parse_ratio, "1e5/2", "scientific notation"),
        (parse_figure, "1e5", "scientific notation"),  # was: "more than one number"
        (parse_number, "nan", "missing or infinite values are refused"),
        (parse_number, "-inf", "missing or infinite values are refused"),
        (parse_percent, "inf%", "missing or infinite values are refused"),
        (parse_percent, "50%%", "more than one percent sign"),  # was: "use parse_percent" inside parse_percent
    ],
)
def test_unreadable_number_characters_come_with_a_hint(parser, text, hint):
    with pytest.raises(ParseError, match=hint) as err:
        parser(text)
    assert err.value.value == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 triệu triệu", None),  # was: 2000000 with noun 'triệu' (silently wrong)
        ("3 tỷ nghìn", None),
        ("5 million thousand", None),
        ("2 TRIỆU triệu", None),
        ("10 nghìn tỷ", 10**13),  # one compound scale word: right value
        ("95 tỷ lệ", 95),  # "tỷ lệ" (rate) is a noun, not a scale word
        ("95 ty le", 95),
    ],
)
def test_a_second_scale_word_is_refused(text, expected):
    if expected is None:
        with pytest.raises(ParseError, match="second scale word"):
            parse_figure(text)
    else:
        assert parse_figure(text).value == expected


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["1,5", "2.000"], [1.5, 2000.0]),  # was: raw AttributeError 'list' object has no attribute 'name'
        (("7",), [7]),
        ("1,5", ParseError),  # one value: was raw AttributeError
        (15, ParseError),
    ],
)
def test_parse_series_takes_a_series_or_a_list(cells, expected):
    if expected is ParseError:
        with pytest.raises(ParseError, match="needs a pandas Series"):
            parse_series(cells, "number")
        return
    values, errors = parse_series(cells, "number")
    assert values.tolist() == expected and errors == []


# --------------------------------------------------------------------------- text
@pytest.mark.parametrize(
    ("text", "display", "key"),
    [
        ("Trực tuyến\x00", "Trực tuyến", "truc tuyen"),  # was: NUL kept in the display form
        ("Hà\x07Nội", "Hà Nội", "ha noi"),
        ("Hà Nội\x7f", "Hà Nội", "ha noi"),
        ("Bình\x85Dương", "Bình Dương", "binh duong"),
        ("Đà Nẵng\ud800", DataError, None),  # was: kept; any file write then fails
    ],
)
def test_control_characters_and_surrogates(text, display, key):
    if display is DataError:
        with pytest.raises(DataError, match="lone surrogate"):
            normalize_text(text)
        with pytest.raises(DataError, match="lone surrogate"):
            text_key(text)
        return
    assert normalize_text(text) == display
    assert text_key(text) == key


def test_a_control_character_does_not_break_a_province_match():
    assert resolve_province("Hà\x00Nội").geo_code == "01"


# --------------------------------------------------------------------------- geo.harmonize
_H = pd.DataFrame({"geo_code": ["01", "28", "79"], "value": [1.0, 2.0, 3.0]})


@pytest.mark.parametrize(
    ("frame", "options", "error", "match"),
    [
        (_H.assign(value=[np.inf, 1.0, 2.0]), {}, SchemaError, "infinite value"),  # was: inf result
        (_H.assign(value=[True, False, True]), {}, SchemaError, "booleans"),  # was: summed as 1/0
        (_H.assign(value=[1.0, True, 2.0]).astype({"value": object}), {}, SchemaError, "not a number"),
        (_H.assign(value=[1e308, 1e308, 3.0]), {}, AggregationError, "overflows"),  # was: inf result
        (pd.concat([_H, _H[["value"]]], axis=1), {}, SchemaError, "more than once"),  # was: raw TypeError
        (_H.assign(geo_code=["01", "28", "79"]), {"to_vintage": 2050, "from_vintage": None},
         UnknownGeographyError, "from_vintage defaults"),  # was: no hint why '28' is unknown
    ],
)
def test_harmonize_refuses_values_that_cannot_be_summed(frame, options, error, match):
    kwargs = {"to_vintage": 2008, "from_vintage": 2004} | options
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(error, match=match):
            harmonize(frame, **kwargs)


def test_harmonize_still_merges_ha_tay_into_ha_noi():
    out = harmonize(_H, to_vintage=2008, from_vintage=2004)
    assert out.set_index("geo_code")["value"].to_dict() == {"01": 3.0, "79": 3.0}


# --------------------------------------------------------------------------- catalog
@pytest.mark.parametrize(
    ("call", "outcome"),
    [
        (lambda: validate_value("on_time_rate", True), False),  # was: True (bool read as 1)
        (lambda: validate_value("on_time_rate", "0.5"), False),  # was: True (text read as a number)
        (lambda: validate_value("on_time_rate", np.float64(0.5)), True),
        (lambda: validate_value("on_time_rate", "0.5", raise_error=True), (SchemaError, "not a number")),
        (lambda: range_flags("x", [0, 1]), (DataError, "not a number")),  # was: raw ValueError
        (lambda: range_flags(True, [0, 1]), (DataError, "not a number")),  # was: [] (in range)
        (lambda: range_flags(None, [0, 1]), ["outside_valid_range"]),  # was: raw TypeError; like NaN
        (lambda: range_flags(pd.NA, [0, 1]), ["outside_valid_range"]),
        (lambda: range_flags(0.5, "0-1"), (InvalidArgumentError, "pair")),  # was: raw ValueError
        (lambda: range_flags(0.5, [0]), (InvalidArgumentError, "pair")),
        (lambda: range_flags(0.5, ["0", 1]), (InvalidArgumentError, "numbers or None")),
        (lambda: range_flags(0.5, [1, 0]), (InvalidArgumentError, "low end above")),
        (lambda: range_flags(1.5, [0, None]), []),
    ],
)
def test_catalog_range_checks_take_parsed_numbers_only(call, outcome):
    if isinstance(outcome, tuple):
        with pytest.raises(outcome[0], match=outcome[1]):
            call()
    else:
        assert call() == outcome


# --------------------------------------------------------------------------- data loaders
_TINY = pd.DataFrame({
    "indicator": ["on_time_rate", "on_time_rate"],
    "geo_code": ["01", "79"],
    "geo_level": ["province", "province"],
    "value": [0.9, 0.8],
})


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: data.processed_path("../../etc/passwd"), InvalidArgumentError, "table name"),
        (lambda: data.processed_path(""), InvalidArgumentError, "table name"),
        (lambda: data.processed_path(None), InvalidArgumentError, "table name"),
        (lambda: data.load_indicators(geo_code="1"), InvalidArgumentError, "did you mean 01"),  # was: 0 rows
        (lambda: data.load_indicators(geo_level="Province"), InvalidArgumentError, "did you mean province"),
        (lambda: data.load_indicators(geo_level="x"), InvalidArgumentError, "known: province"),
        (lambda: data.load_indicators(geo_code=1), InvalidArgumentError, "codes are text"),
        (lambda: data.load_indicators(indicator=5), InvalidArgumentError, "string or a list"),  # was: TypeError
        (lambda: data.load_indicators(indicator=[]), InvalidArgumentError, "empty list"),  # was: 0 rows
    ],
)
def test_loader_arguments_are_checked(monkeypatch, call, error, match):
    monkeypatch.setattr(data, "load_table", lambda name: _TINY.copy())
    with pytest.raises(error, match=match):
        call()


def test_loader_filters_still_select(monkeypatch):
    monkeypatch.setattr(data, "load_table", lambda name: _TINY.copy())
    assert data.load_indicators(geo_code=["79"])["value"].tolist() == [0.8]


@pytest.mark.parametrize("loader", [data.load_indicators, data.load_targets, data.load_rejects,
                                    lambda: data.load_table("indicators"), data.ensure_built])
def test_an_empty_home_is_named_as_such(monkeypatch, tmp_path, loader):
    monkeypatch.setattr(config, "PROJECT_ROOT", tmp_path)
    monkeypatch.setattr(config, "RAW_DIR", tmp_path / "data" / "raw")
    monkeypatch.setattr(config, "PROCESSED_DIR", tmp_path / "data" / "processed")
    with pytest.raises(SourceError, match="cchc init"):
        loader()


# --------------------------------------------------------------------------- models
def _panel() -> pd.DataFrame:
    """The sweep's panel: :func:`model_panels.cohort_panel` with the ``share`` outcome of frac_logit."""
    return cohort_panel(share=True)


_ESTIMATORS = {
    "twfe": (lambda d: twfe(d, "y", ["treat", "x"], fe=["unit", "year"], cluster="unit"), "y"),
    "frac_logit": (lambda d: frac_logit(d, "share", ["x"], fe=["unit"]), "share"),
    "random_effects": (lambda d: random_effects(d, "y", ["x"], unit="unit", time="year"), "y"),
    "staggered_did": (lambda d: staggered_did(d, "y", "unit", "year", "cohort"), "y"),
    "event_study_twfe": (lambda d: event_study_twfe(d, "y", "unit", "year", "cohort"), "y"),
    "its": (lambda d: its(d[d["unit"] == 0], "y", "year", interventions={"r": 2014}), "y"),
    "synthetic_control": (lambda d: synthetic_control(d[(d["unit"] == 0) | (d["unit"] >= 8)], "y", "unit",
                                                      "year", treated_unit=0, treatment_time=2014,
                                                      placebos=False), "y"),
}


def _fit(name, frame):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _ESTIMATORS[name][0](frame)


@pytest.mark.parametrize("name", sorted(_ESTIMATORS))
@pytest.mark.parametrize(
    ("change", "match"),
    [
        # was: raw AttributeError "'DataFrame' object has no attribute 'dtype'" in every estimator
        (lambda d, col: pd.concat([d, d[[col]]], axis=1), "appear more than once"),
        # was: pandas "is both an index level and a column label" in staggered_did, event study, its
        (lambda d, col: d.set_index(["unit", "year"], drop=False), "both index level"),
    ],
    ids=["duplicated-column-name", "index-level-also-a-column"],
)
def test_ambiguous_columns_are_refused(name, change, match):
    frame = change(_panel(), _ESTIMATORS[name][1])
    with pytest.raises(ModelError, match=match):
        _fit(name, frame)


@pytest.mark.parametrize("name", sorted(_ESTIMATORS))
@pytest.mark.parametrize(("factor", "match"), [(1e300, "as large as"), (1e-300, "no larger than")],
                         ids=["1e300", "1e-300"])
def test_values_beyond_floating_point_scale_are_refused(name, factor, match):
    # was: pyfixest "Demeaning failed", numpy "must not contain infs", ZeroDivisionError, or
    # silently 0 / 1e300 estimates, depending on the estimator
    frame = _panel()
    col = _ESTIMATORS[name][1]
    frame[col] = frame[col] * factor
    with pytest.raises(ModelError, match=match):
        _fit(name, frame)


@pytest.mark.slow  # two pyfixest fits; the first in a process pays numba's compile (~9 s)
def test_scale_limit_leaves_ordinary_large_numbers_alone():
    frame = _panel()
    frame["y"] = frame["y"] * 1e9  # VND amounts (1e12+ fails inside pyfixest: see docs/dev/sweep-findings.md)
    res = _fit("twfe", frame)
    assert abs(res.params["treat"] / 1e9 - _fit("twfe", _panel()).params["treat"]) < 1e-9


@pytest.fixture(scope="module")
def twfe_result():
    return _fit("twfe", _panel())


@pytest.mark.parametrize(
    ("option", "match"),
    [
        ({"h0": "0"}, "h0 must be a finite number"),  # was: raw TypeError
        ({"h0": float("inf")}, "h0 must be a finite number"),  # was: a result for an infinite null
        ({"h0": float("nan")}, "h0 must be a finite number"),
        ({"seed": -1}, "seed must be a non-negative integer"),  # was: numpy ValueError
        ({"seed": "x"}, "seed must be a non-negative integer"),  # was: numpy TypeError
        ({"seed": 1.5}, "seed must be a non-negative integer"),
        ({"param": []}, "param is empty"),  # was: an empty result
        ({"B": 199.5}, "B must be an integer"),  # was: silently truncated to 199
        ({"B": "999"}, "B must be an integer"),
        ({"level": "0.95"}, "level must be a number"),  # was: raw TypeError
    ],
)
def test_wild_bootstrap_options_are_checked(twfe_result, option, match):
    kwargs = {"param": "treat", "B": 199} | option
    with pytest.raises(ModelError, match=match):
        wild_bootstrap(twfe_result, **kwargs)


@pytest.mark.parametrize(
    ("option", "match"),
    [
        ({"interventions": [2014]}, "must be a mapping"),  # was: raw TypeError from dict()
        ({"interventions": {"r": float("nan")}}, "not a time of"),  # was: "leaves no observations"
        ({"interventions": {"r": 2014}, "hac_lags": 1.5}, "non-negative integer"),  # was: used as 1
        ({"interventions": {"r": 2014}, "hac_lags": True}, "non-negative integer"),  # was: used as 1
        ({"interventions": {"r": 2014}, "hac_lags": "2"}, "non-negative integer"),
    ],
)
def test_its_options_are_checked(option, match):
    series = _panel().query("unit == 0")
    with pytest.raises(ModelError, match=match):
        its(series, "y", "year", **option)


@pytest.mark.parametrize(
    ("option", "match"),
    [
        ({"donors": "89"}, "list of unit labels"),  # was: "donor(s) not in the data: '8', '9'"
        ({"predictors": ["x"], "predictor_weights": [-1.0]}, "non-negative"),  # was: accepted
        ({"predictors": ["x"], "predictor_weights": [float("nan")]}, "finite"),  # was: numpy ValueError
        ({"predictors": ["x"], "predictor_weights": [0.0]}, "positive sum"),  # was: numpy ValueError
        ({"predictors": ["x"], "predictor_weights": ["a"]}, "must be numbers"),
        ({"v_methods": ["nope"]}, "outer search methods"),  # was: ignored without predictors
        ({"v_methods": []}, "outer search methods"),
        ({"v_methods": "BFGS"}, "got the string"),
        ({"placebo_rmspe_cutoff": -1}, "positive number"),  # was: accepted (no placebo kept)
        ({"placebo_rmspe_cutoff": float("nan")}, "positive number"),
        ({"placebo_rmspe_cutoff": True}, "positive number"),
    ],
)
def test_synthetic_control_options_are_checked(option, match):
    frame = _panel().query("unit == 0 or unit >= 8")
    with pytest.raises(ModelError, match=match):
        synthetic_control(frame, "y", "unit", "year", treated_unit=0, treatment_time=2014,
                          placebos=False, **option)


@pytest.mark.parametrize(
    ("subset", "match"),
    [
        (lambda d: d[d["year"] == 2015], "idiosyncratic variance"),  # was: linearmodels ValueError
        (lambda d: d[d["unit"] == 0], "at least 2 units"),  # was: linearmodels ValueError
        (lambda d: d[d["unit"] < 2], "unit-effect variance"),  # was: linearmodels ValueError
    ],
    ids=["single-period", "single-unit", "two-units"],
)
def test_random_effects_needs_identified_variance_components(subset, match):
    with pytest.raises(ModelError, match=match):
        random_effects(subset(_panel()), "y", ["x"], unit="unit", time="year")



@pytest.mark.parametrize(
    ("level", "value", "term"),
    [(1.5, None, None), ("0.9", None, None), (None, None, None), (float("nan"), None, None),
     (None, "x", "treat"), (None, float("nan"), "treat"), (None, float("inf"), "treat"),
     (None, 0.0, "nope")],
)
def test_wild_bootstrap_results_methods_check_their_arguments(twfe_result, level, value, term):
    # was: raw ValueError/TypeError from conf_int, TypeError/KeyError or 0.0 from pvalue_at
    boot = wild_bootstrap(twfe_result, "treat", B=199)
    with pytest.raises(ModelError):
        boot.conf_int(level) if term is None else boot.pvalue_at(term, value)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        # was: silently robust standard errors, the cluster ignored
        (lambda d: frac_logit(d, "share", ["x"], cluster="unit"), ModelError, "only used with vcov='cluster'"),
        # was: the outcome regressed on itself
        (lambda d: frac_logit(d, "share", ["share"]), ModelError, "cannot explain itself"),
        (lambda d: random_effects(d, "y", ["x", "y"], unit="unit", time="year"), ModelError, "cannot explain itself"),
        (lambda d: its(d[d["unit"] == 0], "year", "year"), ModelError, "cannot explain itself"),
        # was: CollinearityError "['Intercept', 'x'] is a linear combination of []"
        (lambda d: frac_logit(d.assign(share=np.nan), "share", ["x"], dropna=True), MissingValuesError,
         "nothing is left"),
        (lambda d: random_effects(d.assign(y=np.nan), "y", ["x"], unit="unit", time="year", dropna=True),
         MissingValuesError, "nothing is left"),
        (lambda d: its(d[d["unit"] == 0].assign(y=np.nan), "y", "year", dropna=True), MissingValuesError,
         "nothing is left"),
        # was: raw AttributeError 'PeriodProperties' object has no attribute 'freqstr'
        (lambda d: its(pd.DataFrame({"t": pd.date_range("2020-01-01", periods=24, freq="MS"),
                                     "y": np.arange(24.0) % 5}), "y", "t", freq="Y"),
         ModelError, "fall in the same"),
    ],
)
def test_model_roles_and_options_are_checked(call, error, match):
    with pytest.raises(error, match=match):
        _fit_call(call)


def _fit_call(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call(_panel())


@pytest.mark.parametrize(
    ("option", "error", "match"),
    [
        ({"predictors": {"x": []}}, ModelError, "non-empty list"),  # was: raw KeyError 0
        ({"predictors": {"x": "2011"}}, ModelError, "non-empty list"),  # was: periods '2','0','1','1'
        ({"optimize_periods": "2011"}, ModelError, "got the string"),  # was: periods '2','0','1','1'
        ({"placebos": "no"}, ModelError, "True or False"),  # was: placebos run ("no" is truthy)
        ({"treated_unit": [0]}, TreatedUnitNotFoundError, "one unit label"),  # was: raw TypeError unhashable
    ],
)
def test_synthetic_control_argument_shapes_are_checked(option, error, match):
    frame = _panel().query("unit == 0 or unit >= 8")
    kwargs = {"treated_unit": 0, "placebos": False} | option
    with pytest.raises(error, match=match):
        synthetic_control(frame, "y", "unit", "year", treatment_time=2014, **kwargs)


def test_one_predictor_name_as_a_string_is_one_column():
    frame = _panel().query("unit == 0 or unit >= 8").rename(columns={"x": "gdp"})
    one = synthetic_control(frame, "y", "unit", "year", treated_unit=0, treatment_time=2014,
                            predictors="gdp", placebos=False)
    listed = synthetic_control(frame, "y", "unit", "year", treated_unit=0, treatment_time=2014,
                               predictors=["gdp"], placebos=False)
    assert one.predictor_weights.index.tolist() == ["gdp"]  # was: columns 'g', 'd', 'p'
    assert np.array_equal(one.params.to_numpy(), listed.params.to_numpy())
