"""OAuth2: the /token endpoint (google-auth's JWT-bearer flow, signatures checked), bearer-token
checks on every API call, and service-account JSON whose token_uri is the fake."""

from __future__ import annotations

import base64
import functools
import json
import time

from .._server import Request, Response
from .model import ApiError

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def _b64url_decode(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class TokenEndpoint:
    """/token and the bearer check for :class:`FakeSheetsAPI`."""

    def _check_token(self, token: str) -> None:
        if not token:
            raise ApiError(401)
        with self._lock:
            if token in self._revoked:
                raise ApiError(401, "Request had invalid authentication credentials. Expected OAuth 2 access "
                                    "token, login cookie or other valid authentication credential.")
            if self.strict_tokens and token not in self._issued and token not in self._accepted:
                raise ApiError(401, "Request had invalid authentication credentials.")

    def _token(self, request: Request, call: dict) -> Response:
        form = call["body"] if isinstance(call["body"], dict) else {}
        grant = form.get("grant_type")

        def oauth_error(err: str, desc: str) -> Response:
            return Response.json({"error": err, "error_description": desc}, 400)

        if grant == JWT_GRANT:
            assertion = form.get("assertion") or ""
            parts = assertion.split(".")
            if len(parts) != 3:
                return oauth_error("invalid_grant", "Invalid JWT: Token must be a short-lived token "
                                                    "(60 minutes) and in a reasonable timeframe.")
            try:
                header = json.loads(_b64url_decode(parts[0]))
                claims = json.loads(_b64url_decode(parts[1]))
            except ValueError:
                return oauth_error("invalid_grant", "Invalid JWT: could not decode.")
            call["claims"] = claims
            call["body"] = {"grant_type": grant, "assertion": "<jwt>"}
            with self._lock:
                key = self._public_keys.get(header.get("kid"))
            if key is not None:
                from cryptography.exceptions import InvalidSignature
                from cryptography.hazmat.primitives import hashes
                from cryptography.hazmat.primitives.asymmetric import padding

                try:
                    key.verify(_b64url_decode(parts[2]), f"{parts[0]}.{parts[1]}".encode(),
                               padding.PKCS1v15(), hashes.SHA256())
                except InvalidSignature:
                    return oauth_error("invalid_grant", "Invalid JWT Signature.")
                call["verified"] = True
            now = time.time()
            if not claims.get("iss") or claims.get("exp", 0) < now - 60:
                return oauth_error("invalid_grant", "Invalid JWT: Token must be a short-lived token "
                                                    "(60 minutes) and in a reasonable timeframe.")
        elif grant == "refresh_token":
            if not form.get("refresh_token"):
                return oauth_error("invalid_request", "Missing required parameter: refresh_token")
        else:
            return oauth_error("unsupported_grant_type", f"Invalid grant_type: {grant}")
        token = f"fake-token-{next(self._token_counter)}"
        with self._lock:
            self._issued.add(token)
        return Response.json({"access_token": token, "expires_in": 3600, "token_type": "Bearer"})


@functools.lru_cache(maxsize=1)
def _private_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def make_service_account_info(
    token_uri: str,
    client_email: str = "roi-bot@fake-project.iam.gserviceaccount.com",
    private_key_id: str = "fake-key-id",
    project_id: str = "fake-project",
) -> dict:
    """A complete service-account JSON (as a dict) with a locally generated RSA key
    (one per process, cached) and ``token_uri`` pointing wherever you like - so
    ``google.oauth2.service_account.Credentials.from_service_account_info`` and
    ``gspread.service_account_from_dict`` run for real, offline."""
    return {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": private_key_id,
        "private_key": _private_key_pem(),
        "client_email": client_email,
        "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
        + client_email.replace("@", "%40"),
        "universe_domain": "googleapis.com",
    }
