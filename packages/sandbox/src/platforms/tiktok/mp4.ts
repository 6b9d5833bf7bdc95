// The duration of an MP4/QuickTime file from its movie header (`moov` → `mvhd`, ISO/IEC 14496-12
// §8.2.2), so the sandbox can refuse a video longer than the creator may post, as TikTok does.

/** Seconds, or null when the file has no readable movie header (WebM, a truncated file). */
export function mp4DurationSeconds(file: Buffer): number | null {
  const moov = findBox(file, 0, file.length, 'moov');
  if (!moov) return null;
  const mvhd = findBox(file, moov.start, moov.end, 'mvhd');
  if (!mvhd) return null;
  const at = mvhd.start;
  const version = file[at];
  if (version === 0 && mvhd.end - at >= 20) {
    const timescale = file.readUInt32BE(at + 12);
    const duration = file.readUInt32BE(at + 16);
    return timescale > 0 ? duration / timescale : null;
  }
  if (version === 1 && mvhd.end - at >= 32) {
    const timescale = file.readUInt32BE(at + 20);
    const duration = Number(file.readBigUInt64BE(at + 24));
    return timescale > 0 ? duration / timescale : null;
  }
  return null;
}

/** The payload range of the first box of `type` between `from` and `to` (not descending). */
function findBox(
  file: Buffer,
  from: number,
  to: number,
  type: string,
): { start: number; end: number } | null {
  let at = from;
  while (at + 8 <= to) {
    let size = file.readUInt32BE(at);
    const name = file.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) return null;
      size = Number(file.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < header || at + size > to) return null;
    if (name === type) return { start: at + header, end: at + size };
    at += size;
  }
  return null;
}
