// A node:test reporter that ends the run with its slowest test files, to show where the suite's time goes. Each
// file runs in a process of its own, and node reports it as a test named by its path: that time is the file's.
import { resolve } from 'node:path';

interface Event {
  type: string;
  data: { name?: string; file?: string; nesting?: number; details?: { duration_ms?: number } };
}

const SHOWN = 10;

export default async function* slowestTestFiles(source: AsyncIterable<Event>): AsyncGenerator<string> {
  const files: { path: string; ms: number }[] = [];
  for await (const { type, data } of source) {
    if (type !== 'test:complete' || data.nesting !== 0 || !data.file || !data.name) continue;
    if (resolve(data.name) === data.file) files.push({ path: data.name, ms: data.details?.duration_ms ?? 0 });
  }
  if (files.length === 0) return;
  const total = files.reduce((sum, f) => sum + f.ms, 0);
  const slowest = files.sort((a, b) => b.ms - a.ms).slice(0, SHOWN);
  yield `\nslowest ${slowest.length} of ${files.length} test files (${(total / 1000).toFixed(1)} s in all):\n`;
  for (const f of slowest) yield `${(f.ms / 1000).toFixed(1).padStart(7)} s  ${f.path}\n`;
}
