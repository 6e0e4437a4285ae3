"""``POST /api/v1/import``: the add-on's 导入报表 (the sidebar's file picker) sends the platforms' exports here.

Body: ``{"files": [{"name": "千川.csv", "content_base64": "…"}], "dry_run": false}``. Same callers as the rest of
``/api/v1`` (a sheet's Bearer token or a page session, :func:`web.auth.authenticate`) and the same rate limit;
its own size cap: at most :data:`MAX_FILES` files of at most 20 MB together (``sheets.imports.MAX_UPLOAD_BYTES``),
so the body is capped at :data:`IMPORT_BODY_LIMIT` (base64 is 4/3 of the bytes, plus the JSON around them).
The files are parsed (``sheets.imports``: values only, nothing in a file is run) within a deadline and
imported by ``roi_app.imports.run_import``, the function the console and Slack call. The response is
exactly what ``python -m sheets import --json`` prints: 200 when imported (or nothing new), 422 when a file
was refused (nothing written; each file's one line in ``files[].error``).
"""

from __future__ import annotations

import base64
import binascii

from flask import Blueprint, request
from werkzeug.exceptions import RequestEntityTooLarge

from roi_app.imports import Upload, run_import
from sheets.imports import MAX_UPLOAD_BYTES
from web.api import ApiError, _ctx, error_response, guard_request, reply
from web.edge import parse_json

MAX_FILES = 10
IMPORT_BODY_LIMIT = MAX_UPLOAD_BYTES * 4 // 3 + 64 * 1024
PARSE_SECONDS = 30.0  # one file's parse: a 20 MB export takes a few seconds
EXAMPLE = '例：{"files": [{"name": "千川.csv", "content_base64": "…"}], "dry_run": false}'


def make_import_blueprint() -> Blueprint:
    """The ``/api/v1/import`` blueprint; its context is the API's (``app.extensions["roi_web"]``)."""
    bp = Blueprint("roi_import", __name__, url_prefix="/api/v1")

    @bp.before_request
    def _guard():
        return guard_request(IMPORT_BODY_LIMIT)

    @bp.errorhandler(Exception)
    def _any(err: Exception):
        return error_response(err, f"上传太大：文件合计最多 {MAX_UPLOAD_BYTES // 1048576} MB", "按月或按账户分开导出，分几次导入")

    @bp.post("/import")
    def import_files():
        uploads, dry_run = _uploads()
        from roi_runtime.workspace import writable_config
        from sheets import open_source

        config, _note = writable_config(_ctx().config)  # the shipped demo stays as shipped: its copy is written
        result = run_import(open_source(config.source, config), uploads, dry_run=dry_run, limit=MAX_UPLOAD_BYTES,
                            seconds=PARSE_SECONDS)
        return reply(200 if result["ok"] else 422, **result)

    return bp


def _uploads() -> tuple[list[Upload], bool]:
    raw = request.get_data(cache=False)
    if len(raw) > IMPORT_BODY_LIMIT:
        raise RequestEntityTooLarge()
    if not request.is_json:
        raise ApiError(400, "请求体应是 JSON 对象", EXAMPLE)
    body = parse_json(raw)
    files = body.get("files") if isinstance(body, dict) else None
    dry_run = body.get("dry_run", False) if isinstance(body, dict) else False
    if not isinstance(files, list) or not files or not isinstance(dry_run, bool):
        raise ApiError(400, "缺少要导入的文件 files（dry_run 应为 true 或 false）", EXAMPLE)
    if len(files) > MAX_FILES:
        raise ApiError(400, f"一次最多导入 {MAX_FILES} 个文件（收到 {len(files)} 个）", "分几次导入")
    uploads, total = [], 0
    for i, item in enumerate(files, start=1):
        name = item.get("name") if isinstance(item, dict) else None
        content = item.get("content_base64") if isinstance(item, dict) else None
        if not isinstance(name, str) or not name.strip() or len(name) > 200 or not isinstance(content, str):
            raise ApiError(400, f"第 {i} 个文件应有 name（文件名）和 content_base64（文件内容的 base64）", EXAMPLE)
        try:
            data = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(400, f"{name.strip()[:80]}：content_base64 不是有效的 base64", EXAMPLE) from None
        total += len(data)
        if total > MAX_UPLOAD_BYTES:
            raise RequestEntityTooLarge()
        uploads.append(Upload(name.strip()[:200], data))
    return uploads, dry_run


__all__ = ["IMPORT_BODY_LIMIT", "MAX_FILES", "make_import_blueprint"]
