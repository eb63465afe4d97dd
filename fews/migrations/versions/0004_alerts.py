"""alerts: audiences, clinical agreement and issued versions; outbox event and payload; subscription audience

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "audiences",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                server_default="[]",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("agreed_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("issued_version", sa.Integer(), nullable=True))

    with op.batch_alter_table("alert_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=True))

    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event", sa.String(length=20), server_default="issued", nullable=False))
        batch_op.add_column(
            sa.Column(
                "payload", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
            )
        )
        batch_op.create_index(batch_op.f("ix_delivery_status"), ["status"], unique=False)

    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audience", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("token_prefix", sa.String(length=12), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.drop_column("token_prefix")
        batch_op.drop_column("audience")

    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_status"))
        batch_op.drop_column("payload")
        batch_op.drop_column("event")

    with op.batch_alter_table("alert_event", schema=None) as batch_op:
        batch_op.drop_column("version")

    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_column("issued_version")
        batch_op.drop_column("agreed_at")
        batch_op.drop_column("agreed_version")
        batch_op.drop_column("audiences")
