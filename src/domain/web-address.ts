// What counts as a web address that staff may publish or cite (a transport policy's page, evidence held
// elsewhere): https only, since patients and assessors follow them, and a host with a dot, so that "https://intranet"
// or a mistyped "https://nhs" is caught when it is typed rather than when someone follows it. Pure: no I/O.

export function isPublishableWebAddress(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'https:' && u.hostname.includes('.');
  } catch {
    return false;
  }
}
