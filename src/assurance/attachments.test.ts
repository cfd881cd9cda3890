import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Problem } from '../http/problem.ts';
import { ATTACHMENT_MAX_BYTES, checkAttachment, downloadDisposition, safeFileName, sniff } from './attachments.ts';

const PDF = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n', 'latin1');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const statusOf = (fn: () => unknown) => {
  try {
    fn();
    return 200;
  } catch (err) {
    assert.ok(err instanceof Problem, String(err));
    return err.status;
  }
};

test('the allowed types pass when name and content agree', () => {
  assert.equal(checkAttachment('plan.pdf', PDF).mediaType, 'application/pdf');
  assert.equal(checkAttachment('chart.PNG', PNG).mediaType, 'image/png');
  assert.equal(checkAttachment('notes.txt', Buffer.from('Minutes of the choice board\n')).mediaType, 'text/plain');
  assert.equal(checkAttachment('figures.csv', Buffer.from('a,b\n1,2\n')).mediaType, 'text/csv');
  const docx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('....[Content_Types].xml....word/document.xml')]);
  assert.equal(checkAttachment('report.docx', docx).mediaType, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
});

test('the wrong type, a disguised file, an empty one and one too big are refused', () => {
  assert.equal(statusOf(() => checkAttachment('run.exe', Buffer.from('MZ\x90\x00'))), 415);
  assert.equal(statusOf(() => checkAttachment('plan.pdf', Buffer.from('MZ\x90\x00binary'))), 415);
  assert.equal(statusOf(() => checkAttachment('page.txt', Buffer.from('<html><script>alert(1)</script>'))), 415);
  assert.equal(statusOf(() => checkAttachment('image.svg', Buffer.from('<svg></svg>'))), 415);
  assert.equal(statusOf(() => checkAttachment('macro.xlsx', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('[Content_Types].xml xl/vbaProject.bin')]))), 415);
  assert.equal(statusOf(() => checkAttachment('empty.pdf', Buffer.alloc(0))), 400);
  assert.equal(statusOf(() => checkAttachment('big.pdf', Buffer.concat([PDF, Buffer.alloc(ATTACHMENT_MAX_BYTES)]))), 413);
});

test('a safe file name never carries a path, a quote or a control character', () => {
  assert.equal(safeFileName('../../etc/passwd'), 'passwd');
  assert.equal(safeFileName('C:\\Users\\me\\"board" plan.pdf'), 'board plan.pdf');
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (name) => {
    const safe = safeFileName(name);
    assert.match(safe, /^[\w .()-]{1,111}$/);
    assert.ok(!safe.startsWith('.'));
    assert.match(downloadDisposition(name), /^attachment; filename="[\w .()-]+"; filename\*=UTF-8''/);
  }));
});

test('sniffing never throws and names only allowed types', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 500 }), (bytes) => {
    const t = sniff(Buffer.from(bytes));
    assert.ok(t === null || ['application/pdf', 'image/png', 'image/jpeg', 'text/plain'].includes(t) || t.startsWith('application/vnd.openxmlformats'));
  }));
});
