-- A client's brand profile (voice and tone, banned topics, required call to action, default
-- hashtags), as core's domain/brand-rules.ts reads it. `{}` is the empty profile, which asks
-- nothing of a caption: what every existing client had.
ALTER TABLE "clients" ADD COLUMN "brand_profile" JSONB NOT NULL DEFAULT '{}';
