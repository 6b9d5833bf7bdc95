/** Events per page of the activity feeds. */
export const ACTIVITY_PAGE_SIZE = 25;

/** The page asked for in `?page=`, or 1 when it is missing or nonsense. */
export function pageOf(request: Request): number {
  const page = Number.parseInt(new URL(request.url).searchParams.get('page') ?? '1', 10);
  return Number.isFinite(page) && page >= 1 && page <= 100_000 ? page : 1;
}
