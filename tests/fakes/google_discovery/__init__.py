"""Google's Sheets v4 discovery document and the request contract compiled from it (see README.md)."""

from .contract import Contract, Violation, error_body, sheets_contract

__all__ = ["Contract", "Violation", "error_body", "sheets_contract"]
