"""Flask extensions, created unbound and bound in ``create_app``."""

from __future__ import annotations

from flask_login import LoginManager
from flask_wtf import CSRFProtect

__all__ = ["csrf", "login_manager"]

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to continue."
login_manager.session_protection = "strong"
