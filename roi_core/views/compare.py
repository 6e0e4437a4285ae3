"""The view of a comparison: one table (figure | side A | side B | difference | better) and a verdict line.

Every word comes from the label table, every figure from :mod:`roi_core.fmt`; the differences and which
side is better were worked out by the answer (:mod:`roi_core.answer.compare`), nothing here computes one.
"""

from __future__ import annotations

from roi_core.answer.compare import LOWER_IS_BETTER, CompareAnswer
from roi_core.fmt import DASH, count, money, pct
from roi_core.views.actions import query_action, sheet_actions
from roi_core.views.format import signed_pct
from roi_core.views.labels import labels, phrase
from roi_core.views.model import Column, Note, Table, View, ViewOptions
from roi_core.views.parts import SHOWN_ROWS, footer_of
from roi_core.views.punct import bracket

# how each compared figure reads: money, a rate (its difference in percentage points), ROAS, a count
_KIND = {"cost": "money", "revenue": "money", "profit": "money", "cac": "money", "aov": "money", "cpc": "money",
         "cpa": "money", "roi": "pct", "ctr": "pct", "cvr": "pct", "roas": "ratio", "new_customers": "count"}


def _value(item: dict, name: str, symbol: str) -> str:
    v = item.get(name)
    kind = _KIND.get(name, "count")
    if kind == "money":
        return money(v, symbol)
    if kind == "pct":
        return pct(v)
    if kind == "ratio":
        return item.get("roas_text") or DASH if name == "roas" else (DASH if v is None else f"{v:.2f}")
    return count(v)


def _diff(d: dict, symbol: str, lang: str) -> str:
    """a − b as people read it: money with its sign, a rate in percentage points, and (a − b)/b after it
    where it means something (not for rates: a relative change of a percentage misleads)."""
    diff, kind = d["diff"], _KIND.get(d["figure"], "count")
    if diff is None:
        return DASH
    if kind == "pct":
        return f"{diff * 100:+.1f}{labels(lang)['compare_points']}"
    if kind == "money":
        text = ("+" if diff > 0 else "") + money(diff, symbol)
    elif kind == "ratio":
        text = f"{diff:+.2f}"
    else:
        text = f"{diff:+,.0f}"
    return text if d["rel"] is None else text + bracket(signed_pct(d["rel"]), lang)


def compare_view(ans: CompareAnswer, options: ViewOptions) -> View:
    L, s, lang = labels(ans.lang), ans.currency, ans.lang
    a, b = ans.items
    title = phrase(lang, "compare_title", a=a["label"], b=b["label"])
    period = getattr(ans, "asked_period", None)
    when = None if period is None else (str(period["start"]) if period["start"] == period["end"]
                                        else f"{period['start']} ~ {period['end']}")
    rule = phrase(lang, "compare_rule")
    columns = [Column(L["compare_figure"], "left"), Column(a["label"]), Column(b["label"]),
               Column(L["compare_diff"]), Column(L["compare_better"], "left")]
    rows, notes = [], {}
    for i, d in enumerate(ans.differences):
        name = d["figure"]
        label = (L.get(f"compare_{name}") or L[name]) + (L["compare_lower"] if name in LOWER_IS_BETTER else "")
        better = {"a": a["label"], "b": b["label"], "same": L["compare_same"]}.get(d["better"], DASH)
        row = [label, _value(a, name, s), _value(b, name, s), _diff(d, s, lang), better]
        for j, item in ((1, a), (2, b)):
            if row[j] == DASH and item["unavailable"].get(name):
                notes[(i, j)] = item["unavailable"][name]
        said = any(j in (1, 2) for (r, j) in notes if r == i)  # the value's own reason already says it
        if d["why"] and not said and (row[3] == DASH or (d["rel"] is None and _KIND.get(name) != "pct")):
            notes[(i, 3)] = d["why"]
        rows.append(row)
    table = Table(title, columns, rows, "compare.csv", SHOWN_ROWS, notes=notes, notes_in_brief=True)
    verdict = Note(L["compare_verdict"], _verdict(ans))
    actions = []
    # the first month's channel ranking (a message holds one button per question kind; a campaign's button
    # would need the renderer to take text= beside its own label)
    for item in (a, b):
        if not item.get("campaign") and not item.get("channel") \
                and len(item.get("period_label") or "") == 7 and not actions:  # "2026-10": a whole month
            actions.append(query_action(phrase(lang, "compare_btn_channels", month=item["period_label"]), "channels",
                                        lang, month=item["period_label"]))
    heading = phrase(lang, "compare_heading", title=title, basis=ans.basis_label)
    return View(
        kind=ans.kind, lang=lang, title=f"⚖ {title}",
        heading=f"⚖ {heading}" if when is None else f"⚖ {heading}  {when}",
        when=when, context=[ans.basis_label, rule], notes=[verdict], tables=[table],
        actions=[*actions, *sheet_actions(options, lang)], actions_id="roi_compare_actions", footer=footer_of(ans, options))


def _verdict(ans: CompareAnswer) -> str:
    """ROI first (which side is higher, both values), then how many figures each side is better on."""
    lang, (a, b) = ans.lang, ans.items
    roi = next((d for d in ans.differences if d["figure"] == "roi"), None)
    parts = []
    if roi is None or roi["better"] is None:
        parts.append(phrase(lang, "compare_roi_missing"))
    elif roi["better"] == "same":
        parts.append(phrase(lang, "compare_roi_same", value=pct(roi["a"])))
    else:
        won, lost = ("a", "b") if roi["better"] == "a" else ("b", "a")
        parts.append(phrase(lang, "compare_roi_better", winner=(a if won == "a" else b)["label"],
                            better=pct(roi[won]), worse=pct(roi[lost])))
    if ans.wins.get("a") or ans.wins.get("b"):
        parts.append(phrase(lang, "compare_wins", a=a["label"], b=b["label"], na=ans.wins.get("a", 0),
                            nb=ans.wins.get("b", 0)))
    return phrase(lang, "compare_join").join(parts)
