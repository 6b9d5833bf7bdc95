-- Per-platform settings of one target (the post type, a YouTube title and thumbnail, a
-- LinkedIn article link), as core's domain/target-settings.ts defines them. `{}` means the
-- platform's defaults, which is what every existing target had.
ALTER TABLE "post_targets" ADD COLUMN "settings" JSONB NOT NULL DEFAULT '{}';
