"""``view_of(answer, options)``: the medium-free view of an answer, one builder per answer kind.

Every word comes from the label table (:mod:`roi_core.views.labels`), every figure from
:mod:`roi_core.fmt`; nothing here computes a number. Each kind's builder lives in the module named
for it (``campaign``, ``ranking``, ``budget``, ``monthly``, ``attribution``, ``help``, ``compare``,
``customers``, ``trend``), built from the shared pieces of :mod:`roi_core.views.parts` and
:mod:`roi_core.views.actions`; this module only picks the builder, so every import goes one way.
A kind without a builder here returns None and its renderers lay the answer out themselves.
"""

from __future__ import annotations

from collections.abc import Callable

from roi_core.answer.shapes import (
    AdviceAnswer,
    CampaignReport,
    CandidatesAnswer,
    ChannelRanking,
    HelpAnswer,
    NoMatchAnswer,
    TopList,
)
from roi_core.attribution_report import AttributionAnswer
from roi_core.monthly import MonthlySummary
from roi_core.results import Answer
from roi_core.views.asked import with_asked
from roi_core.views.attribution import attribution_view
from roi_core.views.budget import advice_view
from roi_core.views.budget_line import (
    AlertsAnswer,
    BudgetLineAnswer,
    WorthAnswer,
    alerts_today_view,
    budget_line_view,
    worth_view,
)
from roi_core.views.campaign import campaign_view
from roi_core.views.compare import CompareAnswer, compare_view
from roi_core.views.customers import (
    CohortAnswer,
    CustomerValueAnswer,
    LifecycleAnswer,
    cohort_view,
    customer_value_view,
    lifecycle_view,
)
from roi_core.views.help import candidates_view, help_view, no_match_view
from roi_core.views.model import View, ViewOptions
from roi_core.views.monthly import monthly_view
from roi_core.views.ranking import channels_view, top_view
from roi_core.views.trend import ChannelTrendAnswer, PeriodSummary, period_summary_view, trend_view

BUILDERS: list[tuple[type, Callable[[Answer, ViewOptions], View]]] = [
    (ChannelTrendAnswer, trend_view), (PeriodSummary, period_summary_view),  # before MonthlySummary: a subclass
    (CompareAnswer, compare_view),
    (AttributionAnswer, attribution_view), (MonthlySummary, monthly_view),
    (CampaignReport, campaign_view), (ChannelRanking, channels_view), (TopList, top_view),
    (AdviceAnswer, advice_view), (HelpAnswer, help_view), (CandidatesAnswer, candidates_view),
    (NoMatchAnswer, no_match_view),
    (CustomerValueAnswer, customer_value_view), (LifecycleAnswer, lifecycle_view), (CohortAnswer, cohort_view),
    (WorthAnswer, worth_view), (BudgetLineAnswer, budget_line_view), (AlertsAnswer, alerts_today_view),
]


def view_of(ans: Answer, options: ViewOptions | None = None) -> View | None:
    """The view of ``ans`` (None for a kind that has no view yet: its renderers lay it out themselves).

    ``options`` may be any object with ViewOptions' attributes (the Slack renderer's RenderOptions is one).
    """
    options = options or ViewOptions()
    for kind, build in BUILDERS:
        if isinstance(ans, kind):
            return with_asked(build(ans, options), ans)  # the figure asked for, first (views/asked.py)
    return None
