"""Deterministic suggestions (建议), each citing the numbers behind it.

Rules (docs/formulas.md, 建议):
- the best channel with ROI ≥ target → raise its budget, saying from where;
- ROI < target → diagnose the funnel against the group's median:
  low CTR → 素材、定向; low CVR → 落地页、优惠; high CAC → 人群; low AOV → 组合、满减;
- ROI < 0 → pause or rework, with the money lost;
- events → cost per participant, participant conversion, 平均参与时长, 满意度, 留存率, social mentions;
- ROI under target with an ordinary funnel → the cost items, largest first, with their shares;
- next month's budget is not here: it is split on marginal return by :mod:`roi_core.budget`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from roi_core.fmt import money, pct

# how far from the group median a funnel figure must be to count as the weak spot
LOW_FACTOR = 0.8
HIGH_FACTOR = 1.25
# share of a weak channel's budget proposed to move
SHIFT_SHARE_BELOW_TARGET = 0.2
SHIFT_SHARE_NEGATIVE = 0.5
# a receiving channel grows by at most this share in one month (diminishing returns)
# an event whose participants convert at least this well "converts well"
EVENT_GOOD_CVR = 0.2
# an event below these is called out: satisfaction (0-5), retention (留存客户数 / 参与人数), minutes stayed
EVENT_LOW_SATISFACTION = 4.0
EVENT_LOW_RETENTION = 0.2
EVENT_SHORT_MINUTES = 30
# the cost items of 总成本, as a suggestion names them
COST_ITEMS = (("ad_spend", "广告费用"), ("promo_cost", "促销费用"), ("staff_cost", "人员费用"), ("other_cost", "其他费用"))
# the same items in English answers
COST_ITEMS_EN = {"ad_spend": "ad spend", "promo_cost": "promotion cost", "staff_cost": "staff cost",
                 "other_cost": "other cost"}
# the group word a caller passes (渠道 / 活动), as an English answer says it
GROUP_WORD_EN = {"渠道": "channel", "活动": "campaign"}


@dataclass(frozen=True)
class Suggestion:
    """One suggestion: ``kind`` is raise | diagnose | pause | event | budget; ``text`` is for people, in the
    language the builder was asked for; ``text_en`` is the same suggestion in English ("" when not worded)."""

    kind: str
    channel: str | None
    text: str
    figures: dict = field(default_factory=dict)
    text_en: str = ""

    def said(self, lang: str) -> str:
        """The suggestion in ``lang``: the English wording for "en" when there is one, else ``text``."""
        return (self.text_en or self.text) if lang == "en" else self.text


def _median(table: pd.DataFrame, col: str) -> float:
    values = table[col].dropna()
    return float(values.median()) if len(values) else np.nan


def _bilingual(zh: list[Suggestion], en: list[Suggestion], lang: str) -> list[Suggestion]:
    # the same rules ran twice, so the two lists pair one to one; the figures are the Chinese run's (data)
    return [Suggestion(z.kind, z.channel, e.text if lang == "en" else z.text, z.figures, e.text)
            for z, e in zip(zh, en, strict=True)]


def channel_suggestions(table: pd.DataFrame, target_roi: float, symbol: str = "¥",
                        label: str = "渠道", name_col: str = "channel", lang: str = "zh") -> list[Suggestion]:
    """Suggestions for the rows of ``table`` (group_metrics output, one row per channel or campaign):
    ``text`` in ``lang`` ("zh" or "en"), ``text_en`` always English, names from the sheet as written."""
    return _bilingual(_channel_suggestions(table, target_roi, symbol, label, name_col, "zh"),
                      _channel_suggestions(table, target_roi, symbol, label, name_col, "en"), lang)


def _channel_suggestions(table: pd.DataFrame, target_roi: float, symbol: str, label: str, name_col: str,
                         lang: str) -> list[Suggestion]:
    en = lang == "en"
    group = GROUP_WORD_EN.get(label, label) if en else label
    spent = table[(table["cost"] > 0) & table["roi"].notna()]
    if spent.empty:
        return []
    out: list[Suggestion] = []
    ranked = spent.sort_values("roi", ascending=False)
    best = ranked.iloc[0]
    worst = ranked.iloc[-1]
    if best["roi"] >= target_roi:
        text = (f"Raise 「{best[name_col]}」's budget: ROI {pct(best['roi'])}, above the target "
                f"{pct(target_roi, 0)}, the highest of any {group}") if en else \
            (f"加大「{best[name_col]}」预算：ROI {pct(best['roi'])}，高于目标 {pct(target_roi, 0)}，"
             f"为各{label}最高")
        figures = {"roi": best["roi"], "target_roi": target_roi}
        if len(ranked) > 1 and worst["roi"] < target_roi:
            share = SHIFT_SHARE_NEGATIVE if worst["roi"] < 0 else SHIFT_SHARE_BELOW_TARGET
            amount = worst["cost"] * share
            text += (f"; about {money(amount, symbol)} ({share:.0%} of its cost) can come from "
                     f"「{worst[name_col]}」 (ROI {pct(worst['roi'])})") if en else \
                f"；可从「{worst[name_col]}」（ROI {pct(worst['roi'])}）调出约 {money(amount, symbol)}（其成本的 {share:.0%}）"
            figures.update(source=worst[name_col], source_roi=worst["roi"], amount=amount)
        out.append(Suggestion("raise", best[name_col], text, figures))

    medians = {m: _median(spent, m) for m in ("ctr", "cvr", "cac", "aov")}
    for _, row in spent.sort_values("roi").iterrows():
        if row["roi"] >= target_roi:
            continue
        name = row[name_col]
        if row["roi"] < 0:
            loss = row["cost"] - row["return_value"]
            out.append(Suggestion(
                "pause", name,
                f"Pause or rework 「{name}」: ROI {pct(row['roi'])}, cost {money(row['cost'], symbol)}, "
                f"return {money(row['return_value'], symbol)}, loss {money(loss, symbol)}" if en else
                f"暂停或重做「{name}」：ROI {pct(row['roi'])}，成本 {money(row['cost'], symbol)}，"
                f"收益 {money(row['return_value'], symbol)}，亏损 {money(loss, symbol)}",
                {"roi": row["roi"], "loss": loss}))
        findings = _funnel_findings(row, medians, symbol, lang)
        if findings:
            figures = {"roi": row["roi"]}
            for _text, found in findings:
                figures.update(found)
            said = "; ".join(text for text, _ in findings)
            out.append(Suggestion("diagnose", name,
                                  f"「{name}」 ROI {pct(row['roi'])} is below the target {pct(target_roi, 0)}: {said}"
                                  if en else f"「{name}」ROI {pct(row['roi'])} 低于目标 {pct(target_roi, 0)}："
                                  + "；".join(text for text, _ in findings), figures))
        elif row["roi"] >= 0:
            structure, items = cost_structure(row, symbol, lang)
            out.append(Suggestion(
                "diagnose", name,
                f"「{name}」 ROI {pct(row['roi'])} is below the target {pct(target_roi, 0)} while its funnel is close "
                f"to the {group} medians: check the cost structure first: {structure}" if en else
                f"「{name}」ROI {pct(row['roi'])} 低于目标 {pct(target_roi, 0)}，漏斗指标与各{label}中位数相近："
                f"先检查成本结构，{structure}",
                {"roi": row["roi"], "cost_items": items}))
    out += _event_suggestions(spent, target_roi, symbol, name_col, lang)
    return out


FUNNEL_CHECKS_EN = (
    "CTR {v} is below the median {m}, so improve creatives and targeting",
    "CVR {v} is below the median {m}, so improve the landing page and offer",
    "CAC {v} is above the median {m}, so adjust the audience",
    "AOV {v} is below the median {m}, so bundle and spend-and-save to lift the basket",
)


def _funnel_findings(row: pd.Series, medians: dict, symbol: str, lang: str = "zh") -> list[tuple[str, dict]]:
    found = []
    checks = (
        ("ctr", "low", "点击率 {v} 低于中位数 {m}，优化素材与定向", pct),
        ("cvr", "low", "转化率 {v} 低于中位数 {m}，优化落地页与优惠", pct),
        ("cac", "high", "获客成本 {v} 高于中位数 {m}，调整人群", lambda x: money(x, symbol)),
        ("aov", "low", "客单价 {v} 低于中位数 {m}，做组合、满减提升客单", lambda x: money(x, symbol)),
    )
    if lang == "en":
        checks = tuple((*check[:2], english, check[3]) for check, english in zip(checks, FUNNEL_CHECKS_EN, strict=True))
    for metric, direction, template, fmt in checks:
        v, m = row.get(metric), medians.get(metric)
        if v is None or pd.isna(v) or m is None or pd.isna(m) or m <= 0:
            continue
        weak = v < LOW_FACTOR * m if direction == "low" else v > HIGH_FACTOR * m
        if weak:
            found.append((template.format(v=fmt(v), m=fmt(m)), {metric: v, f"median_{metric}": m}))
    return found


def cost_structure(row: pd.Series, symbol: str = "¥", lang: str = "zh") -> tuple[str, list[dict]]:
    """The row's cost items (广告、促销、人员、其他费用), largest first, each with its share of 总成本;
    items of 0 are left out. Returns the words ("最大的是其他费用 ¥9,000（占总成本 45.0%），其次促销费用 ¥6,000（30.0%）";
    in English for ``lang="en"``: "the largest is other cost ¥9,000 (45.0% of total cost), then …")
    and the items as data (their ``label`` as the sheet's column says it)."""
    en = lang == "en"
    cost = row.get("cost")
    items = []
    for key, word in COST_ITEMS:
        value = row.get(key)
        if value is None or pd.isna(value) or value == 0:
            continue
        share = float(value) / float(cost) if cost is not None and pd.notna(cost) and cost > 0 else None
        items.append({"item": key, "label": word, "amount": float(value), "share": share})
    items.sort(key=lambda i: -i["amount"])

    def said(item: dict, share_word: str = "") -> str:
        if en:
            share = "" if item["share"] is None else f" ({pct(item['share'])}{share_word})"
            return f"{COST_ITEMS_EN[item['item']]} {money(item['amount'], symbol)}{share}"
        share = "" if item["share"] is None else f"（{share_word}{pct(item['share'])}）"
        return f"{item['label']} {money(item['amount'], symbol)}{share}"

    if en:
        words = f"the largest is {said(items[0], ' of total cost')}" if items else ""
        if len(items) > 1:
            words += ", then " + ", ".join(said(i) for i in items[1:])
        return words or "every cost item is 0", items
    words = ""
    if items:
        words = f"最大的是{said(items[0], '占总成本 ')}"
        if len(items) > 1:
            words += "，其次" + "、".join(said(i) for i in items[1:])
    return words or "各项费用均为 0", items


def _known(row: pd.Series, key: str):
    value = row.get(key)
    return None if value is None or pd.isna(value) else float(value)


def event_suggestions(table: pd.DataFrame, target_roi: float, symbol: str,
                      name_col: str = "channel", lang: str = "zh") -> list[Suggestion]:
    """For rows with participants (线下活动): cost per participant, their conversion, 平均参与时长, 满意度,
    留存率 (留存客户数 / 参与人数) and word of mouth, each only when the sheet has it; ``text`` in ``lang``,
    ``text_en`` always English."""
    return _bilingual(_event_suggestions(table, target_roi, symbol, name_col, "zh"),
                      _event_suggestions(table, target_roi, symbol, name_col, "en"), lang)


# An event's words, per language: one rule set (_event_suggestions) says them in either.
EVENT_WORDS = {
    "zh": {
        "cost": "每位参与者成本 {v}", "cvr": "参与者转化率 {v}", "minutes": "平均参与时长 {v:,.0f} 分钟",
        "score": "满意度 {v:.1f}/5", "retention": "留存率 {v}（留存客户数 / 参与人数）", "mentions": "社媒提及 {v:,.0f} 次",
        "both_good": "；转化与回报都好，可复制到更多城市",
        "converts": "；现场转化好但回报不足：压缩场地与人员成本、提高客单（套装、团购价）",
        "weak": "；下一场提高现场转化（到场专属优惠、会后 7 天跟进）",
        "low_score": "；满意度 {v:.1f}/5 低于 {limit:.1f}：会后回访问卷，找出扣分的环节",
        "low_retention": "；留存率 {v} 低于 {limit}：会后 30 天内安排复购券与社群跟进",
        "short_stay": "；平均只停留 {v:,.0f} 分钟：增加体验与互动环节，让到场的人留得更久",
        "head": "「{name}」活动：", "sep": "，",
    },
    "en": {
        "cost": "cost per participant {v}", "cvr": "participant conversion {v}", "minutes": "average stay {v:,.0f} minutes",
        "score": "satisfaction {v:.1f}/5", "retention": "retention {v} (retained customers / participants)",
        "mentions": "{v:,.0f} social mentions",
        "both_good": "; converts and returns well: repeat it in more cities",
        "converts": ("; converts well on site but does not return enough: cut venue and staff costs, "
                     "raise the basket (bundles, group prices)"),
        "weak": "; raise on-site conversion next time (an offer for attendees, follow up within 7 days)",
        "low_score": "; satisfaction {v:.1f}/5 is below {limit:.1f}: survey attendees afterwards to find what lost points",
        "low_retention": ("; retention {v} is below {limit}: send a repurchase coupon and follow up in the community "
                          "within 30 days"),
        "short_stay": "; people stay only {v:,.0f} minutes on average: add hands-on and interactive parts so they stay longer",
        "head": "「{name}」 event: ", "sep": ", ",
    },
}


def _event_suggestions(table: pd.DataFrame, target_roi: float, symbol: str, name_col: str,
                       lang: str) -> list[Suggestion]:
    words = EVENT_WORDS["en" if lang == "en" else "zh"]
    events = table[table["participants"].fillna(0) > 0]
    out = []
    for _, row in events.iterrows():
        cvr, minutes = _known(row, "participant_cvr"), _known(row, "avg_minutes")
        score, retention, mentions = _known(row, "satisfaction"), _known(row, "retention_rate"), \
            _known(row, "social_mentions")
        parts = [words["cost"].format(v=money(row["cost_per_participant"], symbol))]
        for key, value, shown in (("cvr", cvr, pct(cvr)), ("minutes", minutes, minutes), ("score", score, score),
                                  ("retention", retention, pct(retention)), ("mentions", mentions, mentions)):
            if value is not None:
                parts.append(words[key].format(v=shown))
        converts_well = cvr is not None and cvr >= EVENT_GOOD_CVR
        advice = words["both_good" if converts_well and row["roi"] >= target_roi
                       else "converts" if converts_well else "weak"]
        if score is not None and score < EVENT_LOW_SATISFACTION:
            advice += words["low_score"].format(v=score, limit=EVENT_LOW_SATISFACTION)
        if retention is not None and retention < EVENT_LOW_RETENTION:
            advice += words["low_retention"].format(v=pct(retention), limit=pct(EVENT_LOW_RETENTION, 0))
        if minutes is not None and minutes < EVENT_SHORT_MINUTES:
            advice += words["short_stay"].format(v=minutes)
        out.append(Suggestion("event", row[name_col],
                              words["head"].format(name=row[name_col]) + words["sep"].join(parts) + advice,
                              {"cost_per_participant": row["cost_per_participant"],
                               # None, not NaN, for what the event did not count
                               "participant_cvr": cvr, "avg_minutes": minutes, "satisfaction": score,
                               "retention_rate": retention, "social_mentions": mentions}))
    return out
