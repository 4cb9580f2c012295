"""API keys: created (the secret is shown once), listed, revoked, and checked.

Only a key's SHA-256 is stored: keys are 256-bit random tokens, so a fast hash is
enough (there is no password to guess); ``prefix`` lets a person tell keys apart.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db.lookup import MAX_ID
from app.db.models import ApiKey
from app.db.types import utcnow
from app.domain.errors import InvalidInput, NotFound
from app.domain.vocabulary import Role

KEY_PREFIX = "pvk_"
SHOWN_CHARS = 12  # of the secret, kept as the key's recognisable prefix
_RANK = {Role.READER: 1, Role.EDITOR: 2, Role.ADMIN: 3}
_TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is a hint, not an audit log


def allows(role: Role, needed: Role) -> bool:
    """Whether a key of ``role`` may do what needs ``needed`` (admin > editor > reader)."""
    return _RANK[role] >= _RANK[needed]


def key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(session: Session, name: str, role: Role) -> tuple[ApiKey, str]:
    """A new key and its secret (the only time the secret is known)."""
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(name=name, role=role, prefix=secret[:SHOWN_CHARS], key_hash=key_hash(secret))
    session.add(row)
    session.flush()
    return row, secret


def list_keys(session: Session, *, include_revoked: bool = False) -> list[ApiKey]:
    stmt = sa.select(ApiKey).order_by(ApiKey.id)
    if not include_revoked:
        stmt = stmt.where(ApiKey.revoked_at.is_(None))
    return list(session.scalars(stmt))


def find_key(session: Session, ref: int | str) -> ApiKey:
    """A key by id or by its prefix."""
    if isinstance(ref, int) or (ref.isascii() and ref.isdigit()):
        number = int(ref)
        row = session.get(ApiKey, number) if 0 < number <= MAX_ID else None
    else:
        row = session.scalars(sa.select(ApiKey).where(ApiKey.prefix == ref)).first()
    if row is None:
        raise NotFound(f"no API key {ref!r}", field="key")
    return row


def revoke_key(session: Session, ref: int | str) -> ApiKey:
    row = find_key(session, ref)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
    return row


def authenticate(session: Session, secret: str) -> ApiKey | None:
    """The live key whose secret this is, or None."""
    if not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    stmt = sa.select(ApiKey).where(ApiKey.key_hash == key_hash(secret), ApiKey.revoked_at.is_(None))
    row = session.scalars(stmt).first()
    if row is not None:
        now = utcnow()
        if row.last_used_at is None or now - row.last_used_at > _TOUCH_EVERY:
            row.last_used_at = now
    return row


def active_admins(session: Session) -> int:
    stmt = sa.select(sa.func.count()).where(ApiKey.role == Role.ADMIN, ApiKey.revoked_at.is_(None))
    return int(session.scalar(stmt.select_from(ApiKey)) or 0)


def check_name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= 200:
        raise InvalidInput("a key needs a name of 1 to 200 characters", field="name")
    return name
