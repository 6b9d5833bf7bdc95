-- How late each attempt started after its target was due (issue 6: lateness for every attempt).
ALTER TABLE "publish_attempts" ADD COLUMN "lateness_ms" INTEGER;
