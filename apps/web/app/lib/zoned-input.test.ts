import { describe, expect, it } from 'vitest';
import { readZonedInput, zonedInputValues } from './zoned-input.ts';

describe('readZonedInput', () => {
  it("reads the inputs as wall-clock time in the client's timezone", () => {
    const result = readZonedInput('2026-07-01', '09:30:15', 'America/New_York');
    expect(result).toEqual({ kind: 'ok', instant: new Date('2026-07-01T13:30:15Z') });
    expect(readZonedInput('2026-01-15', '09:30', 'Europe/Oslo')).toEqual({
      kind: 'ok',
      instant: new Date('2026-01-15T08:30:00Z'),
    });
  });

  it('explains a time the clocks skip instead of guessing', () => {
    const result = readZonedInput('2026-03-08', '02:30', 'America/New_York');
    expect(result.kind).toBe('invalid');
    expect(result.kind === 'invalid' && result.message).toMatch(
      /does not exist in America\/New_York/,
    );
  });

  it('waits until both inputs have a value', () => {
    expect(readZonedInput('', '09:00', 'Europe/Oslo')).toEqual({ kind: 'empty' });
    expect(readZonedInput('2026-07-01', '', 'Europe/Oslo')).toEqual({ kind: 'empty' });
  });

  it('round-trips with zonedInputValues', () => {
    const instant = new Date('2026-10-25T00:59:59Z');
    const { date, time } = zonedInputValues(instant, 'Europe/Oslo');
    expect({ date, time }).toEqual({ date: '2026-10-25', time: '02:59:59' });
    expect(readZonedInput(date, time, 'Europe/Oslo')).toEqual({ kind: 'ok', instant });
  });
});
