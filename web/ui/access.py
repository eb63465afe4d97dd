"""Page access in one place: :func:`requires_page` checks the permission table of ``fews.access``.

Anonymous visitors are sent to the sign-in page (302); a signed-in role without the permission gets
403. Each decorated view carries ``page_access`` (the permissions it needs) so the route x role test
(``tests/web/test_pages_access.py``) derives its expectations from the same table.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort, current_app
from flask_login import current_user

from fews.access import PERMISSIONS, Principal, allowed

__all__ = ["requires_page", "page_access", "signed_in_principal", "may"]


def requires_page(*permissions: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: sign-in required, and any one of ``permissions`` (fews.access.PERMISSIONS)."""
    for p in permissions:
        if p not in PERMISSIONS:
            raise KeyError(f"unknown permission {p!r}")

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if not any(allowed(current_user.role, p) for p in permissions):
                names = " or ".join(p.replace("_", " ") for p in permissions)
                abort(403, description=f"Your role ({current_user.role.replace('_', ' ')}) may not {names}.")
            return fn(*args, **kwargs)

        wrapper.page_access = tuple(permissions)  # type: ignore[attr-defined]
        return wrapper

    return decorate


def page_access(view: Callable[..., Any]) -> tuple[str, ...] | None:
    """The permissions a view declared with :func:`requires_page` (None when it declared none)."""
    return getattr(view, "page_access", None)


def signed_in_principal() -> Principal:
    """The signed-in user as a :class:`fews.access.Principal` (``via="web"``)."""
    return current_user.principal  # type: ignore[no-any-return]


def may(permission: str) -> bool:
    """Whether the signed-in user's role holds ``permission`` (for showing links and buttons)."""
    return bool(current_user.is_authenticated and allowed(current_user.role, permission))
