-- Issue 7: media. A client's library of uploaded assets, their renditions, the ordered media of
-- a post (and of a per-platform variant that has its own), and the fallback package of a
-- target that failed for good.
CREATE TYPE "media_kind" AS ENUM ('image', 'video');
CREATE TYPE "media_status" AS ENUM ('processing', 'ready', 'rejected');

CREATE TABLE "media_assets" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "client_id" UUID NOT NULL,
    "uploaded_by_id" UUID,
    "name" TEXT NOT NULL,
    "kind" "media_kind" NOT NULL,
    "declared_type" TEXT NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "original_key" TEXT NOT NULL,
    "status" "media_status" NOT NULL DEFAULT 'processing',
    "rejection_reason" TEXT,
    "width" INTEGER,
    "height" INTEGER,
    "duration_ms" INTEGER,
    "probe" JSONB,
    "processed_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "media_assets_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "media_assets_original_key_key" ON "media_assets"("original_key");
CREATE INDEX "media_assets_organization_id_client_id_created_at_idx" ON "media_assets"("organization_id", "client_id", "created_at");
ALTER TABLE "media_assets" ADD CONSTRAINT "media_assets_organization_id_fkey"
    FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "media_assets" ADD CONSTRAINT "media_assets_client_id_fkey"
    FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "media_assets" ADD CONSTRAINT "media_assets_uploaded_by_id_fkey"
    FOREIGN KEY ("uploaded_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "media_renditions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "asset_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "size_bytes" INTEGER NOT NULL,

    CONSTRAINT "media_renditions_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "media_renditions_key_key" ON "media_renditions"("key");
CREATE UNIQUE INDEX "media_renditions_asset_id_name_key" ON "media_renditions"("asset_id", "name");
CREATE INDEX "media_renditions_organization_id_idx" ON "media_renditions"("organization_id");
ALTER TABLE "media_renditions" ADD CONSTRAINT "media_renditions_organization_id_fkey"
    FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "media_renditions" ADD CONSTRAINT "media_renditions_asset_id_fkey"
    FOREIGN KEY ("asset_id") REFERENCES "media_assets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "post_media" (
    "organization_id" UUID NOT NULL,
    "post_id" UUID NOT NULL,
    "asset_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "post_media_pkey" PRIMARY KEY ("post_id", "position")
);
CREATE UNIQUE INDEX "post_media_post_id_asset_id_key" ON "post_media"("post_id", "asset_id");
CREATE INDEX "post_media_asset_id_idx" ON "post_media"("asset_id");
ALTER TABLE "post_media" ADD CONSTRAINT "post_media_organization_id_fkey"
    FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "post_media" ADD CONSTRAINT "post_media_post_id_fkey"
    FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "post_media" ADD CONSTRAINT "post_media_asset_id_fkey"
    FOREIGN KEY ("asset_id") REFERENCES "media_assets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "target_media" (
    "organization_id" UUID NOT NULL,
    "target_id" UUID NOT NULL,
    "asset_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "target_media_pkey" PRIMARY KEY ("target_id", "position")
);
CREATE UNIQUE INDEX "target_media_target_id_asset_id_key" ON "target_media"("target_id", "asset_id");
CREATE INDEX "target_media_asset_id_idx" ON "target_media"("asset_id");
ALTER TABLE "target_media" ADD CONSTRAINT "target_media_organization_id_fkey"
    FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "target_media" ADD CONSTRAINT "target_media_target_id_fkey"
    FOREIGN KEY ("target_id") REFERENCES "post_targets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "target_media" ADD CONSTRAINT "target_media_asset_id_fkey"
    FOREIGN KEY ("asset_id") REFERENCES "media_assets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "post_targets" ADD COLUMN "own_media" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "post_targets" ADD COLUMN "fallback_package_key" TEXT;
