// CSV text (RFC 4180) as records, each with the line it starts on: a quoted field may hold commas, doubled quotes
// and line breaks, so a record is not a line. Pure: the import reads an uploaded body, already bounded in size.

export interface CsvRecord {
  /** 1-based line on which the record starts */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(message);
    this.line = line;
  }
}

/**
 * Splits `text` into records. Line ends are CRLF, LF or CR; a byte-order mark is dropped; empty lines are skipped.
 * A quote opens a quoted field only at its start; after the closing quote comes a comma or the end of the record.
 */
export function parseCsvRecords(text: string): CsvRecord[] {
  const s = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  const n = s.length;
  while (i < n) {
    const start = line;
    // An empty line is no record.
    if (s[i] === '\n' || s[i] === '\r') {
      i += s[i] === '\r' && s[i + 1] === '\n' ? 2 : 1;
      line++;
      continue;
    }
    const fields: string[] = [];
    for (;;) {
      let value = '';
      if (s[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) throw new CsvSyntaxError(start, `the quoted field that starts on line ${start} is not closed`);
          const c = s[i]!;
          if (c === '"') {
            if (s[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n' || (c === '\r' && s[i + 1] !== '\n')) line++;
          value += c;
          i++;
        }
        if (i < n && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') throw new CsvSyntaxError(line, `unexpected text after a quoted field (field ${fields.length + 1})`);
      } else {
        let j = i;
        while (j < n && s[j] !== ',' && s[j] !== '\n' && s[j] !== '\r') j++;
        value = s.slice(i, j);
        if (value.includes('"')) throw new CsvSyntaxError(line, `a quote inside a field that is not quoted (field ${fields.length + 1}): quote the whole field and double the quote`);
        i = j;
      }
      fields.push(value);
      if (i < n && s[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    // The end of the record: a line end or the end of the text.
    if (i < n) {
      i += s[i] === '\r' && s[i + 1] === '\n' ? 2 : 1;
      line++;
    }
    records.push({ line: start, fields });
  }
  return records;
}

/** One record as CSV: a field is quoted when it must be. The inverse of parseCsvRecords. */
export function formatCsvRecord(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) || f === '' && fields.length === 1 ? `"${f.replaceAll('"', '""')}"` : f)).join(',');
}
