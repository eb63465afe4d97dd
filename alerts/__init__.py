"""Alerts and dissemination: signal -> draft alert -> review -> audience products -> feeds, e-mail, webhooks.

Modules (tables in ``fews.models.alerts``; rules as data in ``alerts/data``):

- ``workflow``: ``draft_from_signal``, update (versions), agree, issue, withdraw; events and audit;
- ``document``: what an alert says, composed from a signal as aggregates only;
- ``tables``: the audience and product tables (``data/audiences.yaml``, ``data/products.yaml``);
- ``products``: one audience product per audience, forbidden keys refused;
- ``suppression``: "<5" small-number and complementary suppression;
- ``subscriptions``: filters, feed tokens; ``feeds``: Atom, JSON Feed 1.1, CAP feed; ``cap``: CAP 1.2;
- ``outbox``: the transactional outbox and its deliver loop; ``email``, ``webhooks``: the channels;
- ``exports``: international report, prison test panel, issued alerts (CSV-safe); ``metrics``: lead times;
- ``settings``: delivery settings; ``cli``: the ``fews`` commands of this package.
"""

__all__ = [
    "cap",
    "cli",
    "document",
    "email",
    "exports",
    "feeds",
    "metrics",
    "outbox",
    "products",
    "settings",
    "subscriptions",
    "suppression",
    "tables",
    "webhooks",
    "workflow",
]
