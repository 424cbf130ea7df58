// SPDX-License-Identifier: Apache-2.0
// `syscage arches`: the ABI table, so users can see which names --arch accepts.

import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { ARCHES, syscallNames } from '../../arch/index.js';
import { hex32 } from '../../bits.js';
import { printJson } from '../output.js';

export function register(parent: Command, ctx: CommandContext): void {
  parent
    .command('arches')
    .description('list the ABIs syscage knows: AUDIT_ARCH, byte order, word size, syscall-number base, names')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) => {
      const rows = ARCHES.map((a) => ({
        name: a.name, scmpName: a.scmpName, auditArch: hex32(a.auditArch, 8), endian: a.endian, bits: a.bits,
        nrBase: a.nrBase, nrBit: a.nrBit ? hex32(a.nrBit) : null, socketcall: a.multiplexers?.socketcall ?? null,
        ipc: a.multiplexers?.ipc ?? null, syscalls: syscallNames(a).length, aliases: a.aliases,
      }));
      if (opts.json) return printJson(ctx.host, { ok: true, arches: rows });
      const lines = rows.map((r) =>
        `${r.name.padEnd(12)} ${r.auditArch} ${r.endian.padEnd(6)} ${String(r.bits).padEnd(2)} ${r.syscalls} syscalls` +
        `${r.nrBase ? `, base ${r.nrBase}` : ''}${r.nrBit ? `, bit ${r.nrBit}` : ''}${r.socketcall !== null ? `, socketcall ${r.socketcall}/ipc ${r.ipc}` : ''}` +
        `  (${[r.scmpName, ...r.aliases].join(', ')})`);
      ctx.host.stdout(lines.join('\n') + '\n');
    });
}
