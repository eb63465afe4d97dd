"""Alerts and dissemination: signal -> draft alert -> review -> audience products -> feeds, e-mail, webhooks.

The alert, subscription and delivery tables live in ``fews.models.alerts``; the workflow is built
in issue #7.
"""

__all__: list[str] = []
