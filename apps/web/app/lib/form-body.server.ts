// Reading a form POST without trusting its body: a route that expects a form answers 415 for
// any other content type and 400 for a form it cannot parse, instead of letting
// request.formData() throw into a 500.

const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data']);

export type FormBody =
  { ok: true; form: FormData } | { ok: false; status: 400 | 415; message: string };

export async function readFormBody(request: Request): Promise<FormBody> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!FORM_TYPES.has(type)) {
    return { ok: false, status: 415, message: 'This form must be sent as a web form.' };
  }
  try {
    return { ok: true, form: await request.formData() };
  } catch {
    return { ok: false, status: 400, message: 'The form could not be read. Send it again.' };
  }
}
