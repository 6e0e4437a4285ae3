"""The pure core of the ROI assistant: data frames and settings in, results out.

Imports only the standard library, pandas, numpy and small pure libraries
(rapidfuzz). No I/O: adapters in ``sheets/``, ``bot/`` and ``scheduler/``
read and write; this package computes.
"""

from roi_core.answer import (
    AdviceAnswer,
    Answer,
    CampaignReport,
    CandidatesAnswer,
    ChannelRanking,
    HelpAnswer,
    NoMatchAnswer,
    TopList,
    advice,
    answer,
    answer_json,
    campaign_report,
    channel_ranking,
    to_json_dict,
    top_campaigns,
)
from roi_core.attribution import AttributionError, attribute, attributed_roi, compare_models
from roi_core.errors import DataError, QueryError, RoiError
from roi_core.matching import CampaignMatch, match_campaign
from roi_core.metrics import group_metrics, prepare_rows, return_basis, spread_by_month
from roi_core.periods import last_full_month, local_today
from roi_core.query import Query, parse_query
from roi_core.sheetdata import Problem, Settings, SheetData, load_sheet
from roi_core.suggest import Suggestion, channel_suggestions

__all__ = [
    "last_full_month", "local_today",
    "AttributionError", "attribute", "attributed_roi", "compare_models",
    "AdviceAnswer", "Answer", "CampaignMatch", "CampaignReport", "CandidatesAnswer", "ChannelRanking", "DataError",
    "HelpAnswer", "NoMatchAnswer", "Problem", "Query", "QueryError", "RoiError", "Settings", "SheetData",
    "Suggestion", "TopList", "advice", "answer", "answer_json", "campaign_report", "channel_ranking",
    "channel_suggestions", "group_metrics", "load_sheet", "match_campaign", "parse_query", "prepare_rows",
    "return_basis", "spread_by_month", "to_json_dict", "top_campaigns",
]
