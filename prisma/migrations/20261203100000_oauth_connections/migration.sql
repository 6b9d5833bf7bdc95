-- Issue 8: connecting accounts through each platform's OAuth flow. One row per person leaving
-- for a platform's consent page; the callback finds it by `state` and keeps what was granted
-- (encrypted) until they pick which identities become accounts.
CREATE TABLE "oauth_connections" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "client_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "platform" "platform" NOT NULL,
    "state" TEXT NOT NULL,
    "code_verifier" TEXT NOT NULL,
    "identities_encrypted" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "oauth_connections_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "oauth_connections_state_key" ON "oauth_connections"("state");
CREATE INDEX "oauth_connections_organization_id_client_id_idx" ON "oauth_connections"("organization_id", "client_id");
CREATE INDEX "oauth_connections_expires_at_idx" ON "oauth_connections"("expires_at");
ALTER TABLE "oauth_connections" ADD CONSTRAINT "oauth_connections_organization_id_fkey"
    FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "oauth_connections" ADD CONSTRAINT "oauth_connections_client_id_fkey"
    FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "oauth_connections" ADD CONSTRAINT "oauth_connections_user_id_fkey"
    FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
