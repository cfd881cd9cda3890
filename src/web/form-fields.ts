// Reading posted form fields, and turning service messages into the sentences error summaries show.

export type Body = Record<string, unknown>;

/** A posted field's text, trimmed and cut to `max` characters; the first if it was sent more than once. */
export function field(body: Body, name: string, max = 100): string {
  const v = body[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first.trim().slice(0, max) : '';
}

/** A service message as an error-summary sentence: capital first letter, no full stop. */
export function sentence(message: string): string {
  const m = message.trim().replace(/\.$/, '');
  return m.charAt(0).toUpperCase() + m.slice(1);
}
