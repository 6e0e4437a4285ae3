"""The sheet contract as data: tabs, columns, aliases, kinds, settings.

docs/sheet-contract.md describes it for people; the ``init`` template and the
parser read it from here, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from roi_core.parse import normalize_text


@dataclass(frozen=True)
class Column:
    key: str  # canonical English key used in frames
    header: str  # canonical Chinese header
    aliases: tuple[str, ...]
    kind: str  # a key of roi_core.parse.PARSERS
    required: bool = False
    example: tuple = ()  # two example values for the init template


@dataclass(frozen=True)
class TabSpec:
    key: str
    title: str  # canonical Chinese tab name
    aliases: tuple[str, ...]
    columns: tuple[Column, ...]

    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


CAMPAIGN_COLUMNS = (
    Column("campaign", "活动名称", ("campaign", "活动", "campaign name", "活动名"), "text", True, ("618活动", "618活动")),
    Column("channel", "渠道", ("channel",), "text", True, ("抖音", "微信")),
    Column("start_date", "开始日期", ("start_date", "开始", "start date", "start"), "date", True, ("2026-06-01", "2026-06-01")),
    Column("end_date", "结束日期", ("end_date", "结束", "end date", "end"), "date", False, ("2026-06-18", "2026-06-18")),
    Column("ad_spend", "广告费用", ("ad_spend", "广告费", "ad spend"), "money", False, ("¥50,000", "20000")),
    Column("promo_cost", "促销费用", ("promo_cost", "促销费", "promo cost"), "money", False, ("1万", "5000")),
    Column("staff_cost", "人员费用", ("staff_cost", "人员费", "staff cost"), "money", False, ("8000", "3000")),
    Column("other_cost", "其他费用", ("other_cost", "其他费", "other cost"), "money", False, ("", "1000")),
    Column("revenue", "销售额", ("revenue", "收入", "gmv", "sales"), "money", True, ("¥230,000", "86000")),
    Column("gross_profit", "毛利", ("gross_profit", "利润", "gross profit"), "money", False, ("", "")),
    Column("new_customers", "新客户数", ("new_customers", "新客数", "new customers"), "count", False, ("820", "310")),
    Column("impressions", "曝光量", ("impressions", "曝光"), "count", False, ("1200000", "300000")),
    Column("clicks", "点击量", ("clicks", "点击"), "count", False, ("36000", "9000")),
    Column("conversions", "转化数", ("conversions", "订单数", "订单"), "count", False, ("1500", "600")),
    Column("participants", "参与人数", ("participants", "参与人"), "count", False, ("", "")),
    Column("avg_minutes", "平均参与时长", ("avg_minutes", "平均时长"), "number", False, ("", "")),
    Column("social_mentions", "社媒提及", ("social_mentions", "社媒提及数"), "count", False, ("", "")),
    Column("retained_customers", "留存客户数", ("retained_customers", "留存客户"), "count", False, ("", "")),
    Column("satisfaction", "满意度", ("satisfaction",), "score", False, ("", "")),
)

TOUCHPOINT_COLUMNS = (
    Column("customer_id", "客户ID", ("customer_id", "客户id", "customer", "客户"), "text", True, ("C001", "C001")),
    Column("timestamp", "时间", ("timestamp", "日期", "time", "date"), "date", True, ("2026-06-01 10:00", "2026-06-03 21:15")),
    Column("channel", "渠道", ("channel",), "text", True, ("抖音", "微信")),
    Column("campaign", "活动名称", ("campaign", "活动"), "text", False, ("618活动", "618活动")),
    Column("converted", "是否转化", ("converted", "转化"), "bool", True, ("否", "是")),
    Column("revenue", "订单金额", ("revenue", "金额", "order value"), "money", False, ("", "399")),
)

ORDER_COLUMNS = (
    Column("order_id", "订单号", ("order_id", "order id", "order", "订单编号"), "text", True, ("O1001", "O1002")),
    Column("customer_id", "客户ID", ("customer_id", "客户id", "customer", "客户"), "text", True, ("C001", "C001")),
    Column("order_date", "下单日期", ("order_date", "order date", "日期", "date"), "date", True, ("2026-06-03", "2026-08-20")),
    Column("amount", "订单金额", ("amount", "order value", "金额", "revenue"), "money", True, ("399", "¥1,280")),
    Column("gross_profit", "毛利", ("gross_profit", "gross profit", "利润"), "money", False, ("", "")),
    Column("channel", "渠道", ("channel",), "text", False, ("抖音", "")),
    Column("campaign", "活动名称", ("campaign", "活动"), "text", False, ("618活动", "")),
)

CUSTOMER_COLUMNS = (
    Column("customer_id", "客户ID", ("customer_id", "客户id", "customer", "客户"), "text", True, ("C001", "C002")),
    Column("acquired_date", "获客日期", ("acquired_date", "acquired date", "acquisition date", "获客时间"), "date", True,
           ("2026-06-03", "2026-06-10")),
    Column("acquired_channel", "获客渠道", ("acquired_channel", "acquisition channel", "channel", "渠道"), "text", True,
           ("抖音", "微信")),
    Column("acquired_campaign", "获客活动", ("acquired_campaign", "acquisition campaign", "campaign", "活动名称"), "text",
           False, ("618活动", "")),
    Column("stage", "阶段", ("stage", "lifecycle stage", "客户阶段"), "text", False, ("成交", "意向")),
    Column("stage_date", "阶段日期", ("stage_date", "stage date"), "date", False, ("2026-06-03", "2026-06-12")),
)

BUDGET_COLUMNS = (
    Column("campaign", "活动名称", ("campaign", "活动", "campaign name"), "text", True, ("双12活动", "双12活动")),
    Column("channel", "渠道", ("channel",), "text", True, ("抖音", "微信")),
    Column("plan_start", "计划开始", ("plan_start", "plan start", "开始日期", "start"), "date", True,
           ("2026-12-01", "2026-12-01")),
    Column("plan_end", "计划结束", ("plan_end", "plan end", "结束日期", "end"), "date", True, ("2026-12-12", "2026-12-12")),
    Column("budget", "预算", ("budget", "预算金额"), "money", True, ("60000", "¥20,000")),
)

SETTING_COLUMNS = (
    Column("key", "参数", ("key", "setting", "parameter", "名称"), "text", True),
    Column("value", "值", ("value", "数值"), "text", False),
)

CAMPAIGNS = TabSpec("campaigns", "活动", ("campaigns", "campaign"), CAMPAIGN_COLUMNS)
TOUCHPOINTS = TabSpec("touchpoints", "触点", ("touchpoints", "touchpoint", "touches"), TOUCHPOINT_COLUMNS)
SETTINGS = TabSpec("settings", "设置", ("settings",), SETTING_COLUMNS)

ORDERS = TabSpec("orders", "订单", ("orders", "order"), ORDER_COLUMNS)
CUSTOMERS = TabSpec("customers", "客户", ("customers", "customer"), CUSTOMER_COLUMNS)
BUDGETS = TabSpec("budgets", "预算", ("budgets", "budget", "plan", "预算计划"), BUDGET_COLUMNS)

#: 导入: the ad platforms' report exports, one row per day × 平台 × 账户 × 平台活动名称 (written only by
#: ``python -m sheets import`` and its doors; read beside 活动 by every answer, see roi_core.imports)
IMPORTS_TAB = "导入"
IMPORT_COLUMNS = (
    Column("day", "日期", ("date", "day"), "date", True),
    Column("platform", "平台", ("platform",), "text", True),
    Column("account", "账户", ("account",), "text", False),
    Column("platform_campaign", "平台活动名称", ("platform campaign",), "text", True),
    Column("ad_spend", "广告费用", ("ad_spend", "ad spend"), "money", False),
    Column("impressions", "曝光量", ("impressions",), "count", False),
    Column("clicks", "点击量", ("clicks",), "count", False),
    Column("conversions", "转化数", ("conversions",), "number", False),
    Column("revenue", "销售额", ("revenue",), "money", False),
    Column("window", "归因窗口", ("attribution window", "window"), "text", False),
    Column("file", "来源文件", ("file", "source file"), "text", False),
    Column("imported_at", "导入时间", ("imported at",), "text", False),
)
IMPORTS = TabSpec("imports", IMPORTS_TAB, ("imports", "imported"), IMPORT_COLUMNS)
IMPORT_KEY_HEADERS = ("日期", "平台", "账户", "平台活动名称")
#: 映射 (optional, people's): a platform campaign name or pattern (``*618*``) → the 活动名称 it counts under
MAPPING = TabSpec("mapping", "映射", ("mapping", "campaign mapping"), (
    Column("pattern", "平台活动名称", ("平台活动", "pattern", "platform campaign", "匹配"), "text", True),
    Column("campaign", "活动名称", ("campaign", "活动"), "text", True),
    Column("platform", "平台", ("platform",), "text", False),
))

#: tabs a team may add when it has the data; without them the product answers as before
OPTIONAL_TABS = (ORDERS, CUSTOMERS, BUDGETS)
PEOPLE_TABS = (CAMPAIGNS, TOUCHPOINTS, SETTINGS, *OPTIONAL_TABS)

#: 客户 阶段 as people type it → stage level (0 潜在 … 3 忠实). Compared after NFKC, case-folding and dropping
#: spaces (:func:`stage_level`); any other value is a problem naming :data:`STAGE_CHOICES`, never a guess.
STAGE_WORDS = {
    0: ("潜在", "潜在客户", "潜客", "prospect", "lead", "potential"),
    1: ("意向", "意向客户", "interested", "intent", "intention"),
    2: ("成交", "成交客户", "customer", "converted", "purchased", "buyer"),
    3: ("忠实", "忠实客户", "loyal", "repeat", "loyal customer"),
}
STAGE_CHOICES = "潜在、意向、成交、忠实（或 prospect、interested、customer、loyal）"


def _stage_key(value: object) -> str:
    return "".join(normalize_text(value).split())


_STAGE_LEVEL = {_stage_key(w): level for level, words in STAGE_WORDS.items() for w in words}


def stage_level(value: object) -> int:
    """The level (0 潜在, 1 意向, 2 成交, 3 忠实) of a typed 阶段; −1 for a value that is none of them."""
    return _STAGE_LEVEL.get(_stage_key(value), -1)


#: how the ``init`` template marks its example rows: a text cell of the row (活动名称 ``示例·618活动``,
#: 客户ID ``示例·C001``) starts with it. The mark is in the values, so it survives a row copied anywhere
#: (a fill or a comment would not); such rows are never counted and are reported until deleted.
EXAMPLE_MARKER = "示例·"


# Tabs only the assistant writes. Keys of rows that are upserted come first.
MONTHLY_SUMMARY_TAB = "月度汇总"
CHANNEL_MONTHLY_TAB = "渠道月度"
DATA_CHECK_TAB = "数据校验"
CUSTOMER_VALUE_TAB = "客户价值"
ALERTS_TAB = "预警"
BUDGET_ADVICE_TAB = "预算建议"  # next month's budget plan, rewritten by the monthly job (roi_core.budget)
ASSISTANT_TAB_ALIASES = {
    MONTHLY_SUMMARY_TAB: ("monthly summary",),
    CHANNEL_MONTHLY_TAB: ("channel monthly",),
    DATA_CHECK_TAB: ("data check",),
    CUSTOMER_VALUE_TAB: ("customer value",),
    ALERTS_TAB: ("alerts",),
    BUDGET_ADVICE_TAB: ("budget advice", "budget plan"),
    IMPORTS_TAB: ("imports", "imported"),
}
DATA_CHECK_HEADERS = ("标签页", "行号", "列", "值", "问题", "检查时间")


@dataclass(frozen=True)
class SettingSpec:
    key: str
    name: str  # the Chinese 参数 people type
    aliases: tuple[str, ...]
    kind: str  # percent | text | count | number | time | date
    default: object
    meaning: str


SETTING_SPECS = (
    SettingSpec("target_roi", "目标ROI", ("target_roi", "目标roi", "target roi"), "percent", 1.0, "活动/渠道低于此值会给出诊断"),
    SettingSpec("gross_margin", "毛利率", ("gross_margin", "gross margin", "margin"), "percent", None, "行内没有毛利时用 销售额 x 毛利率"),
    SettingSpec("currency", "货币", ("currency",), "text", "CNY", "显示用货币"),
    SettingSpec("attribution_model", "归因模型", ("attribution_model", "attribution model"), "text", "markov", "/roi 归因 的默认模型"),
    SettingSpec("lookback_days", "回溯天数", ("lookback_days", "lookback days", "lookback"), "count", 30, "归因回溯窗口（天）"),
    SettingSpec("half_life_days", "时间衰减半衰期", ("half_life_days", "half life days", "half_life"), "number", 7.0, "时间衰减模型的半衰期（天）"),
    SettingSpec("report_day", "月报日", ("report_day", "report day"), "count", 1, "每月几号发月报"),
    SettingSpec("report_time", "月报时间", ("report_time", "report time"), "time", "09:00", "月报的本地时间"),
    SettingSpec("timezone", "时区", ("timezone", "time zone", "tz"), "text", "Asia/Shanghai", "排程与月份边界的时区 (IANA)"),
    SettingSpec("report_channel", "月报频道", ("report_channel", "report channel"), "text", None, "月报发送的 Slack 频道 ID"),
    SettingSpec("earliest_date", "最早日期", ("earliest_date", "earliest date"), "date", "2000-01-01",
                "早于此日的日期视为填错（最早可设 1900-01-01）"),
    SettingSpec("latest_date", "最晚日期", ("latest_date", "latest date"), "date", "2100-12-31",
                "晚于此日的日期视为填错（最晚可设 2261-12-31）"),
    SettingSpec("check_time", "巡检时间", ("check_time", "check time", "inspection time"), "time", "10:00",
                "每天检查进行中活动的本地时间"),
    SettingSpec("alert_channel", "预警频道", ("alert_channel", "alert channel", "alerts channel"), "text", None,
                "预警发送的 Slack 频道 ID（不填则用月报频道）"),
    SettingSpec("attribution_coverage", "归因覆盖阈值", ("attribution_coverage", "attribution coverage"), "percent", 0.5,
                "触点订单金额占销售额的比例达到此值，建议与渠道才按归因模型计"),
    SettingSpec("budget_change_limit", "调整上限", ("budget_change_limit", "budget change limit", "max change"), "percent",
                0.5, "建议重新分配时每个渠道预算最多增减的比例"),
    SettingSpec("budget_min_roi", "新增预算最低ROI", ("budget_min_roi", "budget min roi", "min marginal roi"), "percent",
                0.0, "预算建议中每一元的边际 ROI 至少要达到此值，达不到的钱留作未分配（0% = 保本）"),
    # table sources (docs/tables.md): 触点 / 订单 from Parquet, a database or Spark instead of the tab
    SettingSpec("touches_source", "触点来源", ("touches_source", "touches source", "touch source"), "text", None,
                "触点数据的表来源，例如 parquet:目录/*.parquet 或 postgresql://…#表（不填则读「触点」表）"),
    SettingSpec("orders_source", "订单来源", ("orders_source", "orders source", "order source"), "text", None,
                "订单数据的表来源，写法同触点来源（不填则读「订单」表）"),
)


def _lookup(names: dict[str, object]) -> dict[str, object]:
    return {normalize_text(k): v for k, v in names.items()}


SETTING_BY_NAME = _lookup({name: spec for spec in SETTING_SPECS for name in (spec.name, spec.key, *spec.aliases)})


def column_lookup(spec: TabSpec) -> dict[str, Column]:
    """Normalised header or alias → column, for one tab."""
    return _lookup({name: col for col in spec.columns for name in (col.header, col.key, *col.aliases)})


def find_tab(spec: TabSpec, titles: list[str]) -> str | None:
    """The title (as written) of the tab matching ``spec``, or None."""
    wanted = {normalize_text(n) for n in (spec.title, *spec.aliases)}
    for title in titles:
        if normalize_text(title) in wanted:
            return title
    return None
