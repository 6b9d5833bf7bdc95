-- Issue 9 item 6: approvals. A post's review status (who approved it and when), a client's
-- "requires approval" setting, comments on a post, and signed links that let a client review
-- one post without an account (only the token's SHA-256 is stored).
CREATE TYPE "review_status" AS ENUM ('none', 'in_review', 'changes_requested', 'approved');

ALTER TABLE "clients" ADD COLUMN "requires_approval" BOOLEAN NOT NULL DEFAULT false;

ALTER TABLE "posts" ADD COLUMN "review_status" "review_status" NOT NULL DEFAULT 'none';
ALTER TABLE "posts" ADD COLUMN "approved_by_id" UUID;
ALTER TABLE "posts" ADD COLUMN "approved_by_name" TEXT;
ALTER TABLE "posts" ADD COLUMN "approved_at" TIMESTAMPTZ(3);
ALTER TABLE "posts" ADD COLUMN "submitted_at" TIMESTAMPTZ(3);
CREATE INDEX "posts_organization_id_review_status_submitted_at_idx" ON "posts"("organization_id", "review_status", "submitted_at");
ALTER TABLE "posts" ADD CONSTRAINT "posts_approved_by_id_fkey"
    FOREIGN KEY ("approved_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "post_comments" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "post_id" UUID NOT NULL,
    "author_user_id" UUID,
    "author_name" TEXT,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "post_comments_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "post_comments_organization_id_post_id_created_at_idx" ON "post_comments"("organization_id", "post_id", "created_at");
ALTER TABLE "post_comments" ADD CONSTRAINT "post_comments_organization_id_fkey"
    FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "post_comments" ADD CONSTRAINT "post_comments_post_id_fkey"
    FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "post_comments" ADD CONSTRAINT "post_comments_author_user_id_fkey"
    FOREIGN KEY ("author_user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "post_review_links" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "post_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_by_id" UUID,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "post_review_links_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "post_review_links_token_hash_key" ON "post_review_links"("token_hash");
CREATE INDEX "post_review_links_organization_id_post_id_idx" ON "post_review_links"("organization_id", "post_id");
ALTER TABLE "post_review_links" ADD CONSTRAINT "post_review_links_organization_id_fkey"
    FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "post_review_links" ADD CONSTRAINT "post_review_links_post_id_fkey"
    FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "post_review_links" ADD CONSTRAINT "post_review_links_created_by_id_fkey"
    FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
