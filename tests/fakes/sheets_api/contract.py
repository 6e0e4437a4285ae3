"""The discovery-document contract of :class:`FakeSheetsAPI`: a request that does not fit Google's
discovery document is refused with the 400 Google sends, and recorded; the test API that expects or
allows such refusals."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from .._server import Request
from ..google_discovery import error_body
from .model import ApiError

# the discovery method behind each kind of call the fake serves (drive.*, token: no discovery document here)
_DISCOVERY_METHODS = {
    "spreadsheets.get": "sheets.spreadsheets.get",
    "spreadsheets.create": "sheets.spreadsheets.create",
    "spreadsheets.batchUpdate": "sheets.spreadsheets.batchUpdate",
    "values.get": "sheets.spreadsheets.values.get",
    "values.batchGet": "sheets.spreadsheets.values.batchGet",
    "values.update": "sheets.spreadsheets.values.update",
    "values.append": "sheets.spreadsheets.values.append",
    "values.clear": "sheets.spreadsheets.values.clear",
    "values.batchUpdate": "sheets.spreadsheets.values.batchUpdate",
    "values.batchClear": "sheets.spreadsheets.values.batchClear",
}


class ContractChecks:
    """The contract half of :class:`FakeSheetsAPI` (uses its _contract, _lock, contract_violations,
    _expecting and _allow_violations)."""

    @contextlib.contextmanager
    def expect_contract_violations(self) -> Iterator[list[dict]]:
        """For a test that sends bad requests on purpose: refusals against the discovery document
        made inside the block are expected (the fixture will not fail the test for them). The block
        must cause at least one; the list it yields fills with their records."""
        with self._lock:
            start = len(self.contract_violations)
            self._expecting += 1
        seen: list[dict] = []
        try:
            yield seen
        finally:
            with self._lock:
                self._expecting -= 1
                seen.extend(v for v in self.contract_violations[start:] if v["expected"])
        if not seen:
            raise AssertionError("expected the Sheets fake to refuse a request against Google's discovery "
                                 "document inside expect_contract_violations(), but it refused none")

    def allow_contract_violations(self, allow: bool = True) -> None:
        """Opt a whole test out: refusals against the discovery document still happen (HTTP 400, as
        Google would answer) but do not fail the test at teardown."""
        with self._lock:
            self._allow_violations = allow

    def unexpected_contract_violations(self) -> list[dict]:
        """Refusals not covered by :meth:`expect_contract_violations` / :meth:`allow_contract_violations`."""
        with self._lock:
            return [v for v in self.contract_violations if not v["expected"]]

    def _enforce_contract(self, kind: str, request: Request, call: dict, params: dict) -> dict:
        """Raise the 400 Google would send if the request does not fit the discovery document;
        otherwise keep its canonical body in ``call`` and return the query by canonical names
        (``value_input_option`` -> ``valueInputOption``) for the handlers."""
        method = _DISCOVERY_METHODS[kind]
        body_is_json = not isinstance(call["body"], bytes)
        violations = self._contract.check(method, request.query, call["body"], body_is_json=body_is_json)
        if not violations:
            call["canonical"] = self._contract.canonical(method, call["body"])
            return self._contract.canonical_query(method, params)
        error = error_body(violations)["error"]
        with self._lock:
            expected = self._expecting > 0 or self._allow_violations
            self.contract_violations.append({
                "kind": kind, "method": request.method, "path": call["path"], "params": call["params"],
                "messages": [v.description for v in violations], "expected": expected})
        call["contract_violations"] = [v.description for v in violations]
        raise ApiError(400, error["message"], details=error["details"])
