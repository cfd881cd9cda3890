// ODS publishes names in capitals; people read "Leeds Teaching Hospitals NHS Trust" more easily.

const KEEP_UPPER = new Set(['NHS', 'ICB', 'UK', 'GP', 'CIC', 'LLP', 'PLC', 'BMI', 'ENT', 'NHSFT', 'MSK', 'BPAS', 'CCG', 'HCA', 'II', 'III', 'IV']);
const KEEP_LOWER = new Set(['and', 'of', 'the', 'for', 'in', 'at', 'on', 'upon', 'with', 'by']);

/** Title case for an all-capitals name; names already in mixed case are returned as given. */
export function readableName(name: string): string {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  if (trimmed !== trimmed.toUpperCase()) return trimmed;
  return trimmed
    .toLowerCase()
    .split(' ')
    .map((word, i) => {
      const upper = word.toUpperCase();
      if (KEEP_UPPER.has(upper.replace(/[^A-Z]/g, ''))) return upper;
      if (i > 0 && KEEP_LOWER.has(word)) return word;
      // A short bracketed abbreviation stays in capitals: "(DHC)".
      if (/^\([a-z]{2,4}\)$/.test(word)) return upper;
      // Capitalise after hyphens, brackets, slashes and an "O'" prefix: "Stockton-On-Tees", "(Leeds)", "O'Brien";
      // but not a possessive: "St Michael's".
      return word.replace(/(^o'|^|[-(/&])([a-z])/g, (_m, sep: string, ch: string) => (sep === "o'" ? "O'" : sep) + ch.toUpperCase());
    })
    .join(' ');
}
