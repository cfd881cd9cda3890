// The compare page through the whole app (app.inject), on the small hand-made directory around Leeds.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testConfig } from '../testing/database.ts';
import { startFixtureApp } from '../testing/directory-fixture.ts';

let app: FastifyInstance;
let close: () => Promise<void>;

before(async () => ({ app, close } = await startFixtureApp('web')));
after(() => close());

const get = (url: string) => app.inject({ method: 'GET', url });
const query = (q: Record<string, string>) => `/?${new URLSearchParams(q).toString()}`;
const SEARCH = { specialty: '110', postcode: 'LS1 4AP', sortBy: 'WAIT', distance: 'any' };
/** The service ids of the options shown, in order. */
const shown = (html: string) => [...html.matchAll(/data-service-id="([^"]+)"/g)].map((m) => m[1]);

describe('GET /', () => {
  test('the empty form: 200 HTML, one h1, the specialties that have services', async () => {
    const res = await get('/');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html; charset=utf-8/);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.match(res.body, /<h1>Compare hospitals by waiting time and distance<\/h1>/);
    assert.equal(res.body.match(/<h1/g)?.length, 1);
    assert.match(res.body, /<title>Compare hospitals by waiting time and distance – OpenChoice – NHS<\/title>/);
    assert.match(res.body, /<option value="110">Trauma and Orthopaedics<\/option>/);
    assert.match(res.body, /<option value="130">Ophthalmology<\/option>/);
    assert.doesNotMatch(res.body, /nhsuk-error-summary/);
    assert.doesNotMatch(res.body, /id="results"/);
  });

  test('a search shows the ranked options, shortest wait first', async () => {
    const res = await get(query(SEARCH));
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<h2 id="results-heading">6 services match<\/h2>/);
    assert.deepEqual(shown(res.body), ['S6-110', 'S5-110', 'S4-110', 'S3-110', 'S2-110']);
    assert.match(res.body, /<strong>1 week<\/strong>/);
    assert.match(res.body, /Measured 30 April 2026/);
    assert.match(res.body, /124\.3 miles/);
    assert.doesNotMatch(res.body, /\d km\b/, 'distances in miles only');
    assert.match(res.body, /<title>Trauma and Orthopaedics near LS1 4AP – OpenChoice – NHS<\/title>/);
    assert.doesNotMatch(res.body, /id="shortfall"/);
  });

  test('nearest first, in any case and spacing of postcode', async () => {
    const res = await get(query({ ...SEARCH, postcode: 'ls14ap', sortBy: 'DISTANCE' }));
    assert.equal(res.statusCode, 200);
    assert.deepEqual(shown(res.body), ['S1-110', 'S2-110', 'S3-110', 'S4-110', 'S5-110']);
  });

  test('fewer than 5 within the distance: the shortfall and its suggestion', async () => {
    const res = await get(query({ ...SEARCH, distance: '50' }));
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /4 services match/);
    assert.deepEqual(shown(res.body), ['S4-110', 'S3-110', 'S2-110', 'S1-110']);
    assert.match(res.body, /id="shortfall"/);
    assert.match(res.body, /<p id="shortfall-reason">Only 4 Trauma and Orthopaedics services are within 50 miles of LS1 4AP\./);
    assert.doesNotMatch(res.body, /\d km\b/, 'the warning speaks miles, as the choices do');
    // The wider searches are this search again with a larger distance, and they find more.
    const links = [...res.body.matchAll(/<a href="([^"]+)" id="widen-([^"]+)">/g)].map((m) => [m[2], m[1]!.replaceAll('&amp;', '&')]);
    assert.ok(links.length > 0, 'a way to widen the search');
    for (const [, href] of links) {
      assert.match(href!, /^\/\?specialty=110&postcode=LS1\+4AP&sortBy=WAIT&distance=(100|any)#results$/);
      const wider = await get(href!.replace(/#.*/, ''));
      assert.equal(wider.statusCode, 200);
      assert.ok(shown(wider.body).length > 4, href);
    }
  });

  test('missing answers: 400 with the error summary and inline messages', async () => {
    const res = await get('/?specialty=&postcode=');
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /<title>Error: Compare hospitals/);
    assert.match(res.body, /class="nhsuk-error-summary"/);
    for (const field of ['specialty', 'postcode', 'sortBy', 'distance']) {
      assert.match(res.body, new RegExp(`<a href="#${field}">`));
      assert.match(res.body, new RegExp(`id="${field}-error"`));
    }
  });

  test('a malformed postcode: 400, linked to the field, with what was typed kept', async () => {
    const res = await get(query({ ...SEARCH, postcode: 'NOT A POSTCODE' }));
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /<a href="#postcode">\s*Enter a real postcode/);
    assert.match(res.body, /value="NOT A POSTCODE"/);
    assert.match(res.body, /<option value="110" selected>/);
  });

  test('a postcode the directory does not know: 422 from the shortlist engine, on the postcode field', async () => {
    const res = await get(query({ ...SEARCH, postcode: 'LS2 9ZZ' }));
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /<a href="#postcode">\s*We cannot find LS2 9ZZ/);
    assert.match(res.body, /id="postcode-error"/);
  });

  test('a specialty that is not offered: 400', async () => {
    const res = await get(query({ ...SEARCH, specialty: '999' }));
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /<a href="#specialty">\s*Select a specialty from the list/);
  });
});

describe('when something breaks', () => {
  test('a failure behind a page is the NHS "problem with the service" page, status 500', async () => {
    const { default: Fastify } = await import('fastify');
    const { registerPagePlatform } = await import('../web/platform.ts');
    const { shortlistPages } = await import('./pages.ts');
    const bare = Fastify({ logger: false });
    await bare.register(async (pages) => {
      await registerPagePlatform(pages, testConfig());
      // Unused: both seams below replace what would reach the database.
      const deps = { database: {}, directory: {}, postcodes: {}, earliestSlots: {}, config: testConfig() } as never;
      await pages.register(
        shortlistPages(deps, {
          specialties: async () => [{ code: '110', name: 'Trauma and Orthopaedics' }],
          shortlist: async () => {
            throw new Error('database down');
          },
        }),
      );
    });
    const res = await bare.inject(query(SEARCH));
    assert.equal(res.statusCode, 500);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(res.body, /<h1>Sorry, there is a problem with the service<\/h1>/);
    assert.doesNotMatch(res.body, /database down/);
    await bare.close();
  });
});
