// For tests that talk to the emulated Graph API over HTTP.

/** What Graph answers: `{id}` on success, `{error}` on failure (tests read whichever applies). */
export interface GraphJson {
  id: string;
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    fbtrace_id: string;
  };
}

export const graphJson = async (response: Response) => (await response.json()) as GraphJson;
