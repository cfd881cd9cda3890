// An unhandled rejection that says the database is unreachable (pg-boss not waiting for its own writes during a
// restart) is logged and survived; any other still ends the process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { whenUnhandledRejection } from './unhandled-rejection.ts';

test('a rejection saying the database is unreachable is logged in one line; any other is thrown on', () => {
  const warned: string[] = [];
  const handle = whenUnhandledRejection({ warn: (_obj, msg) => void warned.push(msg) });
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  assert.doesNotThrow(() => handle(refused));
  assert.doesNotThrow(() => handle(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })));
  assert.equal(warned.length, 2);
  assert.match(warned[0]!, /database was unreachable: connect ECONNREFUSED/);

  const bug = new TypeError('Cannot read properties of undefined');
  assert.throws(() => handle(bug), (e) => e === bug);
  assert.throws(() => handle(Object.assign(new Error('duplicate key'), { code: '23505' })), /duplicate key/);
  assert.equal(warned.length, 2);
});

test('in a real process: an unhandled ECONNREFUSED rejection is survived, an unhandled TypeError still ends it', async () => {
  const { spawnSync } = await import('node:child_process');
  const run = (reason: string) =>
    spawnSync(process.execPath, ['--input-type=module', '-e', `
      const { whenUnhandledRejection } = await import(${JSON.stringify(new URL('./unhandled-rejection.ts', import.meta.url).href)});
      process.on('unhandledRejection', whenUnhandledRejection({ warn: (_o, m) => console.log(m) }));
      Promise.reject(${reason});
      setTimeout(() => console.log('still running'), 50);`], { encoding: 'utf8' });
  const survived = run(`Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })`);
  assert.equal(survived.status, 0, survived.stderr);
  assert.match(survived.stdout, /database was unreachable[\s\S]*still running/);
  const ended = run(`new TypeError('a bug')`);
  assert.equal(ended.status, 1);
  assert.doesNotMatch(ended.stdout, /still running/);
  assert.match(ended.stderr, /TypeError: a bug/);
});
