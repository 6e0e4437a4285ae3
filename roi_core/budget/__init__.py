"""Budget advice on marginal return (pure: frames and settings in, results out).

- :mod:`roi_core.budget.basis`: the one basis of channel credit (活动 tab, or the attribution
  model when 触点 covers enough of the revenue) and the channels the two bases disagree on;
- :mod:`roi_core.budget.history`: each channel's spend and return per day, week or month;
- :mod:`roi_core.budget.curves`: Hill response curves with optional adstock, bootstrapped;
- :mod:`roi_core.budget.allocate`: the split of a total maximising the expected return;
- :mod:`roi_core.budget.plan`: all of it for next month's budget, with its 80 % interval.
"""

from roi_core.budget.allocate import allocate
from roi_core.budget.basis import CAMPAIGN_TAB, CreditBasis, conflict_summary, credit_basis, credited
from roi_core.budget.curves import Curve, fit_curve, hill, hill_slope
from roi_core.budget.history import Series, channel_series
from roi_core.budget.plan import LINEAR, RESPONSE_CURVE, BudgetPlan, ChannelPlan, plan_budget

__all__ = ["CAMPAIGN_TAB", "LINEAR", "RESPONSE_CURVE", "BudgetPlan", "ChannelPlan", "CreditBasis", "Curve", "Series",
           "allocate", "channel_series", "conflict_summary", "credit_basis", "credited", "fit_curve", "hill", "hill_slope", "plan_budget"]
