"""Small builders for hand-made sheets."""

from roi_core import load_sheet

HEADERS = ["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "促销费用", "人员费用", "其他费用", "销售额", "毛利",
           "新客户数", "曝光量", "点击量", "转化数", "参与人数"]


def campaign_rows(*rows: dict) -> list[list]:
    """Rows given as dicts of header → value; missing headers are blank."""
    return [HEADERS] + [[r.get(h) for h in HEADERS] for r in rows]


def sheet(*rows: dict, settings: dict | None = None, touch_rows: list[list] | None = None):
    tabs = {"活动": campaign_rows(*rows)}
    if settings:
        tabs["设置"] = [["参数", "值"]] + [[k, v] for k, v in settings.items()]
    if touch_rows is not None:
        tabs["触点"] = touch_rows
    return load_sheet(tabs, source="test")
