import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mayBeOutsideEngland, nationOfPostcode } from './postcode-nation.ts';

const nation = (p: string) => nationOfPostcode(p)?.nation;

test('England, Scotland, Wales, Northern Ireland, the Isle of Man and the Channel Islands by their letters', () => {
  assert.equal(nation('LS1 4AP'), 'England');
  assert.equal(nation('M1 1AE'), 'England', 'one-letter areas');
  assert.equal(nation('EH1 1YZ'), 'Scotland');
  assert.equal(nation('G1 1XQ'), 'Scotland', 'G is Glasgow, not GL or GU');
  assert.equal(nation('GL1 2EH'), 'England');
  assert.equal(nation('GU1 1AA'), 'England');
  assert.equal(nation('ZE1 0AA'), 'Scotland');
  assert.equal(nation('CF10 1EP'), 'Wales');
  assert.equal(nation('SA1 1AA'), 'Wales');
  assert.equal(nation('LL11 2AA'), 'Wales');
  assert.equal(nation('BT1 1AA'), 'Northern Ireland');
  assert.equal(nation('IM1 1AA'), 'Isle of Man');
  assert.equal(nation('JE2 3AB'), 'Channel Islands');
  assert.equal(nation('GY1 1AA'), 'Channel Islands');
});

test('partial postcodes and any spacing or case', () => {
  assert.equal(nation('eh1'), 'Scotland');
  assert.equal(nation('cf10 1'), 'Wales');
  assert.equal(nationOfPostcode('not a postcode'), null);
});

test('areas that cross a border are decided by district', () => {
  // Chester is England; Deeside and Flintshire (CH5–CH8) are Wales; the Wirral (CH41–CH66) England.
  assert.equal(nation('CH1 1AA'), 'England');
  assert.equal(nation('CH5 1AA'), 'Wales');
  assert.equal(nation('CH8 7AA'), 'Wales');
  assert.equal(nation('CH41 1AA'), 'England');
  // Shrewsbury is England; Newtown, Aberystwyth and the rest of mid Wales (SY15–SY25) Wales.
  assert.equal(nation('SY1 1AA'), 'England');
  assert.equal(nation('SY16 1AA'), 'Wales');
  assert.equal(nation('SY23 1AA'), 'Wales');
  // Berwick-upon-Tweed is England, though TD is the Scottish Borders.
  assert.equal(nation('TD15 1AA'), 'England');
  assert.equal(nation('TD1 1AA'), 'Scotland');
  // Gretna (DG16) is Scotland; all of CA (Cumbria) is England.
  assert.equal(nation('DG16 5AA'), 'Scotland');
  assert.equal(nation('CA6 5AA'), 'England');
  assert.equal(nation('NP20 1AA'), 'Wales');
  assert.equal(nation('LD1 5AA'), 'Wales');
});

test('border districts say which nation is across the border; the rest say none', () => {
  assert.deepEqual(nationOfPostcode('CH4 8AA'), { nation: 'England', acrossBorder: 'Wales' });
  assert.deepEqual(nationOfPostcode('HR3 5AA'), { nation: 'England', acrossBorder: 'Wales' });
  assert.deepEqual(nationOfPostcode('SY10 7AA'), { nation: 'England', acrossBorder: 'Wales' });
  assert.deepEqual(nationOfPostcode('SY15 6AA'), { nation: 'Wales', acrossBorder: 'England' });
  assert.deepEqual(nationOfPostcode('LD7 1AA'), { nation: 'Wales', acrossBorder: 'England' });
  assert.deepEqual(nationOfPostcode('NP16 5AA'), { nation: 'Wales', acrossBorder: 'England' });
  assert.deepEqual(nationOfPostcode('TD12 4AA'), { nation: 'Scotland', acrossBorder: 'England' });
  assert.deepEqual(nationOfPostcode('LS1 4AP'), { nation: 'England', acrossBorder: null });
  assert.deepEqual(nationOfPostcode('CF10 1EP'), { nation: 'Wales', acrossBorder: null });
});

test('a search may reach past England from outside it or from a border district, not from inside England', () => {
  const outside = (p: string) => mayBeOutsideEngland(nationOfPostcode(p)!);
  assert.equal(outside('LS1 4AP'), false);
  assert.equal(outside('CH1 1AA'), false);
  assert.equal(outside('TD15 1AA'), false);
  assert.equal(outside('CH4 8AA'), true);
  assert.equal(outside('EH1 1YZ'), true);
  assert.equal(outside('LL11 2AA'), true);
});
