"""spectrum identifications

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "spectrum_identification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.Column("sample_pk", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("query", sa.String(length=300), nullable=True),
        sa.Column("precursor_mz", sa.Float(), nullable=True),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column(
            "hits", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "peaks", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("library_version", sa.String(length=64), nullable=True),
        sa.Column("identified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["component.id"],
            name=op.f("fk_spectrum_identification_component_id_component"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sample_pk"], ["sample.id"], name=op.f("fk_spectrum_identification_sample_pk_sample"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spectrum_identification")),
    )
    with op.batch_alter_table("spectrum_identification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_spectrum_identification_component_id"), ["component_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_spectrum_identification_sample_pk"), ["sample_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_spectrum_identification_verdict"), ["verdict"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("spectrum_identification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spectrum_identification_verdict"))
        batch_op.drop_index(batch_op.f("ix_spectrum_identification_sample_pk"))
        batch_op.drop_index(batch_op.f("ix_spectrum_identification_component_id"))

    op.drop_table("spectrum_identification")
