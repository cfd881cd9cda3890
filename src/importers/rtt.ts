// NHS England monthly RTT "full CSV extract": incomplete pathways (Part_2) summed over commissioners
// into one row per provider × treatment function, with the wait distribution summarised.
import { Worker } from 'node:worker_threads';
import { Columns, FieldError, ImportError, atLine, forEachRecord } from './csv.ts';
import { count, required, text } from './fields.ts';
import type { ImportContext, Importer } from './importer.ts';
import { type ImportReport, skip } from './report.ts';
import { BatchUpsert } from './upsert.ts';

/** Weekly bands 0–1 … 103–104 plus the open band ">104". */
export const WEEK_BANDS = 105;
const OPEN_BAND = WEEK_BANDS - 1;
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

export interface RttAggregate {
  period: string;
  providerCode: string;
  providerName: string;
  specialtyCode: string;
  bands: number[];
  unknownClockStart: number;
}

export interface RttSummary {
  incompletePathways: number;
  within18Weeks: number;
  medianWaitWeeks: number | null;
  p92WaitWeeks: number | null;
  over52Weeks: number;
}

/** 'RTT-April-2026' → '2026-04-30' (the figures describe the month's last day). */
export function periodEnd(period: string): string {
  const m = /^RTT-([A-Za-z]+)-(\d{4})$/.exec(period.trim());
  const month = m ? MONTHS.indexOf(m[1]!.toLowerCase()) : -1;
  if (!m || month < 0) throw new FieldError(`period "${period}" is not like RTT-April-2026`);
  const year = Number(m[2]);
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return `${year}-${String(month + 1).padStart(2, '0')}-${String(lastDay).padStart(2, '0')}`;
}

/**
 * The wait (weeks) below which a share q of patients fall, assuming waits spread evenly inside each weekly
 * band (the usual NHS England method). Null when nobody waits or it falls in the open >104-week band.
 */
export function waitQuantile(bands: readonly number[], q: number): number | null {
  const total = bands.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const target = q * total;
  let below = 0;
  for (let week = 0; week < bands.length; week++) {
    const n = bands[week]!;
    if (n > 0 && below + n >= target) return week === OPEN_BAND ? null : week + (target - below) / n;
    below += n;
  }
  return null;
}

export function summarise(bands: readonly number[]): RttSummary {
  const sum = (from: number, to: number) => bands.slice(from, to).reduce((a, b) => a + b, 0);
  return {
    incompletePathways: sum(0, WEEK_BANDS),
    within18Weeks: sum(0, 18),
    medianWaitWeeks: waitQuantile(bands, 0.5),
    p92WaitWeeks: waitQuantile(bands, 0.92),
    over52Weeks: sum(52, WEEK_BANDS),
  };
}

/** Reads a full extract (zipped or not) and sums Part_2 rows per period × provider × treatment function. */
export async function aggregateRtt(file: string, onRow: (part: string) => void = () => {}): Promise<RttAggregate[]> {
  const groups = new Map<string, RttAggregate>();
  let col: { period: number; code: number; name: number; part: number; tfc: number; unknown: number | undefined; bands: number[] } | null = null;
  await forEachRecord(file, ({ line, fields }) => {
    if (!col) {
      const c = new Columns(fields);
      const bands = fields.flatMap((h, i) => (/^gt \d+/i.test(h.trim()) ? [i] : []));
      if (bands.length !== WEEK_BANDS) throw new ImportError(`line 1: expected ${WEEK_BANDS} weekly "Gt …" columns, found ${bands.length}`);
      col = {
        period: c.require('Period'), code: c.require('Provider Org Code'), name: c.require('Provider Org Name'),
        part: c.require('RTT Part Type'), tfc: c.require('Treatment Function Code'),
        unknown: c.find('Patients with unknown clock start date'), bands,
      };
      return;
    }
    const part = text(fields, col.part);
    onRow(part);
    if (part !== 'Part_2') return;
    const k = col;
    atLine(line, () => {
      const period = periodEnd(required(fields, k.period, 'Period'));
      const providerCode = required(fields, k.code, 'Provider Org Code');
      const specialtyCode = required(fields, k.tfc, 'Treatment Function Code').replace(/^C_/, '');
      const key = `${period}|${providerCode}|${specialtyCode}`;
      let g = groups.get(key);
      if (!g) {
        g = { period, providerCode, providerName: text(fields, k.name), specialtyCode, bands: new Array<number>(WEEK_BANDS).fill(0), unknownClockStart: 0 };
        groups.set(key, g);
      }
      for (let b = 0; b < WEEK_BANDS; b++) g.bands[b]! += count(text(fields, k.bands[b]!), `weekly band ${b}`);
      if (k.unknown !== undefined) g.unknownClockStart += count(text(fields, k.unknown), 'unknown clock start');
    });
  });
  if (!col) throw new ImportError('line 1: the file is empty');
  return [...groups.values()];
}

