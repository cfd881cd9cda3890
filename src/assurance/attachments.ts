// What may be attached as evidence to an item of the self-assessment: at most 5 MB, and only PDF, Word (DOCX),
// Excel (XLSX), PNG, JPEG, plain text and CSV, where the file's name AND its content must both say the same type
// (a renamed executable, an HTML page called .txt or a macro workbook are refused). Files are served back only as
// downloads under a safe name. Pure: no I/O.
import { badRequest, contentTooLarge, unsupportedMediaType } from '../http/problem.ts';

export const ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;
export const ATTACHMENT_MAX_LABEL = '5 MB';

export const ALLOWED_TYPES = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  txt: 'text/plain',
  csv: 'text/csv',
} as const;
export const ALLOWED_LABEL = 'PDF, DOCX, XLSX, PNG, JPEG, TXT or CSV';

const startsWith = (data: Buffer, bytes: number[]) => bytes.every((b, i) => data[i] === b);

/** The type a file's content shows, of the allowed ones, or null. */
export function sniff(data: Buffer): string | null {
  if (startsWith(data, [0x25, 0x50, 0x44, 0x46, 0x2d])) return ALLOWED_TYPES.pdf; // %PDF-
  if (startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return ALLOWED_TYPES.png;
  if (startsWith(data, [0xff, 0xd8, 0xff])) return ALLOWED_TYPES.jpg;
  if (startsWith(data, [0x50, 0x4b, 0x03, 0x04])) {
    // An Office Open XML package: a zip whose entry names (stored in plain text) say which. A macro-enabled one
    // (vbaProject.bin) is refused.
    if (data.includes('vbaProject.bin')) return null;
    if (!data.includes('[Content_Types].xml')) return null;
    if (data.includes('word/')) return ALLOWED_TYPES.docx;
    if (data.includes('xl/')) return ALLOWED_TYPES.xlsx;
    return null;
  }
  return isPlainText(data) ? 'text/plain' : null;
}

/** UTF-8 text with no control characters but tab, line ends and form feed, that no browser would take for markup. */
function isPlainText(data: Buffer): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text)) return false;
  return !/^\s*<(?:!doctype|html|script|svg|\?xml)/i.test(text);
}

/** A name safe in a Content-Disposition header and on any disk: no path, no quotes, letters, digits, space . _ - ( ). */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.normalize('NFKD').replace(/[^\w .()-]/g, '').replace(/\s+/g, ' ').replace(/^[.\s]+/, '').trim();
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 ? cleaned.slice(dot) : '';
  const stem = (dot > 0 ? cleaned.slice(0, dot) : cleaned).slice(0, 100).trim() || 'evidence';
  return `${stem}${ext.slice(0, 10)}`;
}

export interface CheckedAttachment {
  fileName: string;
  mediaType: string;
  data: Buffer;
}

/** Checks an upload (size, then name and content agreeing on an allowed type); throws a Problem saying what to do. */
export function checkAttachment(fileName: string, data: Buffer): CheckedAttachment {
  if (data.length === 0) throw badRequest('The selected file is empty.', [{ field: 'file', message: 'is empty' }]);
  if (data.length > ATTACHMENT_MAX_BYTES) throw contentTooLarge(`The selected file must be smaller than ${ATTACHMENT_MAX_LABEL}.`);
  const safe = safeFileName(fileName);
  const ext = /\.([a-z0-9]+)$/i.exec(safe)?.[1]?.toLowerCase() ?? '';
  const byName = (ALLOWED_TYPES as Record<string, string>)[ext];
  if (!byName) throw unsupportedMediaType(`The selected file must be a ${ALLOWED_LABEL}.`);
  const byContent = sniff(data);
  // A CSV is plain text by content.
  const agrees = byContent === byName || (byName === ALLOWED_TYPES.csv && byContent === 'text/plain');
  if (!agrees) throw unsupportedMediaType(`The selected file's content is not a ${ext.toUpperCase()} file: it must be a ${ALLOWED_LABEL}, and its name must say which.`);
  return { fileName: safe, mediaType: byName, data };
}

/** The Content-Disposition header of a download: always an attachment, with an ASCII name and its UTF-8 form. */
export function downloadDisposition(fileName: string): string {
  const ascii = safeFileName(fileName).replace(/[^\x20-\x7e]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(ascii)}`;
}
