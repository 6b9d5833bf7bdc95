// LinkedIn's "little text" format for a post's `commentary` (Microsoft Learn, "Little Text
// Format"): the characters `| { } @ [ ] ( ) < > # \ * _ ~` are reserved for mentions, hashtags
// and templates, and must be escaped with a backslash to show as themselves. Unescaped, LinkedIn
// may cut the post short at the first one without an error. Herald generates no mentions or
// hashtag elements: a caption's `#tag` is sent escaped and shows as plain text.

const RESERVED = /[|{}@[\]()<>#\\*_~]/g;

/** `text` as little text that shows exactly `text`. */
export function escapeLittleText(text: string): string {
  return text.replace(RESERVED, (char) => `\\${char}`);
}

/**
 * The plain text of a commentary LinkedIn hands back (escapes removed), to compare it with a
 * caption. Mentions and hashtags stay as written.
 */
export function unescapeLittleText(commentary: string): string {
  return commentary.replace(/\\([|{}@[\]()<>#\\*_~])/g, '$1');
}
