// /media/*: the local store's signed URLs (docs/decisions/0024). GET and HEAD serve a file (with
// Range) to a browser or a platform that fetches it; PUT receives a browser's upload. The
// signature in the query string is the only authority: no session is needed, so platforms can
// fetch. With S3 configured, URLs point at the bucket and this answers 404.
import { handleLocalMediaRequest } from '@herald/core/storage';
import { getStorage } from '../lib/storage.server.ts';
import type { Route } from './+types/media.$';

function serve(request: Request) {
  const storage = getStorage();
  if (storage?.kind !== 'local') return new Response('Not found.', { status: 404 });
  return handleLocalMediaRequest(request, storage);
}

export const loader = ({ request }: Route.LoaderArgs) => serve(request);
export const action = ({ request }: Route.ActionArgs) => serve(request);
