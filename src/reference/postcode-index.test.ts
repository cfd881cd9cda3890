import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parsePostcode } from '../domain/postcode.ts';
import { openDemoTestDatabase } from '../testing/database.ts';
import { loadPostcodeIndex, postcodeKey } from './postcode-index.ts';
import { PostcodeDirectory } from './postcodes.ts';

const letter = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
const digit = fc.constantFrom(...'0123456789');
const normal = fc
  .tuple(fc.array(letter, { minLength: 1, maxLength: 2 }), digit, fc.option(fc.oneof(letter, digit), { nil: '' }), digit, letter, letter)
  .map(([area, d, extra, i, a, b]) => `${area.join('')}${d}${extra} ${i}${a}${b}`);

test('property: keys are exact, distinct and ordered as the postcodes are', () => {
  fc.assert(
    fc.property(normal, normal, (a, b) => {
      const ka = postcodeKey(a);
      const kb = postcodeKey(b);
      assert.ok(Number.isSafeInteger(ka) && ka > 0);
      assert.equal(ka === kb, a === b);
      assert.equal(ka < kb, a < b);
    }),
  );
  assert.equal(postcodeKey('LS1 4A$'), -1);
  assert.equal(postcodeKey('TOO LONG 1'), -1);
});

test('the in-memory index answers exactly as the database does, for every kind of lookup', { timeout: 300_000 }, async () => {
  const database = await openDemoTestDatabase();
  try {
    const started = Date.now();
    const index = await loadPostcodeIndex(database);
    console.log(`loaded ${index.size} postcodes into memory in ${Date.now() - started} ms`);
    assert.ok(index.size > 1_700_000);
    const { rows } = await database.pool.query<{ postcode: string; latitude: number; longitude: number }>(
      'select postcode, latitude, longitude from postcode tablesample system (1) limit 3000',
    );
    assert.ok(rows.length > 1000);
    for (const r of rows) {
      assert.deepEqual(index.find(parsePostcode(r.postcode)!), { latitude: r.latitude, longitude: r.longitude }, r.postcode);
    }
    assert.equal(index.find(parsePostcode('ZZ9 9ZZ')!), null);
    assert.ok(index.find(parsePostcode('LS1 4')!));
    assert.ok(index.find(parsePostcode('LS1')!));

    const inMemory = new PostcodeDirectory(database, { inMemory: true, maxAgeMs: 60_000 });
    const fromDatabase = new PostcodeDirectory(database, { inMemory: false, maxAgeMs: 0 });
    await inMemory.warmUp();
    for (const input of ['ls14ap', 'SW1A 1AA', 'LS1 4', 'M1', 'ZZ9 9ZZ', 'nonsense', 'AB10 1AB', 'ZE3 9JX']) {
      assert.deepEqual(await inMemory.lookup(input), await fromDatabase.lookup(input), input);
    }
    inMemory.close();
  } finally {
    await database.close();
  }
});
