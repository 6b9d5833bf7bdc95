-- Issue 6: ambiguous attempts are reconciled before anything else, targets of an account that
-- needs a person wait for it, and adapters' progress is kept between attempts.
ALTER TYPE "target_status" ADD VALUE 'reconciling';
ALTER TYPE "target_status" ADD VALUE 'waiting_for_account';

ALTER TABLE "post_targets" ADD COLUMN "provider_state" JSONB;
