/** A caption on one line, shortened to `length` characters for a calendar event or a table cell. */
export function captionExcerpt(caption: string, length = 120): string {
  const flat = caption.replace(/\s+/g, ' ').trim();
  return flat.length <= length ? flat : `${flat.slice(0, length - 1).trimEnd()}…`;
}
