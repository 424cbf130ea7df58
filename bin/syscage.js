#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Entry point. `--version` is answered without loading the CLI (startup budget: 150 ms).
const argv = process.argv.slice(2);

if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const { VERSION } = await import('../dist/version.js');
  process.stdout.write(VERSION + '\n');
} else {
  const { main } = await import('../dist/cli/main.js');
  try {
    process.exitCode = await main(argv);
  } catch (e) {
    process.stderr.write(`syscage: internal error (a bug in syscage, please report it): ${e && e.stack ? e.stack : e}\n`);
    process.exitCode = 70;
  }
}
