// What a person does on a platform's consent page, done with fetch for the connector tests: open
// the page, tick the choices offered (checkboxes, radio buttons), submit its form as the browser
// would (GET or POST), and follow nothing: the answer is the redirect back to the app.

export interface ConsentResult {
  /** The consent page as served. */
  page: string;
  /** Where the platform sends the person back (the app's redirect_uri with code or error). */
  back: URL;
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};
const unescape = (value: string) => value.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!);

function attributes(tag: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [, name, value] of tag.matchAll(/([a-z_-]+)(?:="([^"]*)")?/gi)) {
    found[name!.toLowerCase()] = unescape(value ?? '');
  }
  return found;
}

/**
 * Submits the consent page at `url`. `choices` names, per checkbox or radio group, the values
 * to select (every value must be offered); groups not named keep what the page pre-selected.
 */
export async function submitConsent(
  url: string,
  choices: Record<string, string[]> = {},
): Promise<ConsentResult> {
  const response = await fetch(url);
  const page = await response.text();
  if (response.status !== 200) {
    throw new Error(`The consent page answered HTTP ${response.status}: ${page.slice(0, 300)}`);
  }
  const formTag = /<form\b[^>]*>/i.exec(page)?.[0];
  if (!formTag) throw new Error('The consent page has no form.');
  const form = attributes(formTag.slice(5, -1));
  const fields = new URLSearchParams();
  const offered = new Map<string, string[]>();
  for (const [tag] of page.matchAll(/<input\b[^>]*>/gi)) {
    const input = attributes(tag.slice(6, -1));
    const name = input.name;
    if (!name) continue;
    const value = input.value ?? 'on';
    if (input.type === 'checkbox' || input.type === 'radio') {
      offered.set(name, [...(offered.get(name) ?? []), value]);
      const chosen = choices[name];
      if (chosen ? chosen.includes(value) : 'checked' in input) fields.append(name, value);
    } else {
      fields.append(name, value);
    }
  }
  // The form's first submit button is what a person presses (Enter does the same): a named one
  // ("decision=allow") is sent with the form.
  const button = /<button\b[^>]*>/i.exec(page)?.[0];
  const pressed = button ? attributes(button.slice(7, -1)) : {};
  if (pressed.name && (pressed.type ?? 'submit') === 'submit') {
    fields.append(pressed.name, pressed.value ?? '');
  }
  for (const [name, values] of Object.entries(choices)) {
    const missing = values.filter((v) => !offered.get(name)?.includes(v));
    if (missing.length)
      throw new Error(`The consent page offers no ${name} ${missing.join(', ')}.`);
  }
  const action = new URL(form.action ?? '', url);
  const method = (form.method ?? 'get').toLowerCase();
  let answer: Response;
  if (method === 'post') {
    answer = await fetch(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: fields,
      redirect: 'manual',
    });
  } else {
    action.search = fields.toString();
    answer = await fetch(action, { redirect: 'manual' });
  }
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) {
    throw new Error(
      `The consent form answered HTTP ${answer.status}: ${(await answer.text()).slice(0, 300)}`,
    );
  }
  return { page, back: new URL(location) };
}
