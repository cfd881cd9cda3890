// `npm run -s match < instance.json > result.json`: the mutual-aid matching on exported data, without the service
// (api.md, "Matching engine, offline"). The answer goes to stdout only when the instance is valid, so a refused
// instance never leaves a half-written result.json that looks like an answer.
import { type MatchResult, matchPatients } from '../domain/optimal-assignment.ts';
import { MatchInstanceError, parseMatchInstance } from './match-instance.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Exactly the contract's fields, whatever else the engine may come to report. */
function answerOf(result: MatchResult): MatchResult {
  const { matched, waitWeeksMatched, distanceKm } = result.totals;
  return {
    assignments: result.assignments.map(({ patientId, offerId, distanceKm }) => ({ patientId, offerId, distanceKm })),
    unmatched: result.unmatched,
    totals: { matched, waitWeeksMatched, distanceKm },
  };
}

async function main(): Promise<number> {
  if (process.stdin.isTTY) {
    process.stderr.write('usage: npm run -s match < instance.json > result.json\n');
    return 64;
  }
  const text = await readStdin();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const why = text.trim() === '' ? 'the input is empty' : (err as Error).message;
    process.stderr.write(`match: stdin is not JSON (${why})\n`);
    return 1;
  }
  let instance;
  try {
    instance = parseMatchInstance(json);
  } catch (err) {
    if (!(err instanceof MatchInstanceError)) throw err;
    process.stderr.write(`match: the instance is not valid, nothing was matched.\n${err.message}\n`);
    return 1;
  }
  process.stdout.write(`${JSON.stringify(answerOf(matchPatients(instance)))}\n`);
  return 0;
}

process.exitCode = await main();
