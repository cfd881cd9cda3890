// `npm run test:unit`: the tests that need no database, server or browser (see src/testing/unit-tests.ts), in
// seconds. `npm test` still runs everything.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { unitTestFiles } from '../../src/testing/unit-tests.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const files = await unitTestFiles(root);
process.stdout.write(`${files.length} unit test files\n`);
const child = spawn(process.execPath, ['--test', ...process.argv.slice(2), ...files], { cwd: root, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
