// The link a person pastes when they found a post on the platform. The API refuses the same
// (posts.resolveTarget's zod input); checking here says so before anything is sent.
const NEED_LINK = 'Give the link to the post on the platform, starting with https://.';

/** Why `value` is not a link to a post, as a sentence; null when it is one. */
export function postLinkProblem(value: string): string | null {
  const text = value.trim();
  if (text === '') return NEED_LINK;
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? null : NEED_LINK;
  } catch {
    return NEED_LINK;
  }
}
