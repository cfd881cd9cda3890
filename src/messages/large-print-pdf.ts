// Large print letters as a PDF the service renders itself (pdfkit, pure JavaScript), for a patient who asked for
// large print: 18 point text and 24 point headings (RNIB's clear print guidance: 16 point at least, sans serif,
// left aligned, generous spacing), in DejaVu Sans embedded in the file, so it prints the same everywhere and has
// every letter Welsh needs (ŵ, ŷ). Tagged with its language and title for screen readers.
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

const require = createRequire(import.meta.url);
const REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

export const LARGE_PRINT_POINTS = 18;
const HEADING_POINTS = 24;

export type Block = string | { heading: string } | { list: string[] };

export interface LargePrintLetter {
  title: string;
  /** BCP 47: 'en-GB', 'cy' */
  lang: string;
  blocks: Block[];
}

export function largePrintPdf(letter: LargePrintLetter): Promise<Buffer> {
  // A4 with 2 cm margins; pdfkit's own font (Helvetica) is never used, so nothing is left unembedded.
  const doc = new PDFDocument({ size: 'A4', margin: 57, lang: letter.lang, displayTitle: true, info: { Title: letter.title, Creator: 'OpenChoice' }, font: REGULAR } as PDFKit.PDFDocumentOptions);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const text = { lineGap: 6, paragraphGap: 14, align: 'left' as const };
  doc.font(BOLD).fontSize(HEADING_POINTS).text(letter.title, text);
  for (const block of letter.blocks) {
    if (typeof block === 'string') doc.font(REGULAR).fontSize(LARGE_PRINT_POINTS).text(block, text);
    else if ('heading' in block) doc.moveDown(0.5).font(BOLD).fontSize(HEADING_POINTS).text(block.heading, text);
    else doc.font(REGULAR).fontSize(LARGE_PRINT_POINTS).list(block.list, { ...text, bulletRadius: 4, textIndent: 24 });
  }
  doc.end();
  return done;
}
