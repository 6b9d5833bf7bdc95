-- Issue 8 item 6: engagement snapshots of published targets at fixed ages (1 h, 24 h, 7 d after
-- publishing), one per target and age, taken by the fetch_metrics task (docs/decisions/0034).
CREATE TABLE "metric_snapshots" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "target_id" UUID NOT NULL,
    "bucket" TEXT NOT NULL,
    "taken_at" TIMESTAMPTZ(3) NOT NULL,
    "likes" INTEGER,
    "comments" INTEGER,
    "shares" INTEGER,
    "impressions" INTEGER,
    "views" INTEGER,
    "error" TEXT,

    CONSTRAINT "metric_snapshots_pkey" PRIMARY KEY ("id"),
    -- The ages of core/domain/metric-buckets.ts (a test proves the two lists agree).
    CONSTRAINT "metric_snapshots_bucket_check" CHECK ("bucket" IN ('1h', '24h', '7d'))
);
CREATE UNIQUE INDEX "metric_snapshots_target_id_bucket_key" ON "metric_snapshots"("target_id", "bucket");
CREATE INDEX "metric_snapshots_organization_id_taken_at_idx" ON "metric_snapshots"("organization_id", "taken_at");
ALTER TABLE "metric_snapshots" ADD CONSTRAINT "metric_snapshots_organization_id_fkey"
    FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "metric_snapshots" ADD CONSTRAINT "metric_snapshots_target_id_fkey"
    FOREIGN KEY ("target_id") REFERENCES "post_targets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The schedule_metrics sweep finds published targets by when they were published.
CREATE INDEX "post_targets_status_published_at_idx" ON "post_targets"("status", "published_at");
