// The test XML reader refuses what is not well-formed, so a test that relies on it can fail.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseXml } from './xml.ts';

test('well-formed XML is read with its attributes and text; faults are refused', () => {
  const els = parseXml('<svg a="1"><title>A &amp; B</title><g transform="translate(1 2)"><rect/></g></svg>');
  assert.deepEqual(els.map((e) => e.name), ['svg', 'title', 'g', 'rect']);
  assert.equal(els[1]!.text, 'A & B');
  assert.equal(els[2]!.attributes.transform, 'translate(1 2)');
  for (const bad of ['<svg><g></svg>', '<svg a=1></svg>', '<svg>A & B</svg>', '<svg a="1" a="2"/>', '<svg></svg><svg/>', '<svg><g>', 'text']) {
    assert.throws(() => parseXml(bad), bad);
  }
});
