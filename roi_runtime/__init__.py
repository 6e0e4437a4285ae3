"""What the entry points share that is neither the pure core nor a sheet adapter.

``roi_runtime.db``: the one SQLAlchemy engine factory (bot dedupe, the clock's
job store, the monthly delivery records) and ``check_database``.
``roi_runtime.workspace``: the working copy of the demo workbook that writing
commands use. ``roi_runtime.cli``: how every entry point reports an error.
"""
