"""indexes for the substance page, detection, readiness and metrics queries

Composite indexes replace single-column ones they extend (component and harm-report substance
look-ups become index-only; the newest run of a job is one index probe).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("component", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_component_substance_id"))
        batch_op.create_index("ix_component_substance_sample", ["substance_id", "sample_pk"], unique=False)
    with op.batch_alter_table("harm_report_substance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_harm_report_substance_substance_id"))
        batch_op.create_index("ix_harm_report_substance_substance_report", ["substance_id", "report_pk"], unique=False)
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_run_job"))
        batch_op.create_index("ix_job_run_job_status_id", ["job", "status", "id"], unique=False)
    with op.batch_alter_table("intake_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intake_batch_completed_at"), ["completed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("intake_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_batch_completed_at"))
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.drop_index("ix_job_run_job_status_id")
        batch_op.create_index(batch_op.f("ix_job_run_job"), ["job"], unique=False)
    with op.batch_alter_table("harm_report_substance", schema=None) as batch_op:
        batch_op.drop_index("ix_harm_report_substance_substance_report")
        batch_op.create_index(batch_op.f("ix_harm_report_substance_substance_id"), ["substance_id"], unique=False)
    with op.batch_alter_table("component", schema=None) as batch_op:
        batch_op.drop_index("ix_component_substance_sample")
        batch_op.create_index(batch_op.f("ix_component_substance_id"), ["substance_id"], unique=False)
