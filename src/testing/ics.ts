// Reading an iCalendar file back in tests, strictly: CRLF only, folded at 75 octets, then unfolded and unescaped.
import assert from 'node:assert/strict';

/** Reads an iCalendar file the way a calendar app does: unfold, split at CRLF, NAME:value, unescape TEXT. */
export function parseIcs(ics: string): { name: string; value: string }[] {
  assert.ok(ics.endsWith('\r\n'), 'the last line ends CRLF');
  assert.doesNotMatch(ics.replace(/\r\n/g, ''), /[\r\n]/, 'every line break is CRLF');
  for (const line of ics.split('\r\n')) assert.ok(new TextEncoder().encode(line).length <= 75, `folded: ${line}`);
  const unfolded = ics.replace(/\r\n[ \t]/g, '');
  return unfolded
    .split('\r\n')
    .filter((l) => l !== '')
    .map((line) => {
      const colon = line.indexOf(':');
      assert.ok(colon > 0, `a property: ${line}`);
      const value = line.slice(colon + 1).replace(/\\(.)/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
      return { name: line.slice(0, colon), value };
    });
}

/** The first value of a property. */
export const icsValue = (props: { name: string; value: string }[], name: string): string | undefined => props.find((p) => p.name === name)?.value;
