// Opens an input file as lines of text (a chunk of them at a time), whatever its packaging: plain, gzip or zip; UTF-8 or Windows-1252.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import unzipper from 'unzipper';

/** How much decompressed text is inspected to tell UTF-8 from Windows-1252. */
const SNIFF_BYTES = 256 * 1024;

async function magic(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await handle.read(buf, 0, 4, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The raw (decompressed) bytes of the file; for a zip, its first data file (macOS metadata entries ignored). */
export async function openBytes(path: string): Promise<Readable> {
  const head = await magic(path);
  // 64 KB rather than the default 16 KB of output per chunk: a quarter as many chunks to hand on.
  if (head[0] === 0x1f && head[1] === 0x8b) return createReadStream(path).pipe(createGunzip({ chunkSize: 64 * 1024 }));
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    const directory = await unzipper.Open.file(path);
    const entry = directory.files.find((f) => f.type === 'File' && !f.path.startsWith('__MACOSX/') && !/(^|\/)\./.test(f.path));
    if (!entry) throw new Error(`${path}: the zip holds no data file`);
    return entry.stream() as unknown as Readable;
  }
  return createReadStream(path);
}

function looksLikeUtf8(sample: Buffer): boolean {
  try {
    // stream: true tolerates a character cut at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Yields the lines of a text file without their line endings, as one array per decoded chunk (tens of KB)
 * rather than one line at a time: the callers handle millions of lines, and a promise per line costs more
 * than the parsing (far more under `node --test`, which tracks every promise's async context).
 * The encoding is UTF-8 unless the first 256 KB are not valid UTF-8, in which case it is read as
 * Windows-1252 (what NHS website exports use).
 */
export async function* openText(path: string): AsyncGenerator<string[]> {
  const bytes = await openBytes(path);
  let decoder: InstanceType<typeof TextDecoder> | null = null;
  let sniffed: Buffer[] = [];
  let sniffedLength = 0;
  let carry = '';
  let first = true;

  function decode(chunk: Buffer, final: boolean): string[] {
    decoder ??= looksLikeUtf8(chunk) ? new TextDecoder('utf-8', { fatal: true }) : new TextDecoder('windows-1252');
    let textChunk: string;
    try {
      textChunk = carry + decoder.decode(chunk, { stream: !final });
    } catch {
      throw new Error('the file is not valid UTF-8 beyond its first 256 KB');
    }
    if (first) {
      first = false;
      if (textChunk.charCodeAt(0) === 0xfeff) textChunk = textChunk.slice(1);
    }
    const lines: string[] = [];
    let start = 0;
    for (let nl = textChunk.indexOf('\n'); nl >= 0; nl = textChunk.indexOf('\n', start)) {
      const end = nl > start && textChunk.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      lines.push(textChunk.slice(start, end));
      start = nl + 1;
    }
    // The unfinished last line waits for the next chunk.
    carry = textChunk.slice(start);
    if (final && carry !== '') {
      lines.push(carry.endsWith('\r') ? carry.slice(0, -1) : carry);
      carry = '';
    }
    return lines;
  }

  for await (const chunk of bytes as AsyncIterable<Buffer>) {
    let lines: string[];
    if (decoder === null && sniffedLength < SNIFF_BYTES) {
      sniffed.push(chunk);
      sniffedLength += chunk.length;
      if (sniffedLength < SNIFF_BYTES) continue;
      const sample = Buffer.concat(sniffed);
      sniffed = [];
      lines = decode(sample, false);
    } else {
      lines = decode(chunk, false);
    }
    // A chunk inside one long line completes none.
    if (lines.length > 0) yield lines;
  }
  const last = decode(Buffer.concat(sniffed), true);
  if (last.length > 0) yield last;
}

/** Hex SHA-256 of the file as stored (for a zip or gzip: of the compressed file). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
