// SPDX-License-Identifier: Apache-2.0
// `syscage export [PROFILE] --to oci|docker|k8s|spo|crun|bwrap|systemd [target options] [-o FILE]`:
// a profile (JSON, or SPO YAML: FILE#NAME picks one document) in another runtime's form
// (../../export/export.ts). The document goes to -o (atomically) or standard output; what goes
// beside it for a person (k8s: the node path and the pod's securityContext; bwrap: the
// invocation) goes to standard output when -o is given, else to standard error. Nothing is
// written when there is an error. docs/export.md has the details.

import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { diag } from '../../diagnostics/messages.js';
import { exportProfile, EXPORT_FORMATS, isExportFormat } from '../../export/export.js';
import { objectNameFrom } from '../../export/spo.js';
import { DOCKER_DEFAULT_NAME, DOCKER_DEFAULT_PROFILE } from '../../profile/defaults.gen.js';
import { describeFsError } from '../host.js';
import { printDiagnostics, stopOnErrors } from '../output.js';
import { readProfileArgument } from '../source.js';
import { addTargetOptions, parseTarget, type TargetOptions } from '../target.js';

interface ExportOpts extends TargetOptions {
  to?: string;
  output?: string;
  config?: string;
  name?: string;
  namespace?: string;
  localhostProfile?: string;
  kubeletRoot?: string;
}

export function register(parent: Command, ctx: CommandContext): void {
  addTargetOptions(parent
    .command('export')
    .description('write a profile in another runtime\'s form: OCI linux.seccomp, Docker JSON, a Kubernetes Localhost profile, an SPO SeccompProfile, crun\'s BPF annotation, a bwrap program, systemd unit settings')
    .argument('[profile]', 'profile file (JSON, or SPO YAML; FILE#NAME for one document of several; - for standard input); default: the embedded Docker default'))
    .option('--to <format>', `output format: ${EXPORT_FORMATS.join(', ')}`)
    .option('-o, --output <file>', 'write here (atomically) instead of standard output; required for bwrap')
    .option('--config <file>', 'oci, crun: an OCI config.json to write into (linux.seccomp, or the annotation); the rest is kept as it is')
    .option('--name <name>', 'spo: metadata.name (default: from the file name); k8s: the file name in localhostProfile')
    .option('--namespace <ns>', 'spo: metadata.namespace')
    .option('--localhost-profile <path>', 'k8s: localhostProfile, relative to the kubelet\'s seccomp directory (default: profiles/NAME.json)')
    .option('--kubelet-root <dir>', 'k8s: the kubelet\'s --root-dir', '/var/lib/kubelet')
    .addHelpText('after', '\nExamples:\n  syscage export profile.json --to oci --host amd64 --config config.json -o config.json\n  syscage export --to spo --name docker-default -o docker-default.yaml\n  syscage export profiles.yaml#my-profile --to k8s -o my-profile.json\n  syscage export profile.json --to bwrap -o profile.bpf\n  syscage export profile.json --to systemd\n')
    .action((file: string | undefined, opts: ExportOpts) => {
      const { host } = ctx;
      const target = parseTarget(opts, host);
      const bad: Diagnostic[] = [...target.diagnostics];
      const format = opts.to;
      if (format === undefined) bad.push(diag('usage', { reason: `--to is required: one of ${EXPORT_FORMATS.join(', ')}` }, { kind: 'argument', name: '--to' }));
      else if (!isExportFormat(format)) bad.push(diag('exportUnknownFormat', { name: format }, { kind: 'argument', name: '--to' }));
      if (format === 'bwrap' && (opts.output === undefined || opts.output === '-')) bad.push(diag('exportNeedsOutput', { format }, { kind: 'argument', name: '-o' }));
      if (opts.config !== undefined && format !== 'oci' && format !== 'crun') bad.push(diag('usage', { reason: '--config goes with --to oci or --to crun' }, { kind: 'argument', name: '--config' }));
      if (!target.host && !target.arches) bad.push(diag('usage', { reason: 'this machine\'s ABI is not one syscage knows: give --host or --arch' }, { kind: 'argument', name: '--host' }));
      const stop = stopOnErrors(host, bad, false);
      if (stop !== undefined || !isExportFormat(format ?? '')) return void (ctx.exitCode = stop ?? 2);

      // the profile, and the config.json to write into
      let text = DOCKER_DEFAULT_PROFILE;
      let name = DOCKER_DEFAULT_NAME;
      let document: string | undefined;
      if (file !== undefined) {
        try {
          const read = readProfileArgument(host, file);
          text = new TextDecoder().decode(read.bytes);
          document = read.document;
          name = file === '-' ? '<stdin>' : document !== undefined ? file.slice(0, file.length - document.length - 1) : file;
        } catch (e) {
          return void (ctx.exitCode = stopOnErrors(host, [diag('readFailed', { file, reason: describeFsError(e) })], false)!);
        }
      }
      let config: { text: string; file: string } | undefined;
      if (opts.config !== undefined) {
        try {
          config = { text: new TextDecoder().decode(host.readFile(opts.config)), file: opts.config };
        } catch (e) {
          return void (ctx.exitCode = stopOnErrors(host, [diag('readFailed', { file: opts.config, reason: describeFsError(e) })], false)!);
        }
      }
      // spo metadata.name / k8s file name: --name, else the YAML document's, the output's or the input's file name
      const objectName = opts.name ?? objectNameFrom(document ?? (opts.output !== undefined && opts.output !== '-' ? opts.output : file === undefined || file === '-' ? 'docker-default' : name));
      const exported = exportProfile(text, format as typeof EXPORT_FORMATS[number], {
        host: target.host ?? target.arches![0]!,
        ...(target.caps ? { caps: target.caps } : {}),
        ...(target.kernel ? { kernel: target.kernel } : {}),
        ...(target.arches ? { arches: target.arches } : {}),
        lens: target.lens,
      }, {
        file: name,
        ...(document !== undefined ? { document } : {}),
        ...(config ? { config } : {}),
        name: objectName,
        ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}),
        ...(opts.localhostProfile !== undefined ? { localhostProfile: opts.localhostProfile } : {}),
        ...(opts.kubeletRoot !== undefined ? { kubeletRoot: opts.kubeletRoot } : {}),
        ...(opts.output !== undefined ? { output: opts.output } : {}),
      });
      const failed = stopOnErrors(host, exported.diagnostics, false, name);
      if (failed !== undefined || exported.output === undefined) return void (ctx.exitCode = failed ?? 2);
      const dest = opts.output ?? '-';
      try {
        host.writeFileAtomic(dest, exported.output);
      } catch (e) {
        return void (ctx.exitCode = stopOnErrors(host, [diag('writeFailed', { file: dest, reason: describeFsError(e) })], false)!);
      }
      printDiagnostics(host, exported.diagnostics.filter((d) => d.severity !== 'info' || d.code.startsWith('SC70')), name);
      if (exported.notes !== undefined) (dest === '-' ? host.stderr : host.stdout)(exported.notes);
    });
}
