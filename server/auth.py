"""Bearer tokens: HS256 JWTs with `sub`, `role` and `exp`, issued and checked here."""

from datetime import datetime, timedelta

import jwt

from resolvers.access import Role, Viewer

ALGORITHMS = ["HS256"]  # explicit: `none` and every other algorithm are refused


class BadToken(Exception):
    """The token is missing, malformed, expired, unsigned or wrongly signed."""


def issue_token(secret: str, *, subject: str, role: Role, now: datetime, ttl: timedelta) -> str:
    claims = {"sub": subject, "role": role.value, "iat": now, "exp": now + ttl}
    return jwt.encode(claims, secret, algorithm=ALGORITHMS[0])


def viewer_from_header(header: str | None, secret: str) -> Viewer:
    """The viewer a request's `Authorization` header names, or BadToken."""
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise BadToken("A bearer token is required.")
    try:
        claims = jwt.decode(
            token.strip(), secret, algorithms=ALGORITHMS, options={"require": ["sub", "role", "exp"]}
        )
    except jwt.ExpiredSignatureError as error:
        raise BadToken("The token has expired.") from error
    except jwt.InvalidTokenError as error:
        raise BadToken("The token is not valid.") from error
    try:
        return Viewer(subject=str(claims["sub"]), role=Role(claims["role"]))
    except ValueError as error:
        raise BadToken("The token's role is not one of ADMIN, STAFF, PORTAL.") from error
