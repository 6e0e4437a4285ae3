"""The 飞书 (Lark) door: the same assistant as /roi in 飞书 groups and private chats (docs/feishu.md).

``python -m feishu`` runs the official SDK's long connection (no public URL needed); the HTTP event callback
(:mod:`feishu.http`) is served instead by the main web app (``roi_server.create_app``, when the encrypt key and
verification token are set) or on its own by ``python -m feishu http``. What an event does is :mod:`feishu.door`; the
wiring is :mod:`feishu.app`.
"""
