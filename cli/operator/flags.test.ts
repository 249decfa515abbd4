import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  booleanValue,
  duration,
  endpointList,
  listenAddress,
  namespaceList,
  positiveInt,
} from './flags.ts';

describe('operator flag values', () => {
  it('reads listen addresses as controller-runtime writes them', () => {
    expect(listenAddress(':8081')).toEqual({ host: '0.0.0.0', port: 8081 });
    expect(listenAddress('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(listenAddress('[::1]:9')).toEqual({ host: '::1', port: 9 });
    expect(listenAddress('0')).toBe(false);
    for (const bad of ['8081', 'host:', ':99999', 'a:b:c'])
      expect(() => listenAddress(bad), bad).toThrow(InvalidArgumentError);
  });
  it('reads durations', () => {
    expect(duration('15s')).toBe(15_000);
    expect(duration('500ms')).toBe(500);
    expect(duration('2m')).toBe(120_000);
    expect(duration('3')).toBe(3000);
    for (const bad of ['0s', '-1s', '1h', 'soon', ''])
      expect(() => duration(bad), bad).toThrow(InvalidArgumentError);
  });
  it('reads counts, booleans, endpoints and namespaces', () => {
    expect(positiveInt(64)('8')).toBe(8);
    for (const bad of ['0', '65', '1.5', 'x', '1e3'])
      expect(() => positiveInt(64)(bad), bad).toThrow(/whole number/);
    expect(booleanValue('FALSE')).toBe(false);
    expect(booleanValue('yes')).toBe(true);
    expect(() => booleanValue('maybe')).toThrow(/true or false/);
    expect(endpointList('http://127.0.0.1:2379, https://e:2379')).toEqual([
      'http://127.0.0.1:2379',
      'https://e:2379',
    ]);
    for (const bad of ['', 'etcd:2379', 'ftp://e:1', 'http://e'])
      expect(() => endpointList(bad), bad).toThrow(InvalidArgumentError);
    expect(namespaceList('kube-system, default')).toEqual(['kube-system', 'default']);
    expect(() => namespaceList('Bad_NS')).toThrow(/namespace/);
  });
});
