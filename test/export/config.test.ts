// SPDX-License-Identifier: Apache-2.0
// Writing into a config.json (src/export/config.ts): the value lands at the path, replacing or
// inserting, and every byte outside it is what it was.

import { describe, expect, it } from 'vitest';
import { setInConfig } from '../../src/export/config.js';

const value = new Map([['defaultAction', 'SCMP_ACT_ALLOW']]);

describe('setInConfig', () => {
  it('replaces an existing value in place', () => {
    const text = '{\n  "linux": {\n    "seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": []},\n    "x": 1\n  }\n}\n';
    const out = setInConfig(text, 'c.json', ['linux', 'seccomp'], value);
    expect(out.replaced).toBe(true);
    expect(out.text).toBe('{\n  "linux": {\n    "seccomp": {\n      "defaultAction": "SCMP_ACT_ALLOW"\n    },\n    "x": 1\n  }\n}\n');
  });

  it('inserts after the last member, at its indentation (tabs kept)', () => {
    const text = '{\n\t"ociVersion": "1.2.0",\n\t"linux": {\n\t\t"namespaces": [{"type": "pid"}]\n\t}\n}\n';
    const out = setInConfig(text, 'c.json', ['linux', 'seccomp'], value);
    expect(out.replaced).toBe(false);
    expect(out.text).toBe('{\n\t"ociVersion": "1.2.0",\n\t"linux": {\n\t\t"namespaces": [{"type": "pid"}],\n\t\t"seccomp": {\n\t\t\t"defaultAction": "SCMP_ACT_ALLOW"\n\t\t}\n\t}\n}\n');
    expect(JSON.parse(out.text!).linux.seccomp.defaultAction).toBe('SCMP_ACT_ALLOW');
  });

  it('creates the missing parents, in an empty object too', () => {
    expect(JSON.parse(setInConfig('{"ociVersion": "1.2.0"}', 'c.json', ['linux', 'seccomp'], value).text!)).toEqual({ ociVersion: '1.2.0', linux: { seccomp: { defaultAction: 'SCMP_ACT_ALLOW' } } });
    expect(JSON.parse(setInConfig('{}\n', 'c.json', ['annotations', 'run.oci.seccomp_bpf_data'], 'AAAA').text!)).toEqual({ annotations: { 'run.oci.seccomp_bpf_data': 'AAAA' } });
  });

  it('refuses what is not a config.json object', () => {
    expect(setInConfig('[1]', 'c.json', ['linux', 'seccomp'], value).diagnostics.map((d) => d.code)).toEqual(['SC7004']);
    expect(setInConfig('{"linux": 3}', 'c.json', ['linux', 'seccomp'], value).diagnostics.map((d) => d.code)).toEqual(['SC7004']);
    expect(setInConfig('{"linux": ', 'c.json', ['linux', 'seccomp'], value).diagnostics.map((d) => d.code)).toEqual(['SC1002']);
  });
});
