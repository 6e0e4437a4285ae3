"""English questions get English answers on the demo: no Chinese word and no full-width （）：， in the
console text, except the sheet's own names (campaigns, channels, tabs, columns, settings) as written.

"618" alone is not here: a bare campaign name has no English in it, so it is answered in Chinese.
"""

from __future__ import annotations

import re

import pytest

from render.text import render_text
from roi_core import answer, parse_query, schema
from roi_core.suggest import channel_suggestions
from tests.render.test_views import DEMO, TODAY

ENGLISH_QUESTIONS = ("advice", "618 customer value", "lifecycle 618", "cohort analysis", "summary 2026-10",
                     "channels last month", "top 5 campaigns", "attribution markov", "budget 250k how to split")
CHINESE_OR_FULL_WIDTH = re.compile(r"[\u4e00-\u9fff（）：，]")


@pytest.fixture(scope="module")
def demo():
    from roi_runtime.config import AppConfig
    from sheets import open_source

    return open_source(str(DEMO), AppConfig.from_env({})).read()


def sheet_names(data) -> list[str]:
    """Every name the sheet itself spells: campaigns, channels, tab titles, column headers, setting names;
    longest first, so "线下品鉴会（上海）" goes before "线下"."""
    names = set(data.campaigns["campaign"].dropna()) | set(data.campaigns["channel"].dropna())
    names |= set(data.touchpoints["channel"].dropna())
    tabs = [*schema.PEOPLE_TABS]
    names |= {t.title for t in tabs} | {c.header for t in tabs for c in t.columns}
    names |= {s.name for s in schema.SETTING_SPECS} | set(schema.DATA_CHECK_HEADERS)
    names |= {schema.DATA_CHECK_TAB, schema.CUSTOMER_VALUE_TAB, schema.ALERTS_TAB, schema.BUDGET_ADVICE_TAB,
              schema.MONTHLY_SUMMARY_TAB, schema.CHANNEL_MONTHLY_TAB}
    return sorted((str(n) for n in names), key=len, reverse=True)


def ask(question: str, data) -> str:
    campaigns = sorted(data.campaigns["campaign"].dropna().unique())
    channels = sorted(set(data.campaigns["channel"].dropna()) | set(data.touchpoints["channel"].dropna()))
    query = parse_query(question, TODAY, known_campaigns=campaigns, known_channels=channels)
    assert query.lang == "en", question
    return render_text(answer(query, data, TODAY))


@pytest.mark.parametrize("question", ENGLISH_QUESTIONS)
def test_an_english_question_gets_no_chinese_outside_the_sheets_names(question, demo):
    text = ask(question, demo)
    for name in sheet_names(demo):
        text = text.replace(name, "")
    assert CHINESE_OR_FULL_WIDTH.findall(text) == [], f"{question}:\n{text}"


def test_the_english_suggestions_read_as_written(demo):
    lines = ask("channels 2026-10", demo).splitlines()
    # 百度搜索 in 2026-10: cost ¥21,235, gross-profit return ¥10,072 → ROI -52.6%, loss ¥11,163
    assert "2. Pause or rework 「百度搜索」: ROI -52.6%, cost ¥21,235, return ¥10,072, loss ¥11,163" in lines
    # 抖音 is the best at 184.1%; half of 百度搜索's ¥21,235 (ROI < 0) is ¥10,617
    assert ("1. Raise 「抖音」's budget: ROI 184.1%, above the target 80%, the highest of any channel; about ¥10,617 "
            "(50% of its cost) can come from 「百度搜索」 (ROI -52.6%)") in lines


def test_a_builder_asked_for_english_words_its_text_in_english_and_chinese_stays_the_default():
    import pandas as pd

    # 微信: ROI 50% under the 100% target, CVR 2% against the median (10% + 2%) / 2 = 6% (weak below 0.8 × 6%)
    table = pd.DataFrame({"channel": ["抖音", "微信"], "cost": [1000.0, 1000.0], "return_value": [4000.0, 1500.0],
                          "roi": [3.0, 0.5], "ctr": [0.05, 0.05], "cvr": [0.10, 0.02], "cac": [40.0, 40.0],
                          "aov": [80.0, 150.0], "participants": [0, 0]})
    english = channel_suggestions(table, 1.0, lang="en")
    chinese = channel_suggestions(table, 1.0)
    (diagnose,) = [s for s in english if s.kind == "diagnose"]
    assert diagnose.text == ("「微信」 ROI 50.0% is below the target 100%: CVR 2.0% is below the median 6.0%, "
                             "so improve the landing page and offer")
    (zh,) = [s for s in chinese if s.kind == "diagnose"]
    assert zh.text == "「微信」ROI 50.0% 低于目标 100%：转化率 2.0% 低于中位数 6.0%，优化落地页与优惠"
    assert zh.said("en") == diagnose.text and zh.said("zh") == zh.text
