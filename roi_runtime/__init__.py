"""What every process stands on, below the application layer (``roi_app``) and the doors.

``roi_runtime.config``: every setting, read from the environment once and checked (``AppConfig``).
``roi_runtime.db``: the one SQLAlchemy engine factory and ``check_database``.
``roi_runtime.notify``: the one way a message reaches Slack (``SlackNotifier``, checked against Slack's
block contract). ``roi_runtime.workspace``: the working copy of the demo workbook that writing commands
use. ``roi_runtime.cli``: how every entry point reports an error.

It imports ``roi_core`` and ``render`` only (``tests/test_layers.py``).
"""
