#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Entry point. CommonJS so that `--version` is answered before the ES module loader starts
// (startup budget: 150 ms); everything else runs the CLI in dist/cli/main.js.
'use strict';
const argv = process.argv.slice(2);

if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(require('../package.json').version + '\n');
} else {
  import('../dist/cli/main.js').then(
    ({ main }) => main(argv),
  ).then(
    (code) => { process.exitCode = code; },
    (e) => {
      process.stderr.write(`syscage: internal error (a bug in syscage, please report it): ${e && e.stack ? e.stack : e}\n`);
      process.exitCode = 70;
    },
  );
}
