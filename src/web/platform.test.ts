// The page platform through the whole app (app.inject): the pages nobody owns, and the assets.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { startFixtureApp } from '../testing/directory-fixture.ts';

let app: FastifyInstance;
let close: () => Promise<void>;

before(async () => ({ app, close } = await startFixtureApp('web_platform')));
after(() => close());

const get = (url: string) => app.inject({ method: 'GET', url });

describe('other pages and assets', () => {
  test('an unknown page is the NHS "Page not found" page', async () => {
    const res = await get('/no-such-page');
    assert.equal(res.statusCode, 404);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(res.body, /<h1>Page not found<\/h1>/);
    assert.match(res.body, /<title>Page not found – OpenChoice – NHS<\/title>/);
  });

  test('nhsuk-frontend CSS, JS and images are served under /assets/', async () => {
    const css = await get('/assets/nhsuk-frontend.min.css');
    assert.equal(css.statusCode, 200);
    assert.match(String(css.headers['content-type']), /^text\/css/);
    assert.match(css.body, /\.nhsuk-header/);
    const js = await get('/assets/nhsuk-frontend.min.js');
    assert.equal(js.statusCode, 200);
    assert.match(String(js.headers['content-type']), /javascript/);
    assert.equal((await get('/assets/init.js')).statusCode, 200);
    assert.equal((await get('/assets/openchoice.css')).statusCode, 200);
    assert.equal((await get('/assets/images/favicon.svg')).statusCode, 200);
    assert.equal((await get('/assets/images/nhsuk-icon-180.png')).statusCode, 200);
    assert.equal((await get('/assets/manifest.json')).statusCode, 200);
  });

  test('only the compiled files are served: not sources, not outside the folder', async () => {
    assert.equal((await get('/assets/index.scss')).statusCode, 404);
    assert.equal((await get('/assets/components/header/template.njk')).statusCode, 404);
    assert.equal((await get('/assets/../package.json')).statusCode, 404);
    assert.equal((await get('/assets/%2e%2e/%2e%2e/package.json')).statusCode, 404);
  });
});

