// SPDX-License-Identifier: Apache-2.0
// The package version, kept equal to package.json by test/cli.test.ts (no JSON import at startup).
export const VERSION = '0.1.0';
