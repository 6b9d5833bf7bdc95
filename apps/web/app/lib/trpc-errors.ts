import type { AppRouter } from '@herald/api';
import type { TRPCClientErrorLike } from '@trpc/client';

export interface ErrorSummary {
  /** One sentence for the whole form. */
  message: string;
  /** Messages per input field, from the API's zod validation. */
  fieldErrors: Record<string, string[]>;
}

/** What a person should read about a failed tRPC call. */
export function summarizeError(error: TRPCClientErrorLike<AppRouter>): ErrorSummary {
  const fieldErrors = readFieldErrors(error.data?.fieldErrors);
  // A zod failure's message is its issue list as JSON; the field messages say it better.
  const message =
    Object.keys(fieldErrors).length > 0 ? 'Please fix the highlighted fields.' : error.message;
  return { message, fieldErrors };
}

// The API flattens a ZodError of unknown shape, so its type says little; check what came.
function readFieldErrors(value: unknown): Record<string, string[]> {
  if (!value || typeof value !== 'object') return {};
  const result: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(value)) {
    if (!Array.isArray(messages)) continue;
    const strings = messages.filter((m): m is string => typeof m === 'string');
    if (strings.length > 0) result[field] = strings;
  }
  return result;
}
