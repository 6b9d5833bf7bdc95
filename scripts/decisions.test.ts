// Every decision record carries a date and a status and is listed in the index, so the
// next reader can tell what holds today without reading them all.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../docs/decisions/', import.meta.url));
const records = readdirSync(dir).filter((name) => /^\d{4}-.+\.md$/.test(name));
const index = readFileSync(`${dir}README.md`, 'utf8');

describe('docs/decisions', () => {
  it('has records', () => {
    expect(records.length).toBeGreaterThan(0);
  });

  it.each(records)('%s has a title, a date and a status, and is in the index', (name) => {
    const text = readFileSync(`${dir}${name}`, 'utf8');
    expect(text).toMatch(new RegExp(`^# ${name.slice(0, 4)} — \\S`));
    expect(text).toMatch(/^Date: \d{4}-\d\d-\d\d\s*$/m);
    expect(text).toMatch(/^Status: (proposed|accepted|superseded by \d{4}|amended by [\d, ]+)/m);
    expect(index).toContain(`](${name})`);
  });
});
