"""Every record the assistant keeps, in the one database of ``roi_runtime.db`` (``DATABASE_URL``).

- ``claims``: a request answered once across workers (``slack_claims``).
- ``records``: one delivery per month (``monthly_deliveries``), the daily check's alerts and mutes
  (``alert_log``, ``alert_mutes``, …) and the months' proposals (``monthly_proposals``).
- ``tokens``: the spreadsheet plugin's tokens (``addon_tokens``).
"""
