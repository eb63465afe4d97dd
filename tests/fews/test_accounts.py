from __future__ import annotations

import pytest

from fews.accounts import AccountError, check_password, create_token, create_user, find_token, revoke_token
from fews.db import session_scope
from fews.models import ApiToken


def test_user_password_and_token_lifecycle(runtime):
    with session_scope(runtime.factory) as s:
        user = create_user(s, "chem1", role="forensic_chemist", password="correct horse battery", organisation="lab")
        assert user.password_hash.startswith("$argon2")
        assert check_password(user, "correct horse battery") and not check_password(user, "wrong password!!")
        token = create_token(s, user, scopes=["read", "submit"])
    with session_scope(runtime.factory) as s:
        row = find_token(s, token)
        assert row is not None and row.user.username == "chem1" and row.scopes == ["read", "submit"]
        assert s.query(ApiToken).filter(ApiToken.token_hash == token).count() == 0  # only the hash is stored
        revoke_token(s, row, actor="admin")
    with session_scope(runtime.factory) as s:
        assert find_token(s, token) is None


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("x", "wizard", "long enough password", "unknown role"),
        ("x", "admin", "short", "at least"),
        ("bad name", "admin", "long enough password", "without spaces"),
    ],
    ids=["role", "weak", "name"],
)
def test_bad_accounts_rejected(runtime, name, role, password, message):
    with session_scope(runtime.factory) as s, pytest.raises(AccountError, match=message):
        create_user(s, name, role=role, password=password)
