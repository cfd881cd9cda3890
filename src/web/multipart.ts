// Reading a multipart/form-data body (RFC 7578) that is already in memory, for the few forms that send a file.
// @fastify/multipart is not a dependency; these forms are small (one file of a few megabytes and a few fields), so
// the page that takes them registers a buffer parser with its own body limit and reads the parts here. Pure.

export interface FilePart {
  field: string;
  /** the file name as the browser sent it (may hold a path, quotes or anything: never trust it) */
  filename: string;
  /** the Content-Type the browser claimed */
  contentType: string;
  data: Buffer;
}

export interface Multipart {
  fields: Record<string, string>;
  files: FilePart[];
}

/** The boundary of a multipart/form-data Content-Type header, or null. */
export function boundaryOf(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return null;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]!) : null;
}

function headerParam(header: string, name: string): string | null {
  const m = new RegExp(`;\\s*${name}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(header) ?? new RegExp(`;\\s*${name}=([^;\\s]+)`, 'i').exec(header);
  return m ? m[1]!.replace(/\\(.)/g, '$1') : null;
}

/**
 * The fields and files of a body; throws a RangeError when it is not well-formed multipart. A field sent twice
 * keeps its first value; at most `maxParts` parts are read.
 */
export function parseMultipart(body: Buffer, boundary: string, maxParts = 50): Multipart {
  const delimiter = Buffer.from(`--${boundary}`);
  const out: Multipart = { fields: {}, files: [] };
  let at = body.indexOf(delimiter);
  if (at < 0) throw new RangeError('no multipart boundary in the body');
  let parts = 0;
  for (;;) {
    at += delimiter.length;
    // The closing delimiter is followed by "--".
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return out;
    if (body[at] === 0x0d && body[at + 1] === 0x0a) at += 2;
    else throw new RangeError('a multipart boundary is not followed by a line end');
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) throw new RangeError('a multipart part has no end to its headers');
    const headers = body.subarray(at, headerEnd).toString('utf8').split('\r\n');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw new RangeError('a multipart part is not closed');
    const data = body.subarray(headerEnd + 4, next);
    if (++parts > maxParts) throw new RangeError('too many parts');
    const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? '';
    const type = headers.find((h) => /^content-type:/i.test(h))?.replace(/^content-type:\s*/i, '').trim() ?? 'text/plain';
    const field = headerParam(disposition, 'name');
    if (field === null) throw new RangeError('a multipart part has no name');
    const filename = headerParam(disposition, 'filename');
    if (filename !== null) {
      // A file input left empty sends a part with an empty name and no content.
      if (filename !== '' || data.length > 0) out.files.push({ field, filename, contentType: type, data: Buffer.from(data) });
    } else if (!Object.hasOwn(out.fields, field)) {
      out.fields[field] = data.toString('utf8');
    }
    at = next + 2;
  }
}
