"""The 飞书 (Lark) door: the same assistant as /roi in 飞书 groups and private chats (docs/feishu.md).

``python -m feishu`` runs the official SDK's long connection (no public URL needed); ``python -m feishu http``
serves the HTTP event callback instead (:mod:`feishu.http`). What an event does is :mod:`feishu.door`; the
wiring is :mod:`feishu.app`.
"""
