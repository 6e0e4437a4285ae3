"""The values endpoints: get, batchGet, update, append, clear, batchUpdate, batchClear."""

from __future__ import annotations

from typing import Any

from .._server import Request
from .cells import _renderer, _transpose, _trim, parse_user_entered
from .model import ApiError, _Book
from .ranges import _check_grid, _Range, a1, col_letters, parse_range

_VRO = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
_DTRO = ("SERIAL_NUMBER", "FORMATTED_STRING")
_DIM = ("ROWS", "COLUMNS", "DIMENSION_UNSPECIFIED")
_VIO = ("RAW", "USER_ENTERED")


def _enum(value: Any, allowed: tuple[str, ...], name: str, default: str | None) -> str:
    if value is None or value == "":
        if default is None:
            raise ApiError(400, f"'{name}' is required but not specified")
        return default
    if value not in allowed:
        raise ApiError(400, f"Invalid value at '{name}' ({value})")
    return value


class ValuesHandlers:
    """spreadsheets.values.* for :class:`FakeSheetsAPI` (uses its _get, _mutate, _body)."""

    def _read_range(self, book: _Book, text: str, params: dict) -> dict:
        vro = _enum(params.get("valueRenderOption"), _VRO, "value_render_option", "FORMATTED_VALUE")
        dtro = _enum(params.get("dateTimeRenderOption"), _DTRO, "date_time_render_option", "SERIAL_NUMBER")
        major = _enum(params.get("majorDimension"), _DIM, "major_dimension", "ROWS")
        rng = parse_range(book, text)
        tab = rng.tab
        if tab.props.get("sheetType", "GRID") != "GRID":
            raise ApiError(400, f"Unable to parse range: {text}")
        r1, c1 = rng.er1, rng.ec1
        _check_grid(rng, r1, c1)
        render = _renderer(book, vro, dtro)
        c0 = rng.c0
        rows = [list(map(render, row[c0:c1])) for row in tab.rows[rng.r0:min(r1, len(tab.rows))]]
        if major == "COLUMNS":
            rows = _transpose(rows, "")
        out: dict[str, Any] = {"range": a1(tab, rng.r0, rng.c0, r1, c1), "majorDimension":
                               "COLUMNS" if major == "COLUMNS" else "ROWS"}
        values = _trim(rows, copy=False)
        if values:
            out["values"] = values
        return out

    def _values_get(self, sid: str, text: str, request: Request, params: dict, call: dict) -> dict:
        call["range"] = text
        return self._read_range(self._get(sid, call), text, params)

    def _values_batch_get(self, sid: str, request: Request, params: dict, call: dict) -> dict:
        ranges = request.query.get("ranges", [])
        call["ranges"] = ranges
        book = self._get(sid, call)
        return {"spreadsheetId": sid, "valueRanges": [self._read_range(book, r, params) for r in ranges]}

    def _write(self, book: _Book, rng: _Range, values: Any, major: str | None, vio: str,
               append: bool = False) -> dict:
        if values is None:
            values = []
        if not isinstance(values, list) or any(not isinstance(r, list) for r in values):
            raise ApiError(400, "Invalid values: 'values' must be a list of lists")
        major = _enum(major, _DIM, "major_dimension", "ROWS")
        if major == "COLUMNS":
            values = _transpose(values, None)
        nrows = len(values)
        ncols = max((len(r) for r in values), default=0)
        tab = rng.tab
        if append:
            last = tab.last_data_row(rng.c0, rng.c1)
            r0 = max(last + 1, rng.r0)
            need_rows = r0 + nrows
            if need_rows > tab.row_count:
                tab.row_count = need_rows
            if rng.c0 + ncols > tab.col_count:
                tab.col_count = rng.c0 + ncols
        else:
            r0 = rng.r0
            if rng.single:
                _check_grid(rng, r0 + max(nrows, 1), rng.c0 + max(ncols, 1))
            else:
                _check_grid(rng, rng.er1, rng.ec1)
                if nrows > rng.er1 - r0:
                    raise ApiError(400, f"Requested writing within range [{rng.text}], but tried writing "
                                        f"to row [{r0 + nrows}]")
                if ncols > rng.ec1 - rng.c0:
                    raise ApiError(400, f"Requested writing within range [{rng.text}], but tried writing "
                                        f"to column [{col_letters(rng.c0 + ncols)}]")
        for i, row in enumerate(values):
            for j, v in enumerate(row):
                if v is None:  # null = leave the cell unchanged (like the real API)
                    continue
                if isinstance(v, (dict, list)):
                    raise ApiError(400, f"Invalid values[{i}][{j}]: list_value / struct_value")
                if vio == "USER_ENTERED" and isinstance(v, str):
                    v = parse_user_entered(v)
                tab.set(r0 + i, rng.c0 + j, v)
        return {
            "spreadsheetId": book.key,
            "updatedRange": a1(tab, r0, rng.c0, r0 + max(nrows, 1), rng.c0 + max(ncols, 1)),
            "updatedRows": nrows,
            "updatedColumns": ncols,
            "updatedCells": sum(len(r) for r in values),
        }

    def _with_values(self, book: _Book, res: dict, include: Any, vro: Any, dtro: Any) -> dict:
        if str(include).lower() == "true":
            res["updatedData"] = self._read_range(
                book, res["updatedRange"], {"valueRenderOption": vro, "dateTimeRenderOption": dtro}
            )
        return res

    def _values_update(self, sid: str, text: str, request: Request, params: dict, call: dict) -> dict:
        call["range"] = text
        vio = _enum(params.get("valueInputOption"), _VIO, "valueInputOption", None)
        body = self._body(call)

        def apply(book: _Book) -> dict:
            res = self._write(book, parse_range(book, text), body.get("values"), body.get("majorDimension"), vio)
            return self._with_values(book, res, params.get("includeValuesInResponse"),
                                     params.get("responseValueRenderOption"),
                                     params.get("responseDateTimeRenderOption"))

        return self._mutate(sid, call, apply)

    def _values_append(self, sid: str, text: str, request: Request, params: dict, call: dict) -> dict:
        call["range"] = text
        vio = _enum(params.get("valueInputOption"), _VIO, "valueInputOption", None)
        ido = params.get("insertDataOption") or "OVERWRITE"
        if ido not in ("OVERWRITE", "INSERT_ROWS"):
            raise ApiError(400, f"Invalid value at 'insert_data_option' ({ido})")
        body = self._body(call)

        def apply(book: _Book) -> dict:
            rng = parse_range(book, text)
            tab = rng.tab
            last = tab.last_data_row(rng.c0, rng.c1)
            table = a1(tab, rng.r0, rng.c0, last + 1, rng.ec1) if last >= rng.r0 else None
            if ido == "INSERT_ROWS":
                values = body.get("values") or []
                n = len(values) if (body.get("majorDimension") or "ROWS") != "COLUMNS" else \
                    max((len(r) for r in values), default=0)
                start = last + 1
                if start < len(tab.rows):
                    tab.rows[start:start] = [[] for _ in range(n)]
                tab.row_count = tab.row_count + n
            res = self._write(book, rng, body.get("values"), body.get("majorDimension"), vio, append=True)
            res = self._with_values(book, res, params.get("includeValuesInResponse"),
                                    params.get("responseValueRenderOption"),
                                    params.get("responseDateTimeRenderOption"))
            out = {"spreadsheetId": sid, "updates": res}
            if table:
                out["tableRange"] = table
            return out

        return self._mutate(sid, call, apply)

    def _clear(self, book: _Book, text: str) -> str:
        rng = parse_range(book, text)
        tab = rng.tab
        r1, c1 = rng.er1, rng.ec1
        _check_grid(rng, r1, c1)
        for r in range(rng.r0, min(r1, len(tab.rows))):
            row = tab.rows[r]
            for c in range(rng.c0, min(c1, len(row))):
                row[c] = None
        return a1(tab, rng.r0, rng.c0, r1, c1)

    def _values_clear(self, sid: str, text: str, request: Request, params: dict, call: dict) -> dict:
        call["range"] = text
        return self._mutate(sid, call, lambda book: {"spreadsheetId": sid, "clearedRange": self._clear(book, text)})

    def _values_batch_clear(self, sid: str, request: Request, params: dict, call: dict) -> dict:
        ranges = self._body(call).get("ranges") or []
        call["ranges"] = ranges
        return self._mutate(sid, call, lambda book: {
            "spreadsheetId": sid, "clearedRanges": [self._clear(book, r) for r in ranges]})

    def _values_batch_update(self, sid: str, request: Request, params: dict, call: dict) -> dict:
        body = self._body(call)
        vio = _enum(body.get("valueInputOption"), _VIO, "valueInputOption", None)
        data = body.get("data") or []
        call["ranges"] = [d.get("range") for d in data]

        def apply(book: _Book) -> dict:
            responses = []
            for d in data:
                res = self._write(book, parse_range(book, d.get("range") or ""), d.get("values"),
                                  d.get("majorDimension"), vio)
                responses.append(self._with_values(book, res, body.get("includeValuesInResponse"),
                                                   body.get("responseValueRenderOption"),
                                                   body.get("responseDateTimeRenderOption")))
            return {
                "spreadsheetId": sid,
                "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
                "totalUpdatedColumns": sum(r["updatedColumns"] for r in responses),
                "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
                "totalUpdatedSheets": len({r["updatedRange"].rsplit("!", 1)[0] for r in responses}),
                "responses": responses,
            }

        return self._mutate(sid, call, apply)
