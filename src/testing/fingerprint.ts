// A short hash of the files that decide what a template database holds, so that a change to any of them gives the
// template a new name and an old one is never used by mistake.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importClosure } from './source-graph.ts';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Files under `dir` (relative to the root) whose names end with `suffix`, tests left out, sorted. */
export async function filesUnder(dir: string, suffix: string): Promise<string[]> {
  const entries = await readdir(posix.join(REPOSITORY_ROOT, dir), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(suffix) && !e.name.endsWith('.test.ts'))
    .map((e) => posix.relative(REPOSITORY_ROOT, posix.join(e.parentPath, e.name)))
    .sort();
}

export interface FingerprintInputs {
  /** Hashed by path and content. */
  files: string[];
  /** Modules hashed with everything they import, so that a change to a helper they use counts too. */
  modules?: string[];
  /** Folders hashed by the names and sizes of their files only: reference data is large and changes by replacement. */
  listings?: string[];
}

/** 12 hex digits of SHA-256 over the inputs. */
export async function fingerprint(inputs: FingerprintInputs): Promise<string> {
  const hash = createHash('sha256');
  const files = new Set([...inputs.files, ...(inputs.modules ? (await importClosure(REPOSITORY_ROOT, inputs.modules)).files : [])]);
  for (const path of [...files].sort()) hash.update(`${path}\0`).update(await readFile(posix.join(REPOSITORY_ROOT, path))).update('\0');
  for (const dir of inputs.listings ?? []) {
    for (const name of (await readdir(posix.join(REPOSITORY_ROOT, dir))).sort()) {
      hash.update(`${dir}/${name}\0${(await stat(posix.join(REPOSITORY_ROOT, dir, name))).size}\0`);
    }
  }
  return hash.digest('hex').slice(0, 12);
}
