import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { addViews, notFoundHtml, pageTitle } from './render.ts';

test('the layout and the 404 page', () => {
  assert.equal(pageTitle('Question'), 'Question – OpenChoice – NHS');
  assert.equal(pageTitle('Question', true), 'Error: Question – OpenChoice – NHS');
  const html = notFoundHtml();
  assert.match(html, /<title>Page not found – OpenChoice – NHS<\/title>/);
  assert.match(html, /<h1>Page not found<\/h1>/);
  assert.match(html, /nhsuk-header/);
  assert.match(html, /Contains Royal Mail data © Royal Mail copyright and database right 2025\./);
  assert.match(html, /\/assets\/nhsuk-frontend\.min\.css/);
});

test('a feature cannot add a view whose name another folder already has', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oc-views-'));
  writeFileSync(join(dir, 'layout.njk'), 'not the layout');
  assert.throws(() => addViews(dir), /layout\.njk is in both/);
});
