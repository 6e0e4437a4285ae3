"""The ``init`` template, described once for every medium (a Google Sheet, an .xlsx workbook).

Built from the contract (:mod:`roi_core.schema`): each people tab becomes a :class:`TemplateTab` whose
columns carry a type (money, count, number, score, date, datetime, text, choice), a number format, the
values a cell may take (a list, a lowest or highest number, a date window), a note for the header
(what the column means, an example, whether it is required) and typed example rows.

Example rows are marked in their values: every free-text name (活动名称, 客户ID, 订单号 …) starts with
``示例·`` (:data:`roi_core.schema.EXAMPLE_MARKER`), so a copied row is still recognised on any source,
and :func:`roi_core.sheetdata.load_sheet` leaves it out of every figure and reports it until it is
deleted. A 备注 column says so in words; the renderers also fill the rows grey.

Validation choices (why):

- money, counts, numbers, scores and dates reject what cannot be one (a typed ``很多``, a negative cost,
  a satisfaction of 7): the parser would leave such a row out anyway, better to say so while typing;
- 是否转化 is a closed 是/否 list, rejected otherwise (a dropdown chip in a Google Table);
- 渠道 (and 客户's 获客渠道, 阶段) offer a list but accept other values with a warning: channel names are
  the team's own vocabulary (视频号, 得物, a partner's name …) and a strict list would push people to
  file them under 其他, which would silently merge channels in every ranking. A Google Table's dropdown
  column is always strict, so these are text columns with a non-strict list rule instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from roi_core.parse import PARSERS, parse_date
from roi_core.schema import EXAMPLE_MARKER, PEOPLE_TABS, SETTINGS, Column, TabSpec
from roi_core.sheetdata import setting_defaults

#: the channels offered in 渠道 (others are accepted, see the module docstring)
COMMON_CHANNELS = ("抖音", "微信", "视频号", "小红书", "微博", "B站", "快手", "百度", "淘宝", "京东", "拼多多", "知乎",
                   "线下", "邮件", "短信", "其他")
YES_NO = ("是", "否")
STAGES = ("潜在", "意向", "成交", "忠实")
#: data rows (examples included) each table and its validation cover at first; both grow as rows are added
TABLE_ROWS = 200
#: the template's own free-text column; the contract does not know it, so the assistant ignores it
REMARK_HEADER = "备注"
REMARK_EXAMPLE = "示例行：看完后删除整行（名称以「示例·」开头的行不计入任何数字）"
#: the defaults of 设置's 最早日期 / 最晚日期: date cells outside are refused while typing
DATE_WINDOW = (dt.date(2000, 1, 1), dt.date(2100, 12, 31))
EXAMPLE_FILL = "EEEEEE"  # light grey, RRGGBB
EXAMPLE_FONT = "7F7F7F"

# Number formats are written in the pattern language Excel and Google Sheets share.
NUMBER_FORMATS = {"money": "¥#,##0.00", "count": "#,##0", "number": "#,##0.##", "score": "0.0",
                  "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}

# What each column means, in the words of docs/sheet-contract.md (tab key, column key) → meaning.
MEANINGS = {
    ("campaigns", "campaign"): "活动的名字。同一个活动投了几个渠道就填几行，名字写得一样",
    ("campaigns", "channel"): "这一行的投放渠道，可从下拉中选，也可以直接输入其他渠道",
    ("campaigns", "start_date"): "活动在这个渠道开始的日期",
    ("campaigns", "end_date"): "结束的日期；不填 = 与开始日期同一天",
    ("campaigns", "ad_spend"): "广告投放费用（元）；不填 = 0",
    ("campaigns", "promo_cost"): "优惠券、赠品等促销费用（元）；不填 = 0",
    ("campaigns", "staff_cost"): "人员、外包费用（元）；不填 = 0",
    ("campaigns", "other_cost"): "其他费用（元）；不填 = 0",
    ("campaigns", "revenue"): "这一行带来的销售额（元）",
    ("campaigns", "gross_profit"): "毛利（元）；不填时用 设置 的 毛利率 估算，没有毛利率则按销售额计算 ROI",
    ("campaigns", "new_customers"): "新客户人数（整数）",
    ("campaigns", "impressions"): "曝光次数（整数）",
    ("campaigns", "clicks"): "点击次数（整数，不能大于曝光量）",
    ("campaigns", "conversions"): "转化数 / 订单数（整数）",
    ("campaigns", "participants"): "线下活动的参与人数（整数）",
    ("campaigns", "avg_minutes"): "平均参与时长（分钟）",
    ("campaigns", "social_mentions"): "社交媒体提及次数（整数）",
    ("campaigns", "retained_customers"): "留存客户数（整数）",
    ("campaigns", "satisfaction"): "满意度，0–5 分（也可填百分比，90% = 4.5）",
    ("touchpoints", "customer_id"): "客户的编号（CRM 里的 ID，手机号脱敏后也可）",
    ("touchpoints", "timestamp"): "接触发生的日期和时间",
    ("touchpoints", "channel"): "客户在哪个渠道接触到的",
    ("touchpoints", "campaign"): "属于哪个活动（与「活动」里的活动名称一致）",
    ("touchpoints", "converted"): "这次接触是否成交：是 / 否",
    ("touchpoints", "revenue"): "成交的订单金额（元）；只有 是否转化 = 是 的行才计入",
    ("orders", "order_id"): "订单编号（每个订单一行）",
    ("orders", "customer_id"): "下单客户的编号",
    ("orders", "order_date"): "下单日期",
    ("orders", "amount"): "订单金额（元）",
    ("orders", "gross_profit"): "这个订单的毛利（元）",
    ("orders", "channel"): "订单来自哪个渠道",
    ("orders", "campaign"): "订单属于哪个活动",
    ("customers", "customer_id"): "客户的编号（每个客户一行）",
    ("customers", "acquired_date"): "获客（第一次成为客户）的日期",
    ("customers", "acquired_channel"): "从哪个渠道获得的客户",
    ("customers", "acquired_campaign"): "通过哪个活动获得的客户",
    ("customers", "stage"): "客户阶段：潜在 / 意向 / 成交 / 忠实",
    ("customers", "stage_date"): "进入当前阶段的日期",
    ("budgets", "campaign"): "计划中的活动名称",
    ("budgets", "channel"): "计划投放的渠道",
    ("budgets", "plan_start"): "计划开始日期",
    ("budgets", "plan_end"): "计划结束日期",
    ("budgets", "budget"): "整个计划期的预算（元）",
    ("settings", "key"): "参数名，见每行的说明；不认识的参数会被忽略",
    ("settings", "value"): "参数的值；空着 = 用默认值",
}
SETTINGS_REMARK_NOTE = "说明（ROI 助手不读这一列）"

# columns whose values come from a list; strict ones refuse anything else
_CHOICES = {
    ("campaigns", "channel"): (COMMON_CHANNELS, False),
    ("touchpoints", "channel"): (COMMON_CHANNELS, False),
    ("touchpoints", "converted"): (YES_NO, True),
    ("orders", "channel"): (COMMON_CHANNELS, False),
    ("customers", "acquired_channel"): (COMMON_CHANNELS, False),
    ("customers", "stage"): (STAGES, False),
    ("budgets", "channel"): (COMMON_CHANNELS, False),
}


@dataclass(frozen=True)
class TemplateColumn:
    """One column of the template.

    ``type`` is money | count | number | score | date | datetime | text | choice. ``choices`` (for
    choice) lists the values offered; ``strict`` says whether anything else is refused. Numbers accept
    ``minimum`` .. ``maximum`` (None: unbounded), whole numbers only when ``whole``; dates accept
    :data:`DATE_WINDOW`. Only ``strict`` rules refuse; the others warn.
    """

    key: str
    header: str
    type: str
    required: bool
    note: str
    choices: tuple[str, ...] = ()
    strict: bool = True
    minimum: float | None = None
    maximum: float | None = None
    whole: bool = False
    number_format: str = ""

    @property
    def validated(self) -> bool:
        """Whether the column has a rule at all (free text has none)."""
        return self.type != "text"

    @property
    def message(self) -> str:
        """What the rule expects, as the spreadsheet shows it when a value is refused or questioned."""
        if self.type == "choice":
            listed = "、".join(self.choices[:6]) + ("…" if len(self.choices) > 6 else "")
            return f"请选择：{listed}" if self.strict else f"可选：{listed}，也可以输入其他{self.header}"
        if self.type in ("date", "datetime"):
            return f"请填日期，例：2026-06-18（{DATE_WINDOW[0]:%Y}–{DATE_WINDOW[1]:%Y} 年之间）"
        if self.type == "score":
            return "请填 0–5 之间的数字"
        unit = "整数" if self.whole else "数字"
        return f"请填不小于 0 的{unit}（不带单位，例：50000）"


@dataclass(frozen=True)
class TemplateTab:
    """A people tab as the template writes it: its columns, its first rows, whether those are examples."""

    key: str
    title: str
    columns: tuple[TemplateColumn, ...]
    rows: tuple[tuple, ...]  # typed values, one per column (None = blank)
    examples: bool  # the rows are examples (grey, marked, never counted); 设置's rows are real defaults

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def table_name(self) -> str:
        """The Google / Excel table's name: unique in the file, letters only (活动 → 活动表)."""
        return f"{self.title}表"


