import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startFixtureApp } from './src/testing/directory-fixture.ts';
import { importWaitingList } from './src/waiting/waiting-list-import.ts';
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const held = () => { gc(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
const { database, close } = await startFixtureApp('mem');
const line = `9990000034,RYY,110,2026-01-01,,1960-05-01,LS1 4AP,Someone,"With a, comma",\n`;
async function* src() { yield Buffer.from('nhs_number,provider,specialty,clock_start,next_appointment_date,date_of_birth,postcode,given_name,family_name,registered_gp\n'); for (let i = 0; i < 300; i++) { if (i % 30 === 0) console.log(i, held()); yield Buffer.from(line.repeat(1000)); } }
const r = await importWaitingList(database, src(), { accountId: 1, onlyProvider: 'RXX', accessCodeSecret: 'x'.repeat(32), travelCostPencePerMile: 45 });
console.log(r.errors.length, r.errorsNotShown, held());
await close();
