// SPDX-License-Identifier: Apache-2.0
// The catalog of diagnostics: one entry per message, with a stable code and a template.
// Codes by stage: SC1xxx profiles, SC2xxx resolve/compile, SC3xxx BPF bytes and validation,
// SC5xxx command line and targets, SC6xxx harden and presets, SC7xxx export and SPO YAML, SC8xxx live processes and this machine (dump, doctor), SC9xxx on a real system (run). Codes are never reused; retired codes stay listed.

import type { Diagnostic, Location, Severity } from './diagnostic.js';

interface MessageSpec {
  readonly code: string;
  readonly severity: Severity;
  /** `{name}` placeholders are filled from the arguments. */
  readonly text: string;
  readonly hint?: string;
}

export const messages = {
  // --- SC1xxx: profiles. SC10xx reading a profile (src/profile/), SC11xx Docker/moby resolution (src/resolve/docker.ts)
  profileTextTooLong: { code: 'SC1001', severity: 'error', text: 'the profile is {size} characters long; syscage reads profiles of up to {limit}', hint: 'real profiles are under 100 kB: check that this is the right file' },
  jsonSyntax: { code: 'SC1002', severity: 'error', text: 'invalid JSON: {reason}', hint: 'Docker and runc refuse a profile that is not valid JSON (no comments, no trailing commas)' },
  jsonTooDeep: { code: 'SC1003', severity: 'error', text: 'the JSON nests more than {limit} levels deep; a profile needs 5 (6 in a config.json)' },
  jsonWhitespace: { code: 'SC1004', severity: 'error', text: '{char} is not JSON whitespace: Go\'s decoder (Docker, runc) refuses the profile', hint: 'save the file as plain UTF-8, without a byte-order mark' },
  profileNotObject: { code: 'SC1005', severity: 'error', text: 'a profile is a JSON object, not {type}' },
  foreignFormat: { code: 'SC1006', severity: 'error', text: 'this is {format}, not a Docker/OCI seccomp profile', hint: 'syscage reads Docker/moby, Podman and OCI (linux.seccomp) JSON profiles' },
  wrongType: { code: 'SC1010', severity: 'error', text: '`{field}` must be {expected}, not {actual}: Docker and runc refuse the profile' },
  unknownField: { code: 'SC1011', severity: 'warning', text: 'unknown field `{field}`: Docker and runc ignore it{detail}' },
  fieldCase: { code: 'SC1012', severity: 'warning', text: '`{field}` is read as `{expected}` by Docker and runc (Go matches keys case-insensitively), but not by crun', hint: 'write the field name exactly as the format spells it' },
  duplicateKey: { code: 'SC1013', severity: 'warning', text: '`{field}` is given again (first at {where}); Docker and runc use the last one', hint: 'remove one of them' },
  dockerOnlyField: { code: 'SC1014', severity: 'warning', text: '`{field}` is a Docker profile field, not part of OCI linux.seccomp: runc ignores it in config.json{detail}', hint: 'resolve the profile for the target (docker run, or syscage) before writing it into config.json' },
  missingField: { code: 'SC1015', severity: 'error', text: '`{field}` is missing: runc refuses {what}' },
  missingDefaulted: { code: 'SC1016', severity: 'warning', text: '`{field}` is missing: Docker and runc read it as {value}', hint: 'write it out' },
  negativeNumber: { code: 'SC1020', severity: 'error', text: '{text} is negative: `{field}` is unsigned, so Docker and runc refuse the profile', hint: 'write the two\'s-complement value instead (for example 18446744073709551615 for -1)' },
  notInteger: { code: 'SC1021', severity: 'error', text: '{text} is not a whole number: `{field}` takes an integer written without fraction or exponent' },
  numberTooLarge: { code: 'SC1022', severity: 'error', text: '{text} does not fit in 64 bits: the largest value is 18446744073709551615 (2^64−1, 0xffffffffffffffff)' },
  argIndexRange: { code: 'SC1023', severity: 'error', text: 'argument index {index} does not exist: syscall arguments are numbered 0 to 5' },
  errnoRange: { code: 'SC1024', severity: 'error', text: '{value} does not fit in the 16 data bits of the action: `{field}` takes 0 to 65535' },
  errnoRefused: { code: 'SC1025', severity: 'warning', text: 'errno {value} is 4095 or more: libseccomp refuses ERRNO data of 4095 and above (MAX_ERRNO), so runc fails to start the container', hint: 'use a real errno, 1 to 4094' },
  unknownAction: { code: 'SC1030', severity: 'error', text: 'unknown action `{text}`', hint: 'use SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD (= SCMP_ACT_KILL), SCMP_ACT_TRAP, SCMP_ACT_TRACE, SCMP_ACT_LOG or SCMP_ACT_NOTIFY; the errno goes in errnoRet' },
  unknownOp: { code: 'SC1031', severity: 'error', text: 'unknown comparison `{text}`', hint: 'use SCMP_CMP_EQ, SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_GT, SCMP_CMP_GE or SCMP_CMP_MASKED_EQ' },
  unknownProfileArch: { code: 'SC1032', severity: 'error', text: 'unknown architecture `{text}`{detail}', hint: 'profiles spell architectures SCMP_ARCH_X86_64, SCMP_ARCH_AARCH64, …; `syscage arches` lists them' },
  unknownFlag: { code: 'SC1033', severity: 'error', text: 'unknown seccomp flag `{text}`: runc refuses it', hint: 'use SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW, SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV or SECCOMP_FILTER_FLAG_TSYNC' },
  tsyncIgnored: { code: 'SC1034', severity: 'info', text: 'runc ignores SECCOMP_FILTER_FLAG_TSYNC: it always synchronizes all threads' },
  badMinKernel: { code: 'SC1035', severity: 'error', text: 'minKernel `{text}` is not "major.minor": Docker expects two numbers from 0 to 255, not both 0 (for example "4.8")' },
  unknownErrno: { code: 'SC1036', severity: 'error', text: 'unknown errno `{text}`: Podman refuses the profile', hint: 'use a name such as EPERM or ENOSYS, or a decimal number' },
  emptyNames: { code: 'SC1040', severity: 'warning', text: 'this rule names no syscall, so it does nothing' },
  emptyName: { code: 'SC1041', severity: 'error', text: 'an empty syscall name: runc refuses it' },
  nameAndNames: { code: 'SC1042', severity: 'error', text: 'the rule has both `name` and `names`: Docker and Podman refuse the profile', hint: 'move the name into `names`' },
  valueTwoIgnored: { code: 'SC1043', severity: 'warning', text: 'valueTwo is used only by SCMP_CMP_MASKED_EQ: with {op} libseccomp ignores it' },
  maskedNeverMatches: { code: 'SC1044', severity: 'warning', text: '(arg{index} & {mask}) can never equal {value}: valueTwo has bits outside the mask (value), so the condition never holds', hint: 'SCMP_CMP_MASKED_EQ is (arg & value) == valueTwo' },
  errnoIgnored: { code: 'SC1045', severity: 'warning', text: '`{field}` has no effect with {action}: runc uses it only with SCMP_ACT_ERRNO and SCMP_ACT_TRACE' },
  archBoth: { code: 'SC1046', severity: 'error', text: 'both `architectures` and `archMap` are given: Docker and Podman refuse the profile', hint: 'keep one of them' },
  archMapDuplicate: { code: 'SC1047', severity: 'warning', text: 'archMap has a second entry for {arch} (the first is at {where}): Docker and Podman use the first' },
  seccompDisabled: { code: 'SC1048', severity: 'warning', text: 'no defaultAction and no syscalls: Docker and runc then install no seccomp filter at all', hint: 'write "defaultAction": "SCMP_ACT_ALLOW" for an explicit allow-all filter' },
  noDefaultAction: { code: 'SC1049', severity: 'error', text: '`defaultAction` is missing: runc refuses a profile that has syscalls but no default action' },
  noSeccompSection: { code: 'SC1050', severity: 'warning', text: 'this config.json has no linux.seccomp: runc runs the container without a seccomp filter' },
  unknownCapability: { code: 'SC1051', severity: 'warning', text: '`{cap}` is not a Linux capability{detail}, so this condition never holds' },
  unknownGoArch: { code: 'SC1052', severity: 'warning', text: '`{arch}` is not an architecture name Docker or Podman compares with, so this condition never holds', hint: 'Docker compares with amd64, x86, arm64, arm, ppc64le, ppc64, ppc, s390x, s390, riscv64, loongarch64, mips64, mips64n32, mipsel64, mipsel' },
  archMapNoHost: { code: 'SC1101', severity: 'warning', text: 'archMap has no entry for {host}: Docker then lists no architectures, so the filter covers {host} only and a call from any other ABI is killed (libseccomp\'s bad-arch action)', hint: 'add an archMap entry for the host, with its sub-architectures' },
  archMapNotApplied: { code: 'SC1102', severity: 'warning', text: 'Docker never applies archMap on a {host} host: {reason}; the filter covers {host} only' },
  ruleSkipped: { code: 'SC1103', severity: 'info', text: 'rule not used for this target ({names}): {reason}' },
  resolveMixedEndian: { code: 'SC1104', severity: 'error', text: '{a} is {ea}-endian and {b} is {eb}-endian: libseccomp cannot put both in one filter, so runc fails to start the container' },
  errnoDisagree: { code: 'SC1105', severity: 'warning', text: '`errno` {name} is {n} on {arch} but `errnoRet` is {m}: Podman returns {n}, Docker {m}; syscage follows the name' },
  errnoNameOnly: { code: 'SC1106', severity: 'info', text: '`errno` {name} is read by Podman only: Docker and runc see no errnoRet here and return {fallback}' },
  errnoNotOnArch: { code: 'SC1107', severity: 'error', text: '{name} is not an errno of {arch}' },
  errnoMeaning: { code: 'SC1108', severity: 'warning', text: 'errno {n} is {generic} on most ABIs but {local} on {arch}: processes there see {local}', hint: 'Podman profiles can name the errno ("errno": "ENOSYS") so that it resolves per ABI' },
  archListGiven: { code: 'SC1109', severity: 'info', text: 'the ABI list is given ({arches}): the profile\'s {field} is not used' },
  kernelAssumed: { code: 'SC1110', severity: 'info', text: 'no kernel version given: minKernel conditions are taken as met, as on a kernel ≥ {max}', hint: 'give the target kernel (major.minor) to resolve them for an older one' },
  noFilter: { code: 'SC1111', severity: 'info', text: 'the profile installs no seccomp filter: the container runs unconfined' },
  nativeAdded: { code: 'SC1112', severity: 'info', text: '{host} is not in `architectures`: runc always adds the native ABI, first' },
  notifyNoListener: { code: 'SC1113', severity: 'error', text: 'SCMP_ACT_NOTIFY is used but listenerPath is not set: runc refuses to start the container ("seccomp listenerPath is not set")', hint: 'give the Unix socket of the seccomp agent in listenerPath' },

  // --- SC3xxx: bytes and programs (kernel: net/core/filter.c bpf_check_classic, kernel/seccomp.c seccomp_check_filter)
  emptyInput: { code: 'SC3001', severity: 'error', text: 'the filter is empty: a program has 1 to 4096 instructions', hint: 'pass a file written by seccomp_export_bpf(), bwrap --seccomp or `syscage asm`' },
  lengthNotMultiple: { code: 'SC3002', severity: 'error', text: 'the filter is {bytes} bytes long, not a multiple of 8 (sizeof(struct sock_filter)): {rest} trailing bytes', hint: 'the file is truncated or is not a raw sock_filter array' },
  tooLong: { code: 'SC3003', severity: 'error', text: 'the program has {count} instructions; the kernel accepts at most 4096 (BPF_MAXINSNS)' },
  badOpcode: { code: 'SC3004', severity: 'error', text: 'opcode {code} is not classic BPF', hint: 'the filter may be in the other byte order: try --arch' },
  opcodeNotSeccomp: { code: 'SC3005', severity: 'error', text: '`{mnemonic}` (opcode {code}) is classic BPF but seccomp does not allow it' },
  loadOutOfData: { code: 'SC3006', severity: 'error', text: 'load of offset {k} is outside struct seccomp_data (64 bytes)' },
  loadMisaligned: { code: 'SC3007', severity: 'error', text: 'load of offset {k} is not 32-bit aligned' },
  jumpOutOfRange: { code: 'SC3008', severity: 'error', text: 'jump to instruction {target} is past the end of the {count}-instruction program' },
  lastNotReturn: { code: 'SC3009', severity: 'error', text: 'the last instruction is `{mnemonic}`, not a return: the program could run off its end' },
  divideByZero: { code: 'SC3010', severity: 'error', text: 'division by the constant 0' },
  shiftTooLarge: { code: 'SC3011', severity: 'error', text: 'shift by the constant {k}: the kernel allows 0 to 31' },
  scratchOutOfRange: { code: 'SC3012', severity: 'error', text: 'scratch memory cell M[{k}] does not exist: there are 16 (M[0]..M[15])' },
  scratchUnwritten: { code: 'SC3013', severity: 'error', text: 'M[{k}] is read here but not written on every path into this instruction (the kernel checks this in one linear pass, check_load_and_stores)' },
  emptyListing: { code: 'SC3020', severity: 'error', text: 'the listing has no instructions' },
  asmSyntax: { code: 'SC3021', severity: 'error', text: 'cannot read `{text}`: {reason}' },
  asmUnknownLabel: { code: 'SC3022', severity: 'error', text: 'jump target `{label}` is not a label or instruction number of this listing' },
  asmJumpBackward: { code: 'SC3023', severity: 'error', text: 'jump from {pc} to {target} goes backwards: classic BPF jumps only forward' },
  asmJumpTooFar: { code: 'SC3024', severity: 'error', text: 'conditional jump from {pc} to {target} is {distance} instructions: jt/jf reach at most 255', hint: 'insert a `ja` trampoline' },
  asmDuplicateLabel: { code: 'SC3025', severity: 'error', text: 'label `{label}` is defined twice' },
  asmPcMismatch: { code: 'SC3026', severity: 'error', text: 'line is numbered {given} but is instruction {pc}', hint: 'instruction numbers must count up from 0 without gaps, or be left out' },
  byteOrderUnknown: { code: 'SC3030', severity: 'warning', text: 'the byte order of the filter was guessed as {endian}-endian', hint: 'pass --arch to say which ABI the filter is for' },

  // --- SC2xxx: resolve and compile
  runcDropsDefaultRule: { code: 'SC2101', severity: 'warning', text: 'runc skips this rule: its action {action} equals the default action, so it never reaches libseccomp ({names})', hint: 'if the rule is meant to beat a broader rule (a companion on socketcall, an unconditional allow), give it a different action or errno, e.g. ERRNO(ENOSYS)' },
  runcSkipsUnknownName: { code: 'SC2102', severity: 'warning', text: 'runc skips `{name}`: libseccomp does not know this name, so the rule does nothing', hint: 'check the spelling; numbers are not accepted as names by runc' },
  runcSplitsSameArg: { code: 'SC2103', severity: 'warning', text: 'several conditions test the same argument, so runc adds each condition as its own rule: they are ORed, not ANDed ({names})', hint: 'express a range as separate rules (a0 < 38, a0 == 39, a0 > 40), as moby does for AF_ALG/AF_VSOCK' },
  runcNotifyDefault: { code: 'SC2104', severity: 'error', text: 'runc refuses SCMP_ACT_NOTIFY as the default action: the container would not start' },
  runcUnknownArch: { code: 'SC2106', severity: 'error', text: 'runc refuses {arch}: it is not an architecture runc knows, so the container would not start', hint: 'runc knows x86, x86_64, x32, arm, aarch64, the mips family, ppc, ppc64(le), riscv64, s390(x) and loongarch64; remove the others from the profile' },
  runcUnknownFlag: { code: 'SC2107', severity: 'error', text: 'runc refuses the flag {flag}: "seccomp flag {flag} is not known to runc", so the container would not start', hint: 'runc knows SECCOMP_FILTER_FLAG_TSYNC (ignored), SECCOMP_FILTER_FLAG_LOG and SECCOMP_FILTER_FLAG_SPEC_ALLOW' },
  runcNotifyWrite: { code: 'SC2105', severity: 'error', text: 'runc refuses SCMP_ACT_NOTIFY on `write`: the container would not start' },
  runcRuleFails: { code: 'SC2110', severity: 'error', text: 'runc would refuse to start the container: seccomp_rule_add() returns {rc} ({errno}) for this rule — {effects}', hint: 'remove the conflicting rule, or give both rules the same action' },
  libseccompRuleFails: { code: 'SC2111', severity: 'warning', text: 'seccomp_rule_add() returns {rc} ({errno}) for this rule, which is not added — {effects}' },
  libseccompEffect: { code: 'SC2112', severity: 'info', text: 'libseccomp on {arch}: {effect}' },
  programTooLarge: { code: 'SC2001', severity: 'error', text: 'the program has {count} instructions, {over} over the kernel\'s limit of 4096; instructions per ABI: {costly}', hint: 'drop ABIs the host cannot run, or merge rules with the same action' },
  // SC22xx decompile: a filter back to a profile (src/analysis/decompile/)
  decompileRetA: { code: 'SC2201', severity: 'error', text: '{arch}: the filter returns a value computed from seccomp_data (`ret a`) at instruction {pc}, e.g. for {call}; a profile\'s actions are constants' },
  decompileComputedTest: { code: 'SC2202', severity: 'error', text: '{arch}: the filter tests a computed value, {test}, e.g. for {call}; a profile can only compare arguments with constants' },
  decompileTooComplex: { code: 'SC2203', severity: 'error', text: '{arch}: the filter could not be explored exactly ({reason}, e.g. for {call}); nothing is decompiled rather than guessed', hint: 'raise --budget' },
  decompileIpTest: { code: 'SC2204', severity: 'error', text: '{arch}: the verdict of {syscall} depends on the instruction pointer ({condition}): {call} gets {value}; a profile cannot test where a call comes from' },
  decompileHighWord: { code: 'SC2205', severity: 'error', text: '{arch}: the verdict of {syscall} depends on the upper 32 bits of a{index} ({condition}, e.g. {call}), but on a 32-bit ABI libseccomp compares only the low word' },
  decompileTooManyRules: { code: 'SC2206', severity: 'error', text: '{arch}: writing the conditions of {syscall} as profile rules takes more than {limit} rules' },
  decompileAction: { code: 'SC2207', severity: 'error', text: '{where}: the filter returns {value}, and no profile can produce it: {reason}' },
  decompilePerAbi: { code: 'SC2208', severity: 'error', text: '{syscall}: no single list of rules gives what the filter does on {abis}: {call} on {arch} gets {a} from the filter but {b} from the rules that fit {source}', hint: 'a profile has one rule list for all the ABIs of a host. A filter another libseccomp exported differs where that version\'s syscall table does (Debian\'s 2.5.4 has no map_shadow_stack on x32): --compiler libseccomp proves the profile with this machine\'s libseccomp; --arch decompiles fewer ABIs' },
  decompilePerAbiRules: { code: 'SC2209', severity: 'error', text: '{syscall}: the rules that fit {source} cannot be loaded on {arch} ({reason}), and no other list of rules fits {abis}' },
  decompileUnnamed: { code: 'SC2210', severity: 'error', text: '{arch}: nr {nr} gets {value} but, in the profile, numbers without a syscall get {default}: a profile can only name syscalls' },
  decompileBadArch: { code: 'SC2211', severity: 'error', text: 'the filter answers arch values it does not handle with {value}; runc and libseccomp answer them with KILL_THREAD (the bad-arch action), which a profile cannot change' },
  decompileAbiNotListed: { code: 'SC2212', severity: 'error', text: 'the filter handles {arch} ({example}), which is not among the ABIs decompiled ({list})', hint: 'give --arch with every ABI the filter handles, native first' },
  decompileAbiUnhandled: { code: 'SC2213', severity: 'error', text: 'the filter does not handle {arch} (it gets the bad-arch action), but a profile listing it would', hint: 'leave it out of --arch' },
  decompileStub: { code: 'SC2214', severity: 'error', text: 'under the runc lens, runc\'s ENOSYS stub answers {arch} numbers above {max} with {enosys}, but the filter gives {value} for nr {nr}', hint: 'a filter seccomp_export_bpf() wrote has no stub: decompile it with --lens libseccomp' },
  decompileNotEquivalent: { code: 'SC2215', severity: 'error', text: 'the decompiled profile is not equivalent to the filter: {call} on {arch} gets {a} from the filter but {b} from the profile, so it is not returned', hint: 'this is a limit of the decompiler: please report it with the filter' },
  decompileUndecided: { code: 'SC2216', severity: 'error', text: 'equivalence could not be decided on {count} region(s) of the decision space (e.g. {call} on {arch}), so the profile is not returned' },
  decompileRecompile: { code: 'SC2217', severity: 'error', text: 'the decompiled profile does not compile for {host} under the {lens} lens: {reason}', hint: 'this is a limit of the decompiler: please report it with the filter' },
  decompileNoAbi: { code: 'SC2218', severity: 'error', text: 'the filter handles none of the ABIs {list}', hint: 'give --arch with the ABIs the filter is for' },
  decompileNotFilter: { code: 'SC2219', severity: 'error', text: '{file} is a profile: decompile reads a filter (raw or base64 struct sock_filter)', hint: 'syscage compile PROFILE -o FILTER makes the filter runc would load' },
  decompileNrMinusOne: { code: 'SC2220', severity: 'error', text: '{arch}: the filter gives nr -1 {a}, but libseccomp never answers nr -1 with the bad-arch action: its program sends it through the rules to the default ({b}), which no profile can change', hint: 'nr -1 is what a tracer leaves when it skips a call (PTRACE_SYSCALL); libseccomp ≥ 2.5 lets it through on every ABI' },
  decompile64Only: { code: 'SC2230', severity: 'info', text: '{names} gets its verdict on {abis64} but the default on {abis32}: written as rules on a0 < 2^32 and a0 > 0xffffffff, which together hold for every 64-bit value and never for a 32-bit ABI\'s low word' },
  decompileStubNames: { code: 'SC2231', severity: 'info', text: '{names}: listed with the default action only so that runc\'s ENOSYS stub starts above them (runc drops the rule itself but counts its names)' },
  decompileListener: { code: 'SC2232', severity: 'info', text: 'the filter returns USER_NOTIF; the seccomp agent\'s socket is not in a filter, so listenerPath is written as {path}', hint: 'set --listener-path to the agent\'s socket' },
  decompileLens: { code: 'SC2233', severity: 'info', text: 'proved under the {lens} lens: {why}' },

  // --- SC6xxx: harden and presets. SC60xx what harden changed or left (src/analysis/harden/), SC61xx presets and --fix (src/analysis/presets/, src/cli/)
  hardenNotJson: { code: 'SC6054', severity: 'error', text: 'harden rewrites JSON profiles in place, and this one is not JSON (a Security Profiles Operator YAML?)', hint: 'syscage export PROFILE --to docker -o profile.json, then harden that' },
  hardenInt32: { code: 'SC6001', severity: 'info', text: '{names}: {conditions} compared all 64 bits of {arg}, which the kernel reads as 32 ({type}); now {count} rule(s) test the low word only (SCMP_CMP_MASKED_EQ), so the upper half {effect}' },
  hardenInt32Never: { code: 'SC6002', severity: 'info', text: '{names} removed from this rule: {conditions} holds for every upper half of {arg} ({type}) only where the low word is never in range, so the rule let calls through by the upper 32 bits alone, which the kernel ignores' },
  hardenSameArgAnd: { code: 'SC6003', severity: 'info', text: '{names}: {conditions} test {arg} together, but runc adds each condition as its own rule (OR); now {count} rule(s) on the low word allow the range the conditions meet together' },
  hardenSameArgSplit: { code: 'SC6004', severity: 'info', text: '{names}: conditions on the same argument are written out as the {count} separate rules runc makes of them (each condition alone, ORed)' },
  hardenTooManyRules: { code: 'SC6005', severity: 'warning', text: '{names}: {conditions} would need {count} rules on the low word; left as written', hint: 'narrow the condition, or list the allowed values with SCMP_CMP_EQ' },
  hardenMuxClosed: { code: 'SC6010', severity: 'info', text: '{mux} on {abis} now gets {action}: libseccomp gives {names} companion rules on {mux} without their argument conditions, so {why}; an explicit {mux} rule whose action differs from the default is kept by runc and overrides the companions' },
  hardenMuxRemoved: { code: 'SC6011', severity: 'info', text: '{mux} removed from this rule: the explicit {mux} rule harden adds answers it' },
  hardenMuxCannot: { code: 'SC6012', severity: 'warning', text: 'the {mux} path on {abis} stays open: the default action is {action}, and an explicit {mux} rule needs a different action at least as strict (one equal to the default is dropped by runc)', hint: 'use SCMP_ACT_KILL_THREAD or SCMP_ACT_ERRNO as the default, or leave the {abis} ABI out of the profile' },
  hardenIoUringRemoved: { code: 'SC6020', severity: 'info', text: '{names} removed from this rule: io_uring performs socket, connect, openat and more without a syscall seccomp can see, and the profile restricts {restricted}' },
  hardenIoUringDenied: { code: 'SC6021', severity: 'info', text: 'io_uring_setup, io_uring_enter and io_uring_register now get {action}: the default action {default} let them through while the profile restricts {restricted}' },
  hardenNewSyscalls: { code: 'SC6030', severity: 'info', text: '{names} now get ERRNO(ENOSYS) instead of the default {action}: libc and runtimes fall back to the older calls ({fallbacks}) only on ENOSYS' },
  hardenDefaultEqual: { code: 'SC6040', severity: 'info', text: 'this rule\'s {action} equals the default action, so runc drops it while {names} stay permitted by other rules or libseccomp\'s companions; it now answers {errno}' },
  hardenDefaultEqualConflict: { code: 'SC6041', severity: 'warning', text: 'this rule\'s {action} equals the default action, so runc drops it, but {names} also have an unconditional rule with another action ({where}): a different errno here would make libseccomp refuse the pair (EEXIST); left as written', hint: 'decide which of the two rules is meant and remove the other' },
  hardenOverridden: { code: 'SC6042', severity: 'info', text: '{names} removed from this rule: libseccomp lets this unconditional {action} override the stricter rules on {names} ({others}), so they never applied' },
  hardenStepReverted: { code: 'SC6050', severity: 'warning', text: 'harden left out "{step}": {reason}' },
  hardenLeft: { code: 'SC6053', severity: 'warning', text: '{rule} still finds: {message} — harden knows no rewrite that closes it without letting something else through, so it is left as written' },
  hardenUnchanged: { code: 'SC6051', severity: 'info', text: 'nothing to harden for {target}: no bypass harden knows of' },
  hardenNeedsProfile: { code: 'SC6052', severity: 'error', text: '{file} is a filter: harden rewrites profiles (Docker/OCI JSON)', hint: 'harden the profile the filter was compiled from' },
  presetUnknown: { code: 'SC6101', severity: 'error', text: 'no preset `{name}`; the presets are {list}', hint: '`syscage init --list` describes them' },
  presetNeedsSyscalls: { code: 'SC6102', severity: 'error', text: 'the default-deny preset is built from a list of syscalls: give --syscalls a,b,c' },
  presetUnknownSyscall: { code: 'SC6103', severity: 'error', text: '`{name}` is not a syscall of any ABI{detail}' },
  presetSyscallsUnused: { code: 'SC6104', severity: 'warning', text: '--syscalls is used only by the default-deny preset; {name} ignores it' },
  fixNeedsProfile: { code: 'SC6110', severity: 'error', text: '--fix rewrites a profile file: {reason}' },

  // --- SC8xxx: live processes and this machine. SC80xx `syscage dump` and pid: inputs (src/linux/ptrace.ts, proc.ts, dump.ts),
  // SC802x stacked filters as one program (src/linux/stack.ts), SC81xx `syscage doctor` (src/linux/doctor*.ts)
  dumpBadPid: { code: 'SC8001', severity: 'error', text: '`{text}` is not a process id', hint: 'give a positive decimal number, or pid:N (for example pid:1234)' },
  dumpNoProcess: { code: 'SC8002', severity: 'error', text: 'process {pid} does not exist' },
  dumpNeedsAdmin: { code: 'SC8003', severity: 'error', text: 'reading the filters of process {pid} needs CAP_SYS_ADMIN: the kernel answered PTRACE_SECCOMP_GET_FILTER with {errno}{detail}', hint: 'run syscage dump as root (sudo); in a container, CAP_SYS_ADMIN must be held in the initial user namespace' },
  dumpPtraceDenied: { code: 'SC8004', severity: 'error', text: 'cannot ptrace process {pid} ({errno}): {reason}' },
  dumpNoFilter: { code: 'SC8005', severity: 'info', text: 'process {pid} has no seccomp filter ({mode}): {meaning}' },
  dumpFailed: { code: 'SC8006', severity: 'error', text: 'reading the filters of process {pid} failed: {step} returned {errno}' },
  dumpUnsupported: { code: 'SC8007', severity: 'error', text: 'this kernel cannot hand out seccomp filters: PTRACE_SECCOMP_GET_FILTER returned {errno}', hint: 'the kernel needs CONFIG_SECCOMP_FILTER and CONFIG_CHECKPOINT_RESTORE (Linux ≥ 4.4)' },
  dumpInvalidFilter: { code: 'SC8008', severity: 'error', text: 'filter {index} of process {pid} does not validate (the kernel loaded it, so this is a syscage bug): {detail}' },
  dumpExited: { code: 'SC8009', severity: 'error', text: 'process {pid} ended while its filters were being read' },
  dumpUnavailable: { code: 'SC8010', severity: 'error', text: 'cannot read a live process here: {reason}' },
  dumpStrict: { code: 'SC8011', severity: 'error', text: 'process {pid} is in seccomp strict mode: it runs no filter program (only read, write, _exit and sigreturn are allowed), so there is nothing to {what}' },
  dumpOutputPattern: { code: 'SC8012', severity: 'error', text: '--all-filters -o {file}: {reason}', hint: 'give a name with `%d` where the filter number goes (filter-%d.bpf), or a directory ending in /' },
  stackEmpty: { code: 'SC8020', severity: 'error', text: 'no filters to combine' },
  stackDivision: { code: 'SC8021', severity: 'error', text: 'filter {filter} divides by X, and filter {other} can return a KILL verdict: one program cannot reproduce the stack exactly (a division by zero ends it with KILL_THREAD)', hint: 'compare the filters one by one: dump --all-filters -o' },
  stackNoCell: { code: 'SC8022', severity: 'error', text: 'filter {filter} uses all 16 scratch cells and a filter before it returns a computed value: there is no cell to keep that value in while it runs', hint: 'compare the filters one by one: dump --all-filters -o' },
  stackTooLong: { code: 'SC8023', severity: 'error', text: 'the {count} stacked filters combine into more than {limit} instructions (at filter {filter}): one program cannot hold them', hint: 'compare the filters one by one: dump --all-filters -o' },
  stackInvalid: { code: 'SC8024', severity: 'error', text: 'the combined program does not validate (a syscage bug): {detail}' },
  doctorProbe: { code: 'SC8101', severity: 'warning', text: 'the {probe} probe could not run: {reason}' },
  doctorNotLinux: { code: 'SC8102', severity: 'error', text: 'doctor inspects a Linux machine: {reason}' },

  // --- SC9xxx: on a real system. SC90xx `syscage run` (src/cli/commands/run.ts, src/linux/exec.ts)
  runNotFound: { code: 'SC9001', severity: 'error', text: '{reason}: nothing was run', hint: 'give a path, or check PATH' },
  runNotExecutable: { code: 'SC9002', severity: 'error', text: '{reason}: nothing was run' },
  runNotConfined: { code: 'SC9003', severity: 'error', text: '{command} was not started, because it could not be confined: {why}' },
  runExecFailed: { code: 'SC9004', severity: 'error', text: 'execve({path}) failed under the filter: {errno}; the command did not start', hint: 'a profile must allow execve (and what the loader needs) for the command to start, as under Docker' },
  runUnknownMachine: { code: 'SC9005', severity: 'error', text: 'this machine\'s ABI ({arch}) is not one syscage knows, so no filter can be compiled for it' },
  runUnknownFlag: { code: 'SC9006', severity: 'error', text: 'the profile asks seccomp(2) for {flag}, which syscage run cannot pass' },
  runExecveDenied: { code: 'SC9007', severity: 'error', text: 'the filter answers execve with {values}, so {command} could never start; nothing was run', hint: 'runc fails the same way (exec: operation not permitted): a profile must allow execve' },

  // --- SC7xxx: export and SPO YAML. SC70xx exporting a profile (src/export/), SC71xx reading an SPO SeccompProfile (src/profile/spo.ts)
  exportUnknownFormat: { code: 'SC7001', severity: 'error', text: 'unknown export format `{name}`', hint: 'use one of oci, docker, k8s, spo, crun, bwrap, systemd' },
  exportNoFilter: { code: 'SC7002', severity: 'error', text: 'the profile installs no seccomp filter (it has no defaultAction): there is nothing to export' },
  exportNeedsOutput: { code: 'SC7003', severity: 'error', text: '--to {format} writes a binary program: give the file with -o' },
  exportConfigNotOci: { code: 'SC7004', severity: 'error', text: '{file} is not an OCI config.json: {reason}' },
  spoNoDefaultErrno: { code: 'SC7005', severity: 'error', text: 'the default action returns errno {n}, and a SeccompProfile cannot say so: its spec has no defaultErrnoRet, so the installed profile would return EPERM (1)', hint: 'export to k8s (a Localhost profile file) instead, which keeps defaultErrnoRet' },
  spoNoErrnoZero: { code: 'SC7006', severity: 'error', text: '{names}: errno 0 cannot be written in a SeccompProfile: the operator drops errnoRet 0 (omitempty), so runc would return EPERM (1)', hint: 'export to k8s (a Localhost profile file) instead' },
  spoArchNotAllowed: { code: 'SC7007', severity: 'error', text: '{arch} is not one of the architectures a SeccompProfile may list: the API server refuses the object', hint: 'resolve for another host, or export to k8s' },
  k8sBadLocalhostPath: { code: 'SC7008', severity: 'error', text: 'localhostProfile `{path}` must be a relative path inside the kubelet\'s seccomp directory (no leading /, no `..`)' },
  k8sBadName: { code: 'SC7009', severity: 'error', text: '`{name}` is not a Kubernetes object name: lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit, at most 253 characters' },
  systemdArgs: { code: 'SC7010', severity: 'warning', text: 'systemd cannot test syscall arguments: {names} {effect}', hint: 'the unit is only an approximation of the profile here; keep the profile for the container runtime' },
  systemdErrno: { code: 'SC7011', severity: 'warning', text: 'an allow-list has one SystemCallErrorNumber=: {names} return {got} under systemd, not {want}' },
  systemdAction: { code: 'SC7012', severity: 'warning', text: 'systemd has no form for {action}: {names} {effect}' },
  systemdDefault: { code: 'SC7013', severity: 'warning', text: 'systemd has no form for the default action {action}: {effect}' },
  systemdKillProcess: { code: 'SC7014', severity: 'info', text: 'systemd kills the whole process (SIGSYS), not only the calling thread: {names}' },
  systemdFlag: { code: 'SC7015', severity: 'warning', text: 'systemd has no form for the filter flag {flag}: it is left out' },
  systemdNoStub: { code: 'SC7016', severity: 'info', text: 'runc answers syscall numbers above the profile\'s highest with ENOSYS; systemd has no such rule: calls newer than the profile get {action}' },
  systemdUnknownName: { code: 'SC7017', severity: 'warning', text: 'systemd 252 does not know {names}: it ignores them in SystemCallFilter=' },
  systemdNoArch: { code: 'SC7018', severity: 'warning', text: 'systemd has no name for the ABI {arch}: SystemCallArchitectures= leaves it out, so systemd blocks its calls' },
  rawNotify: { code: 'SC7019', severity: 'warning', text: 'the program returns USER_NOTIF for {names}: loaded as a raw filter ({via}) no listener is attached, so those calls fail with ENOSYS' },
  rawFlags: { code: 'SC7020', severity: 'warning', text: 'the filter flags {flags} are not applied when the program is loaded as a raw filter ({via})' },
  exportConfigSeccomp: { code: 'SC7021', severity: 'info', text: '{file}: `linux.seccomp` {what}' },
  yamlSyntax: { code: 'SC7101', severity: 'error', text: 'invalid YAML: {reason}' },
  spoNoProfile: { code: 'SC7102', severity: 'error', text: 'no SeccompProfile in this YAML{detail}', hint: 'syscage reads Security Profiles Operator SeccompProfile documents (apiVersion security-profiles-operator.x-k8s.io/v1beta1, kind SeccompProfile)' },
  spoWrongKind: { code: 'SC7103', severity: 'error', text: 'kind `{kind}` is not SeccompProfile', hint: 'syscage reads Security Profiles Operator SeccompProfile documents, and Docker/OCI JSON profiles' },
  spoApiVersion: { code: 'SC7104', severity: 'warning', text: 'apiVersion {text} is not one the Security Profiles Operator serves (security-profiles-operator.x-k8s.io/v1alpha1, v1beta1 or v1)' },
  spoManyDocuments: { code: 'SC7105', severity: 'error', text: 'this YAML has {count} SeccompProfile documents ({names}): say which one to read', hint: 'on the command line write FILE#NAME, NAME being the metadata.name of the document' },
  spoDocumentNotFound: { code: 'SC7106', severity: 'error', text: 'no SeccompProfile named `{name}` here; the documents are: {names}' },
  spoNoSpec: { code: 'SC7107', severity: 'error', text: 'the SeccompProfile has no `spec`: the operator has nothing to install' },
  spoNotAField: { code: 'SC7108', severity: 'warning', text: '`{field}` is not a field of a SeccompProfile spec: the API server prunes it, so the installed profile has none' },
  spoBaseProfile: { code: 'SC7109', severity: 'warning', text: 'the operator unions the base profile `{name}` into this one; syscage reads this document only, so the installed profile allows more than shown here' },
  spoDisabled: { code: 'SC7110', severity: 'warning', text: 'spec.disabled is true: the operator does not install this profile' },
  spoErrnoZero: { code: 'SC7111', severity: 'warning', text: 'errnoRet 0 is dropped by the operator (omitempty): runc then returns EPERM (1)', hint: 'write the errno you mean, 1 to 4095' },
  yamlTooDeep: { code: 'SC7112', severity: 'error', text: 'the YAML nests more than {limit} levels deep; a SeccompProfile needs 6' },
  spoNotMapping: { code: 'SC7113', severity: 'error', text: '{what} is a mapping, not {type}' },
  yamlTooLarge: { code: 'SC7114', severity: 'error', text: 'the YAML expands (through aliases) to more than {limit} characters of JSON: syscage refuses it' },

  // --- SC5xxx: command line and targets
  unknownArch: { code: 'SC5001', severity: 'error', text: 'unknown architecture `{name}`', hint: 'use a libseccomp name (x86_64, aarch64, ppc64le…), SCMP_ARCH_*, or a Go name (amd64, arm64…); `syscage arches` lists them' },
  unknownSyscall: { code: 'SC5002', severity: 'error', text: '`{name}` is not a syscall of {arch}', hint: 'give the number instead, or check the spelling against `syscage simulate --table`' },
  badNumber: { code: 'SC5003', severity: 'error', text: '`{text}` is not a {bits}-bit unsigned number', hint: 'write decimal or 0x hex; 64-bit values go up to 0xffffffffffffffff' },
  tooManyArgs: { code: 'SC5004', severity: 'error', text: '{count} syscall arguments given; a syscall has at most 6' },
  readFailed: { code: 'SC5005', severity: 'error', text: 'cannot read {file}: {reason}' },
  writeFailed: { code: 'SC5006', severity: 'error', text: 'cannot write {file}: {reason}' },
  batchLine: { code: 'SC5007', severity: 'error', text: 'batch query is not valid: {reason}' },
  usage: { code: 'SC5008', severity: 'error', text: '{reason}' },
  mixedEndian: { code: 'SC5009', severity: 'error', text: 'ABIs {a} and {b} differ in byte order; one program cannot serve both' },
} as const satisfies Record<string, MessageSpec>;

export type MessageId = keyof typeof messages;

const templates = new Map<MessageId, ReadonlyArray<string | { readonly name: string }>>();

/** A message text split once into literal parts and `{name}` placeholders. */
function template(id: MessageId, text: string): ReadonlyArray<string | { readonly name: string }> {
  let parts = templates.get(id);
  if (parts === undefined) {
    parts = text.split(/\{(\w+)\}/).map((p, i) => (i % 2 === 1 ? { name: p } : p));
    templates.set(id, parts);
  }
  return parts;
}

/** Builds a Diagnostic from the catalog, filling `{name}` placeholders from `args`. */
export function diag(id: MessageId, args: Record<string, string | number> = {}, location?: Location): Diagnostic {
  const spec: MessageSpec = messages[id];
  let message = '';
  for (const part of template(id, spec.text)) message += typeof part === 'string' ? part : String(args[part.name] ?? `{${part.name}}`);
  return {
    code: spec.code,
    severity: spec.severity,
    message,
    ...(location ? { location } : {}),
    ...(spec.hint ? { hint: spec.hint } : {}),
  };
}
