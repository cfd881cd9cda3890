// Recipients as staff may see them in the demo's message list: enough to tell messages apart, not to reach anyone.

export function maskRecipient(channel: 'letter' | 'email' | 'sms', recipient: string): string {
  if (channel === 'email') {
    const at = recipient.lastIndexOf('@');
    return at > 0 ? `${recipient[0]}•••${recipient.slice(at)}` : '•••';
  }
  if (channel === 'sms') {
    const digits = recipient.replace(/\D/g, '');
    return `•••••••${digits.slice(-3)}`;
  }
  // Postal lines: the name's initials and the postcode's outward code.
  const lines = recipient.split('\n');
  const initials = (lines[0] ?? '').split(/\s+/).filter(Boolean).map((w) => `${w[0]}.`).join(' ');
  const postcode = lines.at(-1) ?? '';
  return `${initials}, ${postcode.split(' ')[0] ?? ''} •••`;
}

/** Each of the names, wherever it appears in the text, cut to its initial: 'Dear Ann Smith' → 'Dear A. S.'. */
export function maskNames(text: string, names: readonly (string | null)[]): string {
  let masked = text;
  for (const name of names) {
    if (!name) continue;
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    masked = masked.replace(new RegExp(`(?<![\\p{L}])${escaped}(?![\\p{L}])`, 'giu'), `${name[0]!.toUpperCase()}.`);
  }
  return masked;
}
