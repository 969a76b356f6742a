import { describe, expect, it } from 'vitest';
import { buildHive, dword, sz } from '../../test/helpers/hive.js';
import { HiveError, isHive, readHive } from './regf.js';

const listed = (buf: Buffer) => readHive(buf).values.map((v) => [v.number, v.path, v.name, v.type, v.type === 4 ? v.data.readUInt32LE(0) : v.data.toString('utf16le').replace(/\0$/, '')]);

describe('readHive', () => {
  it('lists every value depth first with its key path below the root, ASCII and UTF-16 names alike', () => {
    const buf = buildHive({
      name: '{75FC3BF7-162F-49C3-BCE0-13755109D65D}',
      values: [dword('PolicyVersion', 538)],
      keys: [
        { name: 'DomainProfile', values: [dword('EnableFirewall', 0)], keys: [{ name: 'Logging', values: [sz('LogFilePath', 'x.log')] }] },
        { name: 'FirewallRules', unicodeName: true, values: [sz('{A}', 'v2.26|Action=Allow|Dir=In|')] },
      ],
    });
    expect(isHive(buf)).toBe(true);
    const hive = readHive(buf);
    expect(hive.rootName).toBe('{75FC3BF7-162F-49C3-BCE0-13755109D65D}');
    expect(hive.clean).toBe(true);
    expect(listed(buf)).toEqual([
      [1, '', 'PolicyVersion', 4, 538],
      [2, 'DomainProfile', 'EnableFirewall', 4, 0],
      [3, 'DomainProfile\\Logging', 'LogFilePath', 1, 'x.log'],
      [4, 'FirewallRules', '{A}', 1, 'v2.26|Action=Allow|Dir=In|'],
    ]);
  });

  it.each(['lf', 'li', 'ri'] as const)('follows %s sub key lists', (list) => {
    const keys = ['A', 'B', 'C'].map((name) => ({ name, values: [dword('n', name.charCodeAt(0))] }));
    expect(listed(buildHive({ name: 'root', keys, list })).map((v) => v[1])).toEqual(['A', 'B', 'C']);
  });

  it('joins the segments of big data (db cells) for values over 16344 bytes', () => {
    const text = `v2.26|${'Desc=x|'.repeat(2000)}`;
    const [v] = readHive(buildHive({ name: 'root', values: [sz('long', text)] })).values;
    expect(v!.data.length).toBe((text.length + 1) * 2);
    expect(v!.data.toString('utf16le')).toBe(`${text}\0`);
  });

  it('reports a hive whose sequence numbers differ as not clean', () => {
    expect(readHive(buildHive({ name: 'root' }, { dirty: true })).clean).toBe(false);
  });

  it('refuses what is not a hive, and structures that point outside the file', () => {
    expect(() => readHive(Buffer.from('PReg\x01\x00\x00\x00'))).toThrow(HiveError);
    const buf = buildHive({ name: 'root', values: [sz('v', 'a long enough string')] });
    buf.writeUInt32LE(0x7fff0000, 36);
    expect(() => readHive(buf)).toThrow(/lies outside the file/);
  });

  it('refuses a key that is its own sub key', () => {
    const buf = buildHive({ name: 'root', keys: [{ name: 'A' }] });
    // Point the only sub key list entry back at the root key.
    const root = buf.readUInt32LE(36);
    const list = buf.readUInt32LE(4096 + root + 4 + 28);
    buf.writeUInt32LE(root, 4096 + list + 4 + 4);
    expect(() => readHive(buf)).toThrow(/reached twice/);
  });
});
