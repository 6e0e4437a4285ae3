"""The application layer: what the assistant does, whichever door a question or a clock tick comes in by.

Slack (``bot/``), the spreadsheet plugin's web API and pages (``web/``), the clock (``scheduler/``) and the
console are doors: each translates its platform's events into calls of this package and its answers back
into its platform's messages. None of them imports another; a new door (飞书/Lark) needs only this package.

- ``roi_app.bootstrap``: the shared services of a process (config, the cached sheet read, the database
  engine, the Slack client and notifier, the stores).
- ``roi_app.answers``: question → answer → message, with the answer cache and single flight
  (``Assistant``), and the words a door says for a bug of ours (``BUG_MESSAGE``, ``BUG_HINT``);
  ``roi_app.stale``: what an answer from a cached copy of the sheet says.
- ``roi_app.stores``: every record kept in the shared database: request claims, monthly deliveries,
  alerts and mutes, proposals, the plugin's tokens.
- ``roi_app.follow_up``: the proposals an answer reports the outcome of.
- ``roi_app.links`` / ``roi_app.report_links``: signed, expiring links to the web pages.
- ``roi_app.monthly``: the month's run (read, write the assistant's tabs, post), for the clock and the API.
- ``python -m roi_app addon-key``: the plugin's tokens (``roi_app.addon_key``).

It imports ``roi_core``, ``render``, ``sheets`` and ``roi_runtime``, never a door and never a door's
framework (flask, slack_bolt, apscheduler); ``tests/test_layers.py`` holds it to that.
"""
