"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("via", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=80), nullable=False),
        sa.Column("object_type", sa.String(length=60), nullable=False),
        sa.Column("object_id", sa.String(length=200), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_event_seq")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)

    op.create_table(
        "family",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("core_smarts", sa.Text(), nullable=True),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column(
            "basis", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family")),
    )
    op.create_table(
        "intake_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source_name", sa.String(length=500), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("file_format", sa.String(length=10), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=True),
        sa.Column("submitted_by", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("amended", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column(
            "reasons", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("pipeline_version", sa.String(length=80), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_batch")),
    )
    with op.batch_alter_table("intake_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intake_batch_file_sha256"), ["file_sha256"], unique=False)

    op.create_table(
        "job_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=80), nullable=False),
        sa.Column("host", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_run")),
    )
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_run_job"), ["job"], unique=False)

    op.create_table(
        "name_resolution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_norm", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("smiles", sa.Text(), nullable=True),
        sa.Column("label", sa.String(length=300), nullable=True),
        sa.Column("preferred_name", sa.String(length=300), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_name_resolution")),
        sa.UniqueConstraint("name_norm", name=op.f("uq_name_resolution_name_norm")),
    )
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("jurisdiction", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_account_role"), ["role"], unique=False)

    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column(
            "scopes", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_api_token_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "intel_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("record_id", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("header_sha256", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by", sa.String(length=120), nullable=True),
        sa.Column("stream", sa.String(length=30), nullable=False),
        sa.Column("evidence_grade", sa.String(length=40), nullable=True),
        sa.Column("observed_date", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("jurisdiction", sa.String(length=30), nullable=False),
        sa.Column("local_area", sa.String(length=200), nullable=True),
        sa.Column("local_area_code", sa.String(length=20), nullable=True),
        sa.Column("sold_as", sa.String(length=300), nullable=True),
        sa.Column("sold_as_mismatch", sa.Boolean(), nullable=True),
        sa.Column("sold_as_detail", sa.Text(), nullable=True),
        sa.Column("source_evaluation", sa.String(length=2), nullable=True),
        sa.Column("intelligence_assessment", sa.String(length=2), nullable=True),
        sa.Column("handling_code", sa.String(length=2), nullable=True),
        sa.Column("security_marking", sa.String(length=60), nullable=False),
        sa.Column(
            "warnings", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "extra", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["intake_batch.id"], name=op.f("fk_intel_report_batch_id_intake_batch")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_report")),
        sa.UniqueConstraint(
            "provider", "record_id", "version", name=op.f("uq_intel_report_provider_record_id_version")
        ),
    )
    with op.batch_alter_table("intel_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intel_report_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_intel_report_observed_date"), ["observed_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_intel_report_record_id"), ["record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_intel_report_stream"), ["stream"], unique=False)

    op.create_table(
        "legal_status_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("inchikey", sa.String(length=27), nullable=True),
        sa.Column("stereo_specific", sa.Boolean(), nullable=False),
        sa.Column("rule_id", sa.String(length=80), nullable=True),
        sa.Column("drug_class", sa.String(length=10), nullable=True),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("instrument", sa.String(length=300), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.Column("acmd_reference", sa.String(length=300), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user_account.id"], name=op.f("fk_legal_status_event_recorded_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_status_event")),
    )
    with op.batch_alter_table("legal_status_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_status_event_inchikey"), ["inchikey"], unique=False)
        batch_op.create_index(batch_op.f("ix_legal_status_event_rule_id"), ["rule_id"], unique=False)

    op.create_table(
        "quarantine_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("record_key", sa.String(length=300), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column(
            "lines", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "reasons", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("reason_codes", sa.String(length=300), nullable=False),
        sa.Column(
            "payload", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
        ),
        sa.Column("payload_sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=120), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["intake_batch.id"], name=op.f("fk_quarantine_item_batch_id_intake_batch")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantine_item")),
        sa.UniqueConstraint(
            "kind",
            "provider",
            "record_key",
            "payload_sha256",
            name=op.f("uq_quarantine_item_kind_provider_record_key_payload_sha256"),
        ),
    )
    with op.batch_alter_table("quarantine_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarantine_item_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quarantine_item_kind"), ["kind"], unique=False)

    op.create_table(
        "sample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("sample_id", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("header_sha256", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by", sa.String(length=120), nullable=True),
        sa.Column("submitting_agency", sa.String(length=200), nullable=False),
        sa.Column("agency_code", sa.String(length=80), nullable=True),
        sa.Column("seizure_date", sa.Date(), nullable=False),
        sa.Column("received_date", sa.Date(), nullable=True),
        sa.Column("seizure_context", sa.String(length=40), nullable=True),
        sa.Column("seizure_context_raw", sa.String(length=200), nullable=True),
        sa.Column("jurisdiction", sa.String(length=30), nullable=False),
        sa.Column("local_area", sa.String(length=200), nullable=True),
        sa.Column("local_area_code", sa.String(length=20), nullable=True),
        sa.Column("origin_country", sa.String(length=100), nullable=True),
        sa.Column("product_form", sa.String(length=40), nullable=True),
        sa.Column("product_form_raw", sa.String(length=200), nullable=True),
        sa.Column("product_as_sold", sa.String(length=300), nullable=True),
        sa.Column("sold_as_mismatch", sa.Boolean(), nullable=True),
        sa.Column("sold_as_detail", sa.Text(), nullable=True),
        sa.Column("case_reference", sa.String(length=200), nullable=True),
        sa.Column("security_marking", sa.String(length=60), nullable=False),
        sa.Column(
            "warnings", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "extra", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["intake_batch.id"], name=op.f("fk_sample_batch_id_intake_batch")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sample")),
        sa.UniqueConstraint("provider", "sample_id", "version", name=op.f("uq_sample_provider_sample_id_version")),
    )
    with op.batch_alter_table("sample", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sample_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index("ix_sample_current_key", ["sample_id", "is_current"], unique=False)
        batch_op.create_index(batch_op.f("ix_sample_jurisdiction"), ["jurisdiction"], unique=False)
        batch_op.create_index(batch_op.f("ix_sample_seizure_context"), ["seizure_context"], unique=False)
        batch_op.create_index(batch_op.f("ix_sample_seizure_date"), ["seizure_date"], unique=False)

    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "filters", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=500), nullable=True),
        sa.Column("feed_token_hash", sa.String(length=64), nullable=True),
        sa.Column("webhook_secret", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_subscription_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription")),
        sa.UniqueConstraint("feed_token_hash", name=op.f("uq_subscription_feed_token_hash")),
    )
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subscription_user_id"), ["user_id"], unique=False)

    op.create_table(
        "substance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inchikey_nostereo", sa.String(length=27), nullable=False),
        sa.Column("inchikey", sa.String(length=27), nullable=False),
        sa.Column("smiles", sa.Text(), nullable=False),
        sa.Column("formula", sa.String(length=100), nullable=False),
        sa.Column("exact_mass", sa.Float(), nullable=False),
        sa.Column("mol_weight", sa.Float(), nullable=False),
        sa.Column("preferred_name", sa.String(length=300), nullable=True),
        sa.Column("family_id", sa.Integer(), nullable=True),
        sa.Column("first_uk_detection_date", sa.Date(), nullable=True),
        sa.Column("first_uk_detection_sample_id", sa.Integer(), nullable=True),
        sa.Column("first_uk_detection_level", sa.String(length=40), nullable=True),
        sa.Column(
            "international_status",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("standardisation_version", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["family_id"], ["family.id"], name=op.f("fk_substance_family_id_family")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_substance")),
        sa.UniqueConstraint("inchikey_nostereo", name=op.f("uq_substance_inchikey_nostereo")),
    )
    with op.batch_alter_table("substance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_substance_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_substance_inchikey"), ["inchikey"], unique=False)

    op.create_table(
        "component",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_pk", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("row_sha256", sa.String(length=64), nullable=False),
        sa.Column("substance_id", sa.Integer(), nullable=True),
        sa.Column("name_reported", sa.String(length=300), nullable=True),
        sa.Column("smiles_reported", sa.Text(), nullable=True),
        sa.Column("resolution", sa.String(length=20), nullable=False),
        sa.Column("resolution_label", sa.String(length=300), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("role_raw", sa.String(length=100), nullable=True),
        sa.Column("identification_level", sa.String(length=40), nullable=True),
        sa.Column("purity", sa.Float(), nullable=True),
        sa.Column("quantity", sa.String(length=100), nullable=True),
        sa.Column("method", sa.String(length=200), nullable=True),
        sa.Column("spectrum_file", sa.String(length=500), nullable=True),
        sa.Column(
            "extra", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["sample_pk"], ["sample.id"], name=op.f("fk_component_sample_pk_sample"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["substance_id"], ["substance.id"], name=op.f("fk_component_substance_id_substance")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_component")),
    )
    with op.batch_alter_table("component", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_component_sample_pk"), ["sample_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_component_substance_id"), ["substance_id"], unique=False)

    op.create_table(
        "harm_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("report_id", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("header_sha256", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("reporter_user_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by", sa.String(length=120), nullable=True),
        sa.Column("reporter_role", sa.String(length=60), nullable=True),
        sa.Column("care_setting", sa.String(length=40), nullable=True),
        sa.Column("care_setting_raw", sa.String(length=200), nullable=True),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("reported_date", sa.Date(), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("region_code", sa.String(length=20), nullable=True),
        sa.Column("jurisdiction", sa.String(length=30), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=True),
        sa.Column("severity_raw", sa.String(length=100), nullable=True),
        sa.Column(
            "effects", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("vulnerable_group", sa.String(length=60), nullable=True),
        sa.Column("toxicology_status", sa.String(length=20), nullable=True),
        sa.Column("free_text", sa.Text(), nullable=True),
        sa.Column("sample_ref", sa.String(length=200), nullable=True),
        sa.Column("linked_sample_pk", sa.Integer(), nullable=True),
        sa.Column("security_marking", sa.String(length=60), nullable=False),
        sa.Column(
            "warnings", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "extra", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["intake_batch.id"], name=op.f("fk_harm_report_batch_id_intake_batch")),
        sa.ForeignKeyConstraint(
            ["linked_sample_pk"], ["sample.id"], name=op.f("fk_harm_report_linked_sample_pk_sample")
        ),
        sa.ForeignKeyConstraint(
            ["reporter_user_id"], ["user_account.id"], name=op.f("fk_harm_report_reporter_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_harm_report")),
        sa.UniqueConstraint("provider", "report_id", "version", name=op.f("uq_harm_report_provider_report_id_version")),
    )
    with op.batch_alter_table("harm_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_harm_report_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index("ix_harm_report_current_key", ["report_id", "is_current"], unique=False)
        batch_op.create_index(batch_op.f("ix_harm_report_event_date"), ["event_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_harm_report_jurisdiction"), ["jurisdiction"], unique=False)
        batch_op.create_index(batch_op.f("ix_harm_report_reporter_user_id"), ["reporter_user_id"], unique=False)

    op.create_table(
        "intel_finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_pk", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("row_sha256", sa.String(length=64), nullable=False),
        sa.Column("found_name", sa.String(length=300), nullable=True),
        sa.Column("found_smiles", sa.Text(), nullable=True),
        sa.Column("substance_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.String(length=20), nullable=False),
        sa.Column("resolution_label", sa.String(length=300), nullable=True),
        sa.Column(
            "extra", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["report_pk"], ["intel_report.id"], name=op.f("fk_intel_finding_report_pk_intel_report"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["substance_id"], ["substance.id"], name=op.f("fk_intel_finding_substance_id_substance")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_finding")),
    )
    with op.batch_alter_table("intel_finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intel_finding_report_pk"), ["report_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_intel_finding_substance_id"), ["substance_id"], unique=False)

    op.create_table(
        "psychoactivity_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("result_id", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("header_sha256", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by", sa.String(length=120), nullable=True),
        sa.Column("substance_id", sa.Integer(), nullable=True),
        sa.Column("substance_name", sa.String(length=300), nullable=False),
        sa.Column("substance_smiles", sa.Text(), nullable=True),
        sa.Column("resolution", sa.String(length=20), nullable=False),
        sa.Column("sample_ref", sa.String(length=200), nullable=True),
        sa.Column("linked_sample_pk", sa.Integer(), nullable=True),
        sa.Column("assay", sa.String(length=300), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("potency_value", sa.Float(), nullable=True),
        sa.Column("potency_unit", sa.String(length=20), nullable=True),
        sa.Column("efficacy_percent", sa.Float(), nullable=True),
        sa.Column("reference_compound", sa.String(length=200), nullable=True),
        sa.Column("test_date", sa.Date(), nullable=False),
        sa.Column("laboratory", sa.String(length=200), nullable=False),
        sa.Column(
            "warnings", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "extra", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["intake_batch.id"], name=op.f("fk_psychoactivity_result_batch_id_intake_batch")
        ),
        sa.ForeignKeyConstraint(
            ["linked_sample_pk"], ["sample.id"], name=op.f("fk_psychoactivity_result_linked_sample_pk_sample")
        ),
        sa.ForeignKeyConstraint(
            ["substance_id"], ["substance.id"], name=op.f("fk_psychoactivity_result_substance_id_substance")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_psychoactivity_result")),
        sa.UniqueConstraint(
            "provider", "result_id", "version", name=op.f("uq_psychoactivity_result_provider_result_id_version")
        ),
    )
    with op.batch_alter_table("psychoactivity_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_psychoactivity_result_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_psychoactivity_result_result_id"), ["result_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_psychoactivity_result_substance_id"), ["substance_id"], unique=False)

    op.create_table(
        "signal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("subtype", sa.String(length=40), nullable=True),
        sa.Column("family_id", sa.Integer(), nullable=True),
        sa.Column("substance_id", sa.Integer(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("evidence_level", sa.String(length=40), nullable=True),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["family_id"], ["family.id"], name=op.f("fk_signal_family_id_family")),
        sa.ForeignKeyConstraint(["substance_id"], ["substance.id"], name=op.f("fk_signal_substance_id_substance")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal")),
    )
    with op.batch_alter_table("signal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signal_as_of"), ["as_of"], unique=False)
        batch_op.create_index(batch_op.f("ix_signal_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_signal_substance_id"), ["substance_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_signal_type"), ["type"], unique=False)

    op.create_table(
        "substance_name",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("substance_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_norm", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["substance_id"],
            ["substance.id"],
            name=op.f("fk_substance_name_substance_id_substance"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_substance_name")),
        sa.UniqueConstraint("substance_id", "name_norm", name=op.f("uq_substance_name_substance_id_name_norm")),
    )
    with op.batch_alter_table("substance_name", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_substance_name_name_norm"), ["name_norm"], unique=False)
        batch_op.create_index(batch_op.f("ix_substance_name_substance_id"), ["substance_id"], unique=False)

    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("audience", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("signal_id", sa.Integer(), nullable=True),
        sa.Column("family_id", sa.Integer(), nullable=True),
        sa.Column("substance_id", sa.Integer(), nullable=True),
        sa.Column("review_by", sa.Date(), nullable=True),
        sa.Column("security_marking", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["family_id"], ["family.id"], name=op.f("fk_alert_family_id_family")),
        sa.ForeignKeyConstraint(["signal_id"], ["signal.id"], name=op.f("fk_alert_signal_id_signal")),
        sa.ForeignKeyConstraint(["substance_id"], ["substance.id"], name=op.f("fk_alert_substance_id_substance")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_signal_id"), ["signal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_type"), ["type"], unique=False)

    op.create_table(
        "harm_report_substance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_pk", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("row_sha256", sa.String(length=64), nullable=False),
        sa.Column("name_reported", sa.String(length=300), nullable=False),
        sa.Column("substance_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.String(length=20), nullable=False),
        sa.Column("resolution_label", sa.String(length=300), nullable=True),
        sa.Column(
            "extra", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_pk"],
            ["harm_report.id"],
            name=op.f("fk_harm_report_substance_report_pk_harm_report"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["substance_id"], ["substance.id"], name=op.f("fk_harm_report_substance_substance_id_substance")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_harm_report_substance")),
    )
    with op.batch_alter_table("harm_report_substance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_harm_report_substance_report_pk"), ["report_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_harm_report_substance_substance_id"), ["substance_id"], unique=False)

    op.create_table(
        "alert_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alert.id"], name=op.f("fk_alert_event_alert_id_alert"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_event")),
    )
    with op.batch_alter_table("alert_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_event_alert_id"), ["alert_id"], unique=False)

    op.create_table(
        "alert_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alert.id"], name=op.f("fk_alert_evidence_alert_id_alert"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_evidence")),
    )
    with op.batch_alter_table("alert_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_evidence_alert_id"), ["alert_id"], unique=False)

    op.create_table(
        "alert_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("legal_status", sa.String(length=200), nullable=True),
        sa.Column(
            "geography", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("severity", sa.String(length=20), nullable=True),
        sa.Column("recommended_actions", sa.Text(), nullable=True),
        sa.Column("clinical_response", sa.Text(), nullable=True),
        sa.Column(
            "body", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alert.id"], name=op.f("fk_alert_version_alert_id_alert"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_version")),
        sa.UniqueConstraint("alert_id", "version", name=op.f("uq_alert_version_alert_id_version")),
    )
    with op.batch_alter_table("alert_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_version_alert_id"), ["alert_id"], unique=False)

    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("alert_version", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("payload_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"], name=op.f("fk_delivery_alert_id_alert")),
        sa.ForeignKeyConstraint(
            ["subscription_id"], ["subscription.id"], name=op.f("fk_delivery_subscription_id_subscription")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_delivery_idempotency_key")),
    )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_alert_id"), ["alert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delivery_subscription_id"), ["subscription_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_subscription_id"))
        batch_op.drop_index(batch_op.f("ix_delivery_alert_id"))

    op.drop_table("delivery")
    with op.batch_alter_table("alert_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_version_alert_id"))

    op.drop_table("alert_version")
    with op.batch_alter_table("alert_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_evidence_alert_id"))

    op.drop_table("alert_evidence")
    with op.batch_alter_table("alert_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_event_alert_id"))

    op.drop_table("alert_event")
    with op.batch_alter_table("harm_report_substance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_harm_report_substance_substance_id"))
        batch_op.drop_index(batch_op.f("ix_harm_report_substance_report_pk"))

    op.drop_table("harm_report_substance")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_type"))
        batch_op.drop_index(batch_op.f("ix_alert_signal_id"))

    op.drop_table("alert")
    with op.batch_alter_table("substance_name", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_substance_name_substance_id"))
        batch_op.drop_index(batch_op.f("ix_substance_name_name_norm"))

    op.drop_table("substance_name")
    with op.batch_alter_table("signal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signal_type"))
        batch_op.drop_index(batch_op.f("ix_signal_substance_id"))
        batch_op.drop_index(batch_op.f("ix_signal_family_id"))
        batch_op.drop_index(batch_op.f("ix_signal_as_of"))

    op.drop_table("signal")
    with op.batch_alter_table("psychoactivity_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_psychoactivity_result_substance_id"))
        batch_op.drop_index(batch_op.f("ix_psychoactivity_result_result_id"))
        batch_op.drop_index(batch_op.f("ix_psychoactivity_result_batch_id"))

    op.drop_table("psychoactivity_result")
    with op.batch_alter_table("intel_finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intel_finding_substance_id"))
        batch_op.drop_index(batch_op.f("ix_intel_finding_report_pk"))

    op.drop_table("intel_finding")
    with op.batch_alter_table("harm_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_harm_report_reporter_user_id"))
        batch_op.drop_index(batch_op.f("ix_harm_report_jurisdiction"))
        batch_op.drop_index(batch_op.f("ix_harm_report_event_date"))
        batch_op.drop_index("ix_harm_report_current_key")
        batch_op.drop_index(batch_op.f("ix_harm_report_batch_id"))

    op.drop_table("harm_report")
    with op.batch_alter_table("component", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_component_substance_id"))
        batch_op.drop_index(batch_op.f("ix_component_sample_pk"))

    op.drop_table("component")
    with op.batch_alter_table("substance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_substance_inchikey"))
        batch_op.drop_index(batch_op.f("ix_substance_family_id"))

    op.drop_table("substance")
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscription_user_id"))

    op.drop_table("subscription")
    with op.batch_alter_table("sample", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sample_seizure_date"))
        batch_op.drop_index(batch_op.f("ix_sample_seizure_context"))
        batch_op.drop_index(batch_op.f("ix_sample_jurisdiction"))
        batch_op.drop_index("ix_sample_current_key")
        batch_op.drop_index(batch_op.f("ix_sample_batch_id"))

    op.drop_table("sample")
    with op.batch_alter_table("quarantine_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarantine_item_kind"))
        batch_op.drop_index(batch_op.f("ix_quarantine_item_batch_id"))

    op.drop_table("quarantine_item")
    with op.batch_alter_table("legal_status_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_status_event_rule_id"))
        batch_op.drop_index(batch_op.f("ix_legal_status_event_inchikey"))

    op.drop_table("legal_status_event")
    with op.batch_alter_table("intel_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intel_report_stream"))
        batch_op.drop_index(batch_op.f("ix_intel_report_record_id"))
        batch_op.drop_index(batch_op.f("ix_intel_report_observed_date"))
        batch_op.drop_index(batch_op.f("ix_intel_report_batch_id"))

    op.drop_table("intel_report")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))

    op.drop_table("api_token")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_role"))

    op.drop_table("user_account")
    op.drop_table("name_resolution")
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_run_job"))

    op.drop_table("job_run")
    with op.batch_alter_table("intake_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_batch_file_sha256"))

    op.drop_table("intake_batch")
    op.drop_table("family")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
