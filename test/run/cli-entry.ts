// The CLI from source, as a process of its own (what `syscage` is after `npm run build`), for
// the tests that must really exec: run.test.ts spawns `node --import tsx test/run/cli-entry.ts`.
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