def template_tabs(specs: tuple[TabSpec, ...] = PEOPLE_TABS) -> list[TemplateTab]:
    """Every people tab of the contract as the ``init`` template writes it."""
    return [_settings_tab() if spec is SETTINGS else _data_tab(spec) for spec in specs]


def template_tab(spec: TabSpec) -> TemplateTab:
    """One people tab as the ``init`` template writes it."""
    return template_tabs((spec,))[0]


def _data_tab(spec: TabSpec) -> TemplateTab:
    columns = tuple(_column(spec, c) for c in spec.columns)
    columns += (TemplateColumn("remark", REMARK_HEADER, "text", False,
                               f"{REMARK_HEADER}（选填）\n随意填写，ROI 助手不读这一列。\n"
                               f"以「{EXAMPLE_MARKER}」开头的名称是模板示例，不计入任何数字。"),)
    rows = []
    for i in range(2):
        row = [_example_value(c, col, i) for c, col in zip(spec.columns, columns, strict=False)]
        rows.append((*row, REMARK_EXAMPLE))
    return TemplateTab(spec.key, spec.title, columns, tuple(rows), examples=True)


def _settings_tab() -> TemplateTab:
    columns = (
        TemplateColumn("key", "参数", "text", True, _note("settings", SETTINGS.columns[0], "目标ROI")),
        TemplateColumn("value", "值", "text", False, _note("settings", SETTINGS.columns[1], "150%")),
        TemplateColumn("remark", "说明", "text", False, SETTINGS_REMARK_NOTE),
    )
    rows = tuple((name, None if value == "" else value, meaning) for name, value, meaning in setting_defaults())
    return TemplateTab(SETTINGS.key, SETTINGS.title, columns, rows, examples=False)


