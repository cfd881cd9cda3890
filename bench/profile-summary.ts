// Summarises a V8 CPU profile (from `npm run bench:shortlist -- --cpu-prof`): self time by package/file and
// by function, so the shortlist's cost can be attributed without opening DevTools.
//
//   node bench/profile-summary.ts bench/.profiles/CPU.….cpuprofile [top=25] [lastSeconds] [skipLastSeconds]
//
// lastSeconds: only the samples of the profile's last N seconds; skipLastSeconds: leave out the profile's last M
// seconds. The benchmark loads the whole shortlist, then the one with `fields=`, for 10 s each, before stopping:
// `… 30 8` is the `fields=` phase alone, `… 30 9 11` the whole answer's phase alone.
import { readFile } from 'node:fs/promises';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg, lastArg, skipArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bench/profile-summary.ts <file.cpuprofile> [top]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const selfUs = new Map<number, number>();
const times: number[] = [];
let t = profile.startTime;
for (const d of profile.timeDeltas) times.push((t += d));
const to = (times.at(-1) ?? 0) - Number(skipArg ?? 0) * 1e6;
const from = lastArg ? to - Number(lastArg) * 1e6 : -Infinity;
profile.samples.forEach((id, i) => {
  if (times[i]! >= from && times[i]! <= to) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

/** Groups a script URL: a package in node_modules, a repo file, or node's own code. */
function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `pkg ${pkg[1]}`;
  const repo = /\/(src|bench)\/(.+)$/.exec(url);
  if (repo) return `${repo[1]}/${repo[2]}`;
  if (url.startsWith('node:')) return url;
  return url;
}

const areas = new Map<string, number>();
const fns = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id)!;
  const a = area(n.callFrame.url, n.callFrame.functionName);
  areas.set(a, (areas.get(a) ?? 0) + us);
  const f = `${n.callFrame.functionName || '(anonymous)'}  ${a}:${n.callFrame.lineNumber + 1}`;
  fns.set(f, (fns.get(f) ?? 0) + us);
}

// Inclusive time of a few functions of interest: every sample with that frame anywhere on its stack.
function inclusive(match: (n: Node) => boolean): number {
  let us = 0;
  for (const [id, t] of selfUs) {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      if (match(byId.get(cur)!)) {
        us += t;
        break;
      }
    }
  }
  return us;
}

const pctOf = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
const print = (title: string, m: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`  ${pctOf(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}\n`);
  }
};
process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s sampled\n`);
print('self time by area', areas);
print('self time by function', fns);

// Every sample in one part of a request's work: the innermost frame on its stack that names a part decides, so the
// parts add up to the whole (ranking inside the shortlist's own code counts as ranking, not as building options).
const PARTS: [string, (n: Node) => boolean][] = [
  ['socket write (the syscall; wall time: includes being descheduled in it)', (n) => /^(writeUtf8String|writeLatin1String|writeBuffer|writev|handleWriteReq|createWriteWrap|writeGeneric|writevGeneric)$/.test(n.callFrame.functionName)],
  ['measuring the answer for content-length (Buffer.byteLength)', (n) => n.callFrame.functionName === 'byteLength' && n.callFrame.url === 'node:buffer'],
  ['ranking and distances', (n) => /src\/domain\/(ranking|distance)\.ts$|src\/directory\/snapshot\.ts$/.test(n.callFrame.url)],
  ['earliest slots', (n) => n.callFrame.url.endsWith('src/slots/earliest-slots.ts') || n.callFrame.functionName === 'withEarliestSlots'],
  ['postcode lookup', (n) => /src\/(reference|domain\/postcode)/.test(n.callFrame.url)],
  ['serializing the answer', (n) => /compiled-serializer|sparse-fields|fast-json-stringify/.test(n.callFrame.url) || (n.callFrame.url === '' && /^anonymous\d*$/.test(n.callFrame.functionName)) || (n.callFrame.functionName === 'serialize' && n.callFrame.url.includes('fastify'))],
  ['building options and reasons (src/shortlist)', (n) => n.callFrame.url.includes('src/shortlist/')],
  ['validating body and query (zod)', (n) => /node_modules\/(zod|fastify-type-provider-zod)\/|fastify\/lib\/validation/.test(n.callFrame.url)],
  ['parsing the JSON body', (n) => /secure-json-parse|content-type-parser/.test(n.callFrame.url) || n.callFrame.functionName === 'rawBody'],
  ['platform hooks (NUL guard, maintenance, metrics, read audit, access, headers, cookies, CSRF)', (n) => /src\/(http|maintenance|web)\/|prom-client|@fastify\/(cookie|csrf)/.test(n.callFrame.url)],
  ['Fastify and routing', (n) => /node_modules\/(fastify|find-my-way|light-my-request|toad-cache)\//.test(n.callFrame.url)],
  ['Node HTTP and streams', (n) => /^node:(_http|internal\/streams|net|events|internal\/stream_base)/.test(n.callFrame.url)],
  ['database (pg, kysely: background reloads)', (n) => /node_modules\/(pg|pg-protocol|pg-types|kysely)\//.test(n.callFrame.url)],
  ['promises and ticks', (n) => /^(runMicrotasks|processTicksAndRejections)$/.test(n.callFrame.functionName) || n.callFrame.url === 'node:internal/process/task_queues'],
  ['garbage collector', (n) => n.callFrame.functionName === '(garbage collector)'],
  ['idle', (n) => n.callFrame.functionName === '(idle)'],
];
const parts = new Map<string, number>();
for (const [id, us] of selfUs) {
  let part = 'other';
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const found = PARTS.find(([, match]) => match(byId.get(cur!)!));
    if (found) {
      part = found[0];
      break;
    }
  }
  parts.set(part, (parts.get(part) ?? 0) + us);
}
print('every sample by part of the work (innermost naming frame)', parts);

const interest: [string, (n: Node) => boolean][] = [
  ['(idle)', (n) => n.callFrame.functionName === '(idle)'],
  ['(garbage collector)', (n) => n.callFrame.functionName === '(garbage collector)'],
  ['pg: parse rows (pg-protocol + pg result)', (n) => /node_modules\/(pg-protocol|pg-types|pg\/lib\/result)/.test(n.callFrame.url)],
  ['kysely', (n) => n.callFrame.url.includes('node_modules/kysely')],
  ['zod', (n) => n.callFrame.url.includes('node_modules/zod')],
  ['fastify-type-provider-zod', (n) => n.callFrame.url.includes('fastify-type-provider-zod')],
  ['rankCandidates', (n) => n.callFrame.functionName === 'rankCandidates'],
  ['toCandidate / toServiceView', (n) => /^(toCandidate|toServiceView)$/.test(n.callFrame.functionName)],
  ['JSON.stringify', (n) => n.callFrame.functionName === 'stringify'],
];
process.stdout.write('\ninclusive time (frame anywhere on the stack)\n');
for (const [label, match] of interest) {
  const us = inclusive(match);
  process.stdout.write(`  ${pctOf(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${label}\n`);
}
