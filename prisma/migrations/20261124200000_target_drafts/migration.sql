-- Issue 6 item 7: a target can be a draft (off the queue, carrying a proposed time) until
-- someone schedules it; unscheduling a post turns its scheduled targets back into drafts.
ALTER TYPE "target_status" ADD VALUE 'draft';
