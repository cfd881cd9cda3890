// The funnel plot of one specialty × provider as accessible SVG, drawn here (no chart library): x is a practice's
// referrals in the specialty, y its share to the provider; the ICB's share is a solid line, the 95% limits dashed
// curves and the 99.8% limits dotted ones; a flagged practice is a triangle, the others circles, so nothing is told
// by colour alone. role="img" with <title> and <desc>; the page shows a table of the same points beside it.
import type { Funnel } from './detect.ts';

const W = 640;
const H = 380;
const M = { left: 56, right: 16, top: 16, bottom: 48 };

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const fixed = (x: number) => (Math.round(x * 10) / 10).toString();
const percent = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** Round numbers for an axis from 0 to `max`: about five steps of 1, 2 or 5 × 10^k. */
function ticks(max: number): number[] {
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = 0; t <= max + 1e-9; t += step) out.push(Math.round(t * 1e6) / 1e6);
  return out;
}

export interface FunnelPlotText {
  id: string;
  specialtyName: string;
  providerName: string;
  names: Record<string, string>;
}

/** The SVG markup of the funnel plot. */
export function funnelPlotSvg(funnel: Funnel, text: FunnelPlotText): string {
  const maxN = Math.max(1, ...funnel.points.map((p) => p.n));
  const topShare = Math.min(1, Math.max(funnel.centre, ...funnel.points.map((p) => p.share), ...funnel.limits.filter((l) => l.n >= Math.min(10, maxN)).map((l) => l.upper998)));
  const yMax = Math.min(1, Math.ceil((topShare + 0.02) * 10) / 10);
  const x = (n: number) => M.left + (n / maxN) * (W - M.left - M.right);
  const y = (s: number) => H - M.bottom - (Math.min(s, yMax) / yMax) * (H - M.top - M.bottom);
  const curve = (pick: (l: Funnel['limits'][number]) => number) =>
    funnel.limits.map((l, i) => `${i === 0 ? 'M' : 'L'}${fixed(x(l.n))},${fixed(y(pick(l)))}`).join(' ');
  const flagged = funnel.points.filter((p) => p.flagged);
  const outside = funnel.points.filter((p) => p.outside998).length;
  const title = `Funnel plot: practices' share of ${text.specialtyName} referrals to ${text.providerName}`;
  const desc =
    `${funnel.points.length} practices. Across the ICB ${percent(funnel.centre)} of ${funnel.referrals} referrals in the specialty went to this provider. ` +
    `${outside} ${outside === 1 ? 'practice lies' : 'practices lie'} outside the 99.8% limits. ` +
    (flagged.length
      ? `Flagged: ${flagged.map((p) => `${text.names[p.practice] ?? p.practice}, ${p.k} of ${p.n} (${percent(p.share)})`).join('; ')}.`
      : 'No practice is flagged.') +
    ' The same figures are in the table below.';
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="oc-funnel" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="${text.id}-title ${text.id}-desc">`);
  parts.push(`<title id="${text.id}-title">${escape(title)}</title><desc id="${text.id}-desc">${escape(desc)}</desc>`);
  // Axes and gridlines.
  parts.push(`<g font-size="12" fill="#212b32">`);
  for (const t of ticks(yMax)) {
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${fixed(y(t))}" y2="${fixed(y(t))}" stroke="#d8dde0"/>`);
    parts.push(`<text x="${M.left - 6}" y="${fixed(y(t) + 4)}" text-anchor="end">${percent(t)}</text>`);
  }
  for (const t of ticks(maxN)) parts.push(`<text x="${fixed(x(t))}" y="${H - M.bottom + 16}" text-anchor="middle">${t}</text>`);
  parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#4c6272"/>`);
  parts.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#4c6272"/>`);
  parts.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 8}" text-anchor="middle">The practice's referrals in the specialty</text>`);
  parts.push(`<text transform="translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">Share to the provider</text>`);
  parts.push('</g>');
  // The ICB's share and the limits.
  parts.push(`<g fill="none" stroke="#005eb8">`);
  parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${fixed(y(funnel.centre))}" y2="${fixed(y(funnel.centre))}" stroke-width="2"/>`);
  parts.push(`<path d="${curve((l) => l.upper95)}" stroke-dasharray="6 4" stroke-width="1.5"/><path d="${curve((l) => l.lower95)}" stroke-dasharray="6 4" stroke-width="1.5"/>`);
  parts.push(`<path d="${curve((l) => l.upper998)}" stroke-dasharray="2 3" stroke-width="1.5"/><path d="${curve((l) => l.lower998)}" stroke-dasharray="2 3" stroke-width="1.5"/>`);
  parts.push('</g>');
  // The practices: circles, and triangles for the flagged, drawn last so they are on top.
  parts.push(`<g>`);
  for (const p of [...funnel.points.filter((q) => !q.flagged), ...flagged]) {
    const cx = x(p.n);
    const cy = y(p.share);
    if (p.flagged) parts.push(`<path class="oc-funnel__flagged" d="M${fixed(cx)},${fixed(cy - 7)} L${fixed(cx + 7)},${fixed(cy + 5)} L${fixed(cx - 7)},${fixed(cy + 5)} Z" fill="#d5281b" stroke="#212b32"/>`);
    else parts.push(`<circle class="oc-funnel__point" cx="${fixed(cx)}" cy="${fixed(cy)}" r="3.5" fill="#768692" fill-opacity="0.7"/>`);
  }
  parts.push('</g></svg>');
  return parts.join('');
}
