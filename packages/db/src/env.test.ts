import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { envFlag, EnvError, parseEnv } from './env.ts';

describe('parseEnv', () => {
  const Schema = z.object({
    DATABASE_URL: z.string({ error: 'DATABASE_URL is required' }),
    PORT: z.coerce.number('PORT must be a number').default(3000),
    DEBUG: envFlag('DEBUG'),
  });

  it('returns the parsed values, with defaults and flags', () => {
    expect(
      parseEnv(Schema, { DATABASE_URL: 'postgresql://x', DEBUG: '1' }, 'the test app'),
    ).toEqual({ DATABASE_URL: 'postgresql://x', PORT: 3000, DEBUG: true });
    expect(parseEnv(Schema, { DATABASE_URL: 'x', DEBUG: 'false' }, 'the test app').DEBUG).toBe(
      false,
    );
  });

  it('names the app and every bad variable', () => {
    const parse = () => parseEnv(Schema, { PORT: 'many', DEBUG: 'yes' }, 'the test app');
    expect(parse).toThrow(EnvError);
    expect(parse).toThrow(
      [
        'Invalid environment for the test app:',
        '  DATABASE_URL: DATABASE_URL is required',
        '  PORT: PORT must be a number',
        '  DEBUG: DEBUG must be true or false',
      ].join('\n'),
    );
  });
});