def _type(spec: TabSpec, col: Column) -> str:
    if (spec.key, col.key) in _CHOICES or col.kind == "bool":
        return "choice"
    if col.kind == "date":
        return "datetime" if any(":" in str(v) for v in col.example) else "date"
    return {"money": "money", "count": "count", "number": "number", "score": "score"}.get(col.kind, "text")


def _column(spec: TabSpec, col: Column) -> TemplateColumn:
    kind = _type(spec, col)
    choices, strict = _CHOICES.get((spec.key, col.key), (YES_NO, True) if col.kind == "bool" else ((), True))
    example = next((v for v in col.example if v not in ("", None)), "")
    shown = _shown(kind, _parse_example(kind, col, example)) if example != "" else ""
    if shown and kind == "text":
        shown = EXAMPLE_MARKER + shown if _marked(spec, col) else shown
    return TemplateColumn(
        col.key, col.header, kind, col.required, _note(spec.key, col, shown, kind, choices),
        choices=choices, strict=strict,
        minimum=0.0 if kind in ("money", "count", "number", "score") else None,
        maximum=5.0 if kind == "score" else None,
        whole=kind == "count", number_format=NUMBER_FORMATS.get(kind, ""))


def _requirement(spec_key: str, col: Column) -> str:
    if col.required:
        return "必填"
    if spec_key == "campaigns" and col.key in ("ad_spend", "promo_cost", "staff_cost", "other_cost"):
        return "选填，空着 = 0"
    return "选填"


def _note(spec_key: str, col: Column, shown: str, kind: str = "text", choices: tuple[str, ...] = ()) -> str:
    lines = [f"{col.header}（{_requirement(spec_key, col)}）", MEANINGS.get((spec_key, col.key), "")]
    if kind == "money":
        lines.append("填数字（元），不带单位：50000，不要写成 5万")
    elif kind in ("date", "datetime"):
        lines.append("填日期：2026-06-18、2026/6/18、2026年6月18日 都可以，必须带年份")
    elif kind == "choice" and choices:
        lines.append("可选：" + "、".join(choices))
    if shown:
        lines.append(f"例：{shown}")
    return "\n".join(line for line in lines if line)


def _marked(spec: TabSpec, col: Column) -> bool:
    """Free-text names carry the example mark; list columns (渠道, 阶段) keep a real value."""
    return col.kind == "text" and (spec.key, col.key) not in _CHOICES


def _parse_example(kind: str, col: Column, text: object) -> object:
    """A schema example (as people type it: ``¥50,000``, ``1万``, ``2026-06-01 10:00``) as a typed value."""
    if text in ("", None):
        return None
    cell = pd.Series([text], dtype=object)
    if kind in ("date", "datetime"):
        stamp = parse_date(cell).values.iloc[0]
        return stamp.to_pydatetime() if kind == "datetime" else stamp.date()
    if kind in ("money", "number", "score"):
        return float(PARSERS[col.kind](cell).values.iloc[0])
    if kind == "count":
        return int(PARSERS["count"](cell).values.iloc[0])
    return str(text)


def _example_value(spec_col: Column, col: TemplateColumn, i: int) -> object:
    text = spec_col.example[i] if len(spec_col.example) > i else ""
    value = _parse_example(col.type, spec_col, text)
    if isinstance(value, str) and col.type == "text" and value and not col.choices:
        # a copied row stays recognisable: the mark is part of the value (see the module docstring)
        return value if value.startswith(EXAMPLE_MARKER) else EXAMPLE_MARKER + value
    return value


def _shown(kind: str, value: object) -> str:
    if value is None:
        return ""
    if kind == "datetime":
        return f"{value:%Y-%m-%d %H:%M}"
    if kind == "date":
        return f"{value:%Y-%m-%d}"
    if kind == "money":
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
