"""Pointing the REAL gspread / google-auth at the fake: a requests adapter that rewrites Google's
hosts to the fake's URL, and ready-made gspread clients."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from requests.adapters import HTTPAdapter

if TYPE_CHECKING:  # the server imports the clients' hosts, not the other way round
    from .server import FakeSheetsAPI


#: scheme+host prefixes that must be redirected to the fake (see module docstring)
GOOGLE_API_HOSTS = (
    "https://sheets.googleapis.com",
    "https://www.googleapis.com",
    "https://oauth2.googleapis.com",
)


class GoogleRewriteAdapter(HTTPAdapter):
    """A requests adapter that rewrites ``https://sheets.googleapis.com``,
    ``https://www.googleapis.com`` and ``https://oauth2.googleapis.com`` to
    ``base_url`` (e.g. the fake's url) before sending. Mount it with
    :func:`mount_google_rewrite`."""

    def __init__(self, base_url: str, hosts: tuple[str, ...] = GOOGLE_API_HOSTS, **kw: Any) -> None:
        super().__init__(**kw)
        self.base_url = base_url.rstrip("/")
        self.hosts = hosts

    def send(self, request, *args, **kwargs):  # type: ignore[override]
        for host in self.hosts:
            if request.url.startswith(host + "/") or request.url == host:
                request.url = self.base_url + request.url[len(host):]
                break
        return super().send(request, *args, **kwargs)


def mount_google_rewrite(session, base_url: str) -> None:
    """Mount a :class:`GoogleRewriteAdapter` on a requests session (e.g.
    ``gc.http_client.session``) for every Google API host."""
    adapter = GoogleRewriteAdapter(base_url)
    for host in GOOGLE_API_HOSTS:
        session.mount(host, adapter)


def fake_gspread_client(fake: FakeSheetsAPI, http_client: Any = None, credentials: Any = None):
    """A REAL ``gspread.Client`` talking to ``fake``: ``Credentials(token="fake")``
    (never refreshes) unless ``credentials`` is given, and the rewriting adapter
    mounted on its session. ``http_client`` defaults to ``gspread.HTTPClient``."""
    import gspread
    from google.oauth2.credentials import Credentials

    creds = credentials if credentials is not None else Credentials(token="fake")
    client = gspread.Client(auth=creds, http_client=http_client or gspread.HTTPClient)
    mount_google_rewrite(client.http_client.session, fake.url)
    return client


def fake_service_account_client(fake: FakeSheetsAPI, http_client: Any = None):
    """A REAL gspread client built by ``gspread.service_account_from_dict`` from a
    fresh service-account JSON whose token_uri is ``fake.url + "/token"``; the first
    API call fetches a token from the fake through google-auth's JWT-bearer flow."""
    import gspread

    info = fake.service_account_info()
    kwargs = {"http_client": http_client} if http_client is not None else {}
    client = gspread.service_account_from_dict(info, **kwargs)
    mount_google_rewrite(client.http_client.session, fake.url)
    return client
