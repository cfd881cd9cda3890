// The self-assessment as a PDF for the board: the ICB, the period, the SRO and the sign-off, the counts, then each
// enabler's items with their rating, effective rating, evidence in words and the held evidence offered. pdfkit
// with DejaVu Sans embedded, as the large print letters are (src/messages/large-print-pdf.ts).
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { AssessmentView } from './service.ts';

const require = createRequire(import.meta.url);
const REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');
const WORDS = { RED: 'Red', AMBER: 'Amber', GREEN: 'Green' } as const;
const COLOURS = { RED: '#d5281b', AMBER: '#ffb81c', GREEN: '#007f3b' } as const;

const when = (d: Date) => d.toLocaleString('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit' });

export function assessmentPdf(v: AssessmentView): Promise<Buffer> {
  const title = `${v.icb.name}: choice self-assessment ${v.period.period}`;
  const doc = new PDFDocument({ size: 'A4', margin: 50, lang: 'en-GB', displayTitle: true, info: { Title: title, Creator: 'OpenChoice' }, font: REGULAR } as PDFKit.PDFDocumentOptions);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const body = (t: string, size = 10) => doc.font(REGULAR).fontSize(size).fillColor('#212b32').text(t, { lineGap: 2, paragraphGap: 4 });
  doc.font(BOLD).fontSize(18).text(title, { paragraphGap: 8 });
  body(`Period ${v.period.from} to ${v.period.to}. Against the 2016 guide's 24 actions and 9 minimum standards.`);
  body(v.sro ? `Senior responsible owner: ${v.sro.name}, ${v.sro.role} (${v.sro.contact}).` : 'No senior responsible owner is named yet.');
  body(v.signOff ? `Signed off for ${v.signOff.sroName}, ${v.signOff.sroRole}, by ${v.signOff.by} on ${when(v.signOff.at)}.` : v.reopenedAfter ? `Not signed off: changed since the sign-off of ${when(v.reopenedAfter.at)}.` : 'Not signed off yet.');
  body(`Effective ratings: ${v.counts.RED} Red, ${v.counts.AMBER} Amber, ${v.counts.GREEN} Green, ${v.counts.unrated} not rated.`);
  for (const e of v.enablers) {
    doc.moveDown(0.6).font(BOLD).fontSize(13).fillColor('#212b32').text(`Enabler ${e.number}: ${e.text}`, { paragraphGap: 4 });
    for (const i of e.items) {
      const eff = i.effectiveRating;
      doc.moveDown(0.3).font(BOLD).fontSize(10.5).fillColor(eff ? COLOURS[eff] : '#4c6272')
        .text(`${i.itemId} ${i.kind === 'MINIMUM_STANDARD' ? '(minimum standard)' : ''}  ${eff ? WORDS[eff] : 'Not rated'}${i.contraryToLegalRights ? ' (forced Red: evidence of practice contrary to patients\' legal rights)' : ''}${i.movement ? `  ${{ UP: 'up', DOWN: 'down', SAME: 'same', NEW: 'new' }[i.movement]} since ${v.previousPeriod}` : ''}`);
      body(i.text, 9);
      if (i.owner) body(`Owner: ${i.owner}`, 9);
      for (const t of i.texts) body(`Evidence: ${t}`, 9);
      for (const l of i.links) body(`Link: ${l}`, 9);
      for (const a of i.attachments) body(`Document: ${a.name}`, 9);
      if (i.offered) body(`Held by OpenChoice (${i.offered.from} to ${i.offered.to}): ${i.offered.summary}${i.offered.suggestedRating ? ` Suggests ${WORDS[i.offered.suggestedRating]}.` : ''}`, 9);
      if (i.overruleReason) body(`Suggestion overruled: ${i.overruleReason}`, 9);
    }
  }
  doc.moveDown(0.6).font(BOLD).fontSize(13).fillColor('#212b32').text('Questions for reflection', { paragraphGap: 4 });
  v.reflections.forEach((r, n) => {
    doc.font(BOLD).fontSize(10).text(`${n + 1}. ${r.question}`);
    body(r.answer || 'Not answered.', 9.5);
  });
  doc.end();
  return done;
}
