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
      // Capitalise after hyphens, brackets, slashes and "Mc"/"O'" prefixes: "Stockton-On-Tees", "(Leeds)".
      return word.replace(/(^|[-(/&'])([a-z])/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
    })
    .join(' ');
}
