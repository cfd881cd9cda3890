import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { boundaryOf, parseMultipart } from './multipart.ts';

function body(boundary: string, parts: { name: string; value: Buffer | string; filename?: string; type?: string }[]): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`;
    chunks.push(Buffer.from(head), Buffer.isBuffer(p.value) ? p.value : Buffer.from(p.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

test('the boundary of a content type', () => {
  assert.equal(boundaryOf('multipart/form-data; boundary=----abc123'), '----abc123');
  assert.equal(boundaryOf('multipart/form-data; boundary="a b"'), 'a b');
  assert.equal(boundaryOf('application/x-www-form-urlencoded'), null);
  assert.equal(boundaryOf(undefined), null);
});

test('fields and a file come back as sent, whatever bytes the file holds', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), fc.string({ maxLength: 200 }), (bytes, text) => {
    const boundary = '----OpenChoiceBoundary7MA4YWxkTrZu0gW';
    const file = Buffer.from(bytes);
    const parsed = parseMultipart(body(boundary, [{ name: '_csrf', value: 'tok' }, { name: 'note', value: text }, { name: 'file', value: file, filename: 'a.pdf', type: 'application/pdf' }]), boundary);
    assert.equal(parsed.fields._csrf, 'tok');
    assert.equal(parsed.fields.note, text);
    assert.equal(parsed.files.length, 1);
    assert.deepEqual(parsed.files[0]!.data, file);
    assert.equal(parsed.files[0]!.filename, 'a.pdf');
    assert.equal(parsed.files[0]!.contentType, 'application/pdf');
  }));
});

test('an empty file input sends no file; a broken body is refused', () => {
  const boundary = 'xyz';
  assert.equal(parseMultipart(body(boundary, [{ name: 'file', value: '', filename: '' }]), boundary).files.length, 0);
  assert.throws(() => parseMultipart(Buffer.from('nothing here'), boundary), RangeError);
  assert.throws(() => parseMultipart(Buffer.from('--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end'), boundary), RangeError);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
    try {
      parseMultipart(Buffer.from(bytes), boundary);
    } catch (err) {
      assert.ok(err instanceof RangeError);
    }
  }));
});
