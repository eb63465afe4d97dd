"""substance legal status and changes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "legal_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("substance_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("from_rule", sa.String(length=80), nullable=True),
        sa.Column("to_rule", sa.String(length=80), nullable=True),
        sa.Column("rule_set_version", sa.String(length=40), nullable=False),
        sa.Column(
            "event_ids", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["substance_id"],
            ["substance.id"],
            name=op.f("fk_legal_status_change_substance_id_substance"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_status_change")),
    )
    with op.batch_alter_table("legal_status_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_status_change_substance_id"), ["substance_id"], unique=False)

    op.create_table(
        "substance_legal_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("substance_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("rule_id", sa.String(length=80), nullable=True),
        sa.Column("instrument", sa.String(length=300), nullable=True),
        sa.Column("rule_set_version", sa.String(length=40), nullable=False),
        sa.Column(
            "event_ids", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["substance_id"],
            ["substance.id"],
            name=op.f("fk_substance_legal_status_substance_id_substance"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_substance_legal_status")),
        sa.UniqueConstraint("substance_id", name=op.f("uq_substance_legal_status_substance_id")),
    )
    with op.batch_alter_table("substance_legal_status", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_substance_legal_status_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("substance_legal_status", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_substance_legal_status_status"))

    op.drop_table("substance_legal_status")
    with op.batch_alter_table("legal_status_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_status_change_substance_id"))

    op.drop_table("legal_status_change")
