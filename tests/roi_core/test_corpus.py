"""The question corpus: questions as marketers type them, each with the parse expected by hand.

corpus/questions.tsv: one question a line with its kind, period (inclusive start/end), campaign as
typed, channel, metric, attribution model, order, ranking size, edition and comparison sides. Today
is fixed, the names are those of examples/demo.xlsx (read once). Every line must pass.
"""

import csv
import datetime as dt
from pathlib import Path

import pytest

from roi_core import RoiError, parse_query
from sheets import open_source

TODAY = dt.date(2026, 11, 30)
ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).with_name("corpus") / "questions.tsv"


def load_corpus() -> list[dict]:
    with CORPUS.open(encoding="utf-8", newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


ROWS = load_corpus()


@pytest.fixture(scope="module")
def names():
    data = open_source(ROOT / "examples" / "demo.xlsx").read()
    return (data.campaigns["campaign"].dropna().unique().tolist(),
            data.campaigns["channel"].dropna().unique().tolist())


def _iso(day):
    return "" if day is None else day.isoformat()


def _side(side) -> str:
    if side.kind == "period":
        return f"period={side.start.isoformat()}..{side.end.isoformat()}"
    value = side.text if side.kind == "campaign" else side.channel
    return f"{side.kind.replace('channel_trend', 'channel')}={value}" + ("" if side.edition is None
                                                                        else f"@{side.edition}")


def parsed(query) -> dict:
    """A Query in the corpus's columns."""
    return {
        "kind": query.kind, "start": _iso(query.start), "end": _iso(query.end), "campaign": query.text,
        "channel": query.channel or "", "metric": query.metric or "", "model": query.model or "",
        "order": "" if query.order == "best" else query.order,
        "n": "" if query.top_n == 10 else str(query.top_n),
        "edition": "" if query.edition is None else str(query.edition),
        "sides": " | ".join(_side(s) for s in query.sides),
        "during": "1" if query.during else "", "lang": "" if query.lang == "zh" else query.lang,
    }


def expected(row: dict) -> dict:
    out = {k: v or "" for k, v in row.items() if k != "question"}  # lines written before a column: empty
    if out["order"] == "best":
        out["order"] = ""
    return out


def test_the_corpus_is_large_and_covers_the_issue_list():
    questions = {row["question"] for row in ROWS}
    assert len(ROWS) >= 300 and len(questions) == len(ROWS)
    # every phrasing issue 12 lists as seen failing
    seen = ["上个月", "本月", "10月", "上上个月", "Q3", "本季度", "上季度 ROI", "去年", "年初至今", "近30天 渠道",
            "9月到10月 渠道", "2026年10月 渠道", "2026-09-01到2026-10-15 渠道", "哪个渠道最好", "各渠道ROI", "抖音 ROI",
            "小红书怎么样", "微信 上个月", "渠道ROI", "对比 618 双11", "618 vs 双11", "今年618和去年618", "本月 vs 上月", "618",
            "双11", "去年双11", "618 获客成本", "双11 ROAS", "CAC of 618", "618 抖音", "给我建议", "下个月预算怎么分",
            "怎么调预算", "ROI最高的5个活动", "最差的活动", "建议", "top 5"]
    assert not [q for q in seen if q not in questions]


def test_every_question_parses_as_expected(names):
    campaigns, channels = names
    wrong = []
    for row in ROWS:
        try:
            query = parse_query(row["question"], TODAY, known_campaigns=campaigns, known_channels=channels)
        except RoiError as err:
            wrong.append((row["question"], f"raised {err.message}"))
            continue
        got, want = parsed(query), expected(row)
        if got != want:
            wrong.append((row["question"], {k: (got[k], want[k]) for k in want if got[k] != want[k]}))
    assert not wrong, f"{len(wrong)} of {len(ROWS)} wrong (got, expected):\n" + "\n".join(map(str, wrong))


def test_the_corpus_holds_the_classes_issue_22_saw_failing():
    questions = {row["question"] for row in ROWS}
    assert len(ROWS) >= 920  # ~620 before issue 22, at least 300 more
    seen = ["哪个渠道转化率最高", "哪个活动最赚钱", "最烧钱的渠道", "抖音获客成本多少", "618 获客成本", "11月前两周 各渠道",
            "上半年 各渠道", "下半年 各渠道", "双11期间各渠道", "今年双11对比去年", "去年双12", "2026双11狂欢", "双12",
            "618赚没赚钱", "618亏了吗", "抖音值不值得投", "抖音还要不要继续投", "要不要加抖音预算", "砍掉哪个渠道",
            "钱该往哪投", "有什么预警", "直通车ROI", "douyin ROI", "xhs CAC", "双11各渠道归因", "今年每个月ROI趋势",
            "top 10", "618 ROAS"]
    assert not [q for q in seen if q not in questions]