/** What an extract gives before anything is written: the sums, and the rows read and skipped (by reason, in order met). */
export interface RttRead {
  groups: RttAggregate[];
  counts: Pick<ImportReport, 'rowsRead' | 'skipped'>;
}

export async function readRtt(file: string): Promise<RttRead> {
  const counts: RttRead['counts'] = { rowsRead: 0, skipped: {} };
  const groups = await aggregateRtt(file, (part) => {
    counts.rowsRead++;
    if (part !== 'Part_2') skip(counts, `not incomplete pathways (${part})`);
  });
  return { groups, counts };
}

/** What the worker (rtt-worker.ts) posts. */
export type FromRttReader = { type: 'done'; read: RttRead } | { type: 'failed'; message: string; importError: boolean };

/** readRtt in a worker thread: the same answer, or the same error (an ImportError naming the line). */
export function readRttInWorker(file: string): Promise<RttRead> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./rtt-worker.ts', import.meta.url), { workerData: { file } });
    worker.once('message', (message: FromRttReader) => {
      if (message.type === 'done') resolve(message.read);
      else reject(message.importError ? new ImportError(message.message) : new Error(message.message));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the RTT reader stopped before it answered (exit code ${code})`)));
  });
}

export const rttImporter: Importer<RttRead> = {
  describe: 'NHS England monthly RTT full CSV extract (zipped or not): incomplete pathways per provider × treatment function',
  needsFile: true,
  read: readRttInWorker,
  async load({ client, report, read }) {
    const { groups, counts } = read;
    report.rowsRead += counts.rowsRead;
    for (const [reason, n] of Object.entries(counts.skipped)) skip(report, reason, n);
    const upsert = new BatchUpsert(
      client,
      {
        table: 'rtt_wait',
        columns: {
          period: 'date', provider_ods_code: 'text', provider_name: 'text', specialty_code: 'text',
          incomplete_pathways: 'int4', unknown_clock_start: 'int4', within_18_weeks: 'int4',
          median_wait_weeks: 'float8', p92_wait_weeks: 'float8', over_52_weeks: 'int4',
        },
        key: ['period', 'provider_ods_code', 'specialty_code'],
      },
      report,
    );
    for (const g of groups) {
      const s = summarise(g.bands);
      upsert.add([
        g.period, g.providerCode, g.providerName, g.specialtyCode, s.incompletePathways, g.unknownClockStart,
        s.within18Weeks, s.medianWaitWeeks, s.p92WaitWeeks, s.over52Weeks,
      ]);
    }
    await upsert.flush();
    report.notes.periods = [...new Set(groups.map((g) => g.period))];
    report.notes.providers = new Set(groups.map((g) => g.providerCode)).size;
    report.notes.part2RowsAggregated = report.rowsRead - Object.values(report.skipped).reduce((a, b) => a + b, 0);
  },
};
