// SPDX-License-Identifier: Apache-2.0
// `syscage diff A B [target options] [--json]`: every region of the decision space where two
// profiles or filters (any mix) give different verdicts, per ABI and syscall, each with one
// witness call checked on both sides; "equivalent" when there is none. Profiles are compiled for
// the target first, so the comparison is of what the kernel would run. Exit 0 equivalent, 1
// different (or not proved equivalent), 2 bad input.

import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import type { Arch } from '../../arch/arch.js';
import { formatAction } from '../../seccomp/action.js';
import { hex32 } from '../../bits.js';
import { diffPrograms } from '../../analysis/diff/diff.js';
import { diffRows, formatRows, type DiffRow } from '../../analysis/diff/report.js';
import { loadSource, type Source } from '../source.js';
import { liveSource } from './dump.js';
import { addTargetOptions, parseTarget, type TargetOptions } from '../target.js';
import { EXIT_BAD_INPUT, EXIT_FOUND, EXIT_OK, printJson, stopOnErrors } from '../output.js';
import type { Host } from '../host.js';
import type { ParsedTarget } from '../target.js';

export function rowJson(r: DiffRow, a: string, b: string) {
  return {
    abi: r.abi,
    syscall: r.syscall,
    ...(r.nr !== undefined ? { nr: r.nr } : {}),
    conditions: r.conditions,
    exact: r.exact,
    [a]: r.a !== undefined ? { value: hex32(r.a, 8), action: formatAction(r.a) } : null,
    [b]: r.b !== undefined ? { value: hex32(r.b, 8), action: formatAction(r.b) } : null,
    witness: r.witness ? { call: r.witness.call, nr: r.witness.data.nr, arch: hex32(r.witness.data.arch, 8), args: r.witness.data.args, ip: r.witness.data.instructionPointer, [a]: formatAction(r.witness.a), [b]: formatAction(r.witness.b) } : null,
    regions: r.regions,
  };
}

/** Loads both sides; on bad input reports and returns the exit code. */
export function loadPair(host: Host, files: readonly [string, string], target: ParsedTarget, json: boolean): { a: Source; b: Source } | number {
  const arch = target.arches?.[0];
  const out: Source[] = [];
  for (const f of files) {
    const s = liveSource(host, f) ?? loadSource(host, f, target, arch); // pid:N: a running process's filters
    if (!s.program) return stopOnErrors(host, s.diagnostics, json, s.name) ?? EXIT_BAD_INPUT;
    out.push(s);
  }
  return { a: out[0]!, b: out[1]! };
}

/** The ABIs to list first: the sources' own, native first. */
export function abiOrder(a: Source, b: Source, target: ParsedTarget): Arch[] {
  return [...new Set([...(a.arches ?? []), ...(b.arches ?? []), ...(target.arches ?? []), ...(target.host ? [target.host] : [])])];
}

export function register(parent: Command, ctx: CommandContext): void {
  addTargetOptions(parent
    .command('diff')
    .description('exact differences between two profiles or filters (any mix), per ABI and syscall, each with a witness call; "equivalent" when none')
    .argument('<a>', 'profile (JSON) or filter (raw/base64), or pid:N (a running process\'s filters), the "before" side')
    .argument('<b>', 'profile (JSON) or filter (raw/base64), or pid:N, the "after" side'))
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExit status: 0 equivalent, 1 different (or not proved equivalent), 2 bad input.\n\nExamples:\n  syscage diff old.json new.json\n  syscage diff profile.json filter.bpf --host amd64\n')
    .action((fa: string, fb: string, opts: TargetOptions & { json?: boolean }) => {
      const { host } = ctx;
      const json = !!opts.json;
      const target = parseTarget(opts, host);
      const stop = stopOnErrors(host, target.diagnostics, json);
      if (stop !== undefined) return void (ctx.exitCode = stop);
      const pair = loadPair(host, [fa, fb], target, json);
      if (typeof pair === 'number') return void (ctx.exitCode = pair);
      const { a, b } = pair;
      const result = diffPrograms(a.program!, b.program!);
      const order = abiOrder(a, b, target);
      const rows = diffRows(result, a.program!, b.program!, order);
      const undecided = diffRows(result, a.program!, b.program!, order, 'undecided');
      const equivalent = rows.length === 0 && undecided.length === 0 && result.complete;
      ctx.exitCode = equivalent ? EXIT_OK : EXIT_FOUND;
      if (json) {
        printJson(host, {
          ok: true, a: a.name, b: b.name, equivalent, complete: result.complete, regionsCompared: result.cells,
          differences: rows.map((r) => rowJson(r, 'a', 'b')),
          undecided: undecided.map((r) => rowJson(r, 'a', 'b')),
        });
        return;
      }
      const out: string[] = [];
      if (equivalent) out.push(`${a.name} and ${b.name} are equivalent: the same verdict everywhere (${result.cells} regions of the decision space compared, every ABI and arch value)`);
      else {
        out.push(...formatRows(rows, { a: 'was', b: 'is now' }, formatAction));
        if (undecided.length) out.push('', `not decided exactly (${undecided.length}):`, ...formatRows(undecided, { a: 'was', b: 'is now' }, formatAction));
        if (!result.complete) out.push('', 'the exploration budget ran out: the list may be incomplete');
        const abis = new Set(rows.map((r) => r.abi)).size;
        out.push('', `${rows.length} difference${rows.length === 1 ? '' : 's'} in ${abis} ABI${abis === 1 ? '' : 's'} (${result.cells} regions compared)`);
      }
      host.stdout(out.join('\n') + '\n');
    });
}
