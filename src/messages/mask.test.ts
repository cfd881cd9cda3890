import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maskNames } from './mask.ts';

test('names are cut to initials wherever they stand alone, in any case', () => {
  assert.equal(maskNames('Dear Ann Smith, Annabel Smithson. ANN smith', ['Ann', 'Smith', null]), 'Dear A. S., Annabel Smithson. A. S.');
  assert.equal(maskNames("Dear Jo O'Neil-Price (a.b)", ['Jo', "O'Neil-Price", 'a.b']), 'Dear J. O. (A.)');
});
