import { describe, expect, it } from 'vitest';
import { readValidAttachments } from './gc-command.ts';

describe('readValidAttachments', () => {
  it('reads the spec key (and libcni’s old one); absent means none are valid', () => {
    const a = [{ containerID: 'c1', ifname: 'eth0' }];
    expect(readValidAttachments({ 'cni.dev/valid-attachments': a })).toEqual(a);
    expect(readValidAttachments({ 'cni.dev/attachments': a })).toEqual(a);
    expect(readValidAttachments({})).toEqual([]);
  });

  it('fails on a malformed list with code 7', () => {
    expect(() => readValidAttachments({ 'cni.dev/valid-attachments': {} })).toThrow(
      /must be a list/,
    );
    expect(() =>
      readValidAttachments({ 'cni.dev/valid-attachments': [{ containerID: 1 }] }),
    ).toThrow(/\[0\] must be/);
  });
});
