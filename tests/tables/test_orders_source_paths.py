"""Paths built as lists of channel codes (DuckDB, the scale path) equal the paths built as text (the ordered
aggregate other engines run), and codes are named only on the distinct paths. (Beside the 订单 source tests:
this session's file names.)"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tables import aggregate_paths, paths
from tests.tables import helpers


def test_codes_are_named_on_the_distinct_paths():
    frame = pd.DataFrame({"path": [np.array([2, 0, 0]), np.array([1])], "total_conversions": [1, 0]})
    # sorted(("微信", "抖音", "B站")) = B站, 微信, 抖音 (code point order): 2 → 抖音, 0 → B站, 1 → 微信
    named = paths.codes_to_paths(frame, ("微信", "抖音", "B站"))
    sep = paths.SEPARATOR
    assert named["path"].tolist() == [f"抖音{sep}B站{sep}B站", "微信"]
    assert named["total_conversions"].tolist() == [1, 0]
    text = pd.DataFrame({"path": ["微信"]})
    assert paths.codes_to_paths(text, ("微信",)) is text  # already text: left as it is


@pytest.mark.slow  # two aggregations through DuckDB: about 2 s
def test_code_paths_equal_text_paths(tmp_path, monkeypatch):
    helpers.touches().to_parquet(tmp_path / "t.parquet")
    source = f"parquet:{tmp_path}/t.parquet"
    codes = aggregate_paths(source, lookback_days=helpers.LOOKBACK, half_life_days=helpers.HALF_LIFE,
                            month="2026-09")
    monkeypatch.setattr(paths, "MAX_CODES", 0)  # as for more channels than codes: the ordered text aggregate
    text = aggregate_paths(source, lookback_days=helpers.LOOKBACK, half_life_days=helpers.HALF_LIFE,
                           month="2026-09")
    a = codes.paths.set_index("path").sort_index()
    b = text.paths.set_index("path").sort_index()
    assert list(a.index) == list(b.index) and len(a) > 100  # the same distinct paths, not a few
    assert (a - b).abs().max().max() <= 1e-9
    assert codes.outside == text.outside
    d = (codes.decay.set_index("channel").sort_index() - text.decay.set_index("channel").sort_index()).abs()
    assert d.max().max() <= 1e-9
