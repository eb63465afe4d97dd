"""detection: fingerprints, weeks, baseline fits, signal keys

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "baseline_fit",
        sa.Column("series_key", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("fitted_as_of", sa.Date(), nullable=False),
        sa.Column(
            "params", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.PrimaryKeyConstraint("series_key", name=op.f("pk_baseline_fit")),
    )
    op.create_table(
        "detection_week",
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("raised", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.PrimaryKeyConstraint("as_of", name=op.f("pk_detection_week")),
    )
    op.create_table(
        "substance_fingerprint",
        sa.Column("substance_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("bits", sa.LargeBinary(), nullable=False),
        sa.Column("scaffold", sa.Text(), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["substance_id"],
            ["substance.id"],
            name=op.f("fk_substance_fingerprint_substance_id_substance"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("substance_id", name=op.f("pk_substance_fingerprint")),
    )
    with op.batch_alter_table("family", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column("first_seen", sa.Date(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_family_key"), ["key"])

    with op.batch_alter_table("signal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("first_as_of", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("window_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("window_end", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("escalations", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_index("ix_signal_key_status", ["key", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("signal", schema=None) as batch_op:
        batch_op.drop_index("ix_signal_key_status")
        batch_op.drop_column("escalations")
        batch_op.drop_column("window_end")
        batch_op.drop_column("window_start")
        batch_op.drop_column("first_as_of")
        batch_op.drop_column("key")

    with op.batch_alter_table("family", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_family_key"), type_="unique")
        batch_op.drop_column("first_seen")
        batch_op.drop_column("key")

    op.drop_table("substance_fingerprint")
    op.drop_table("detection_week")
    op.drop_table("baseline_fit")
