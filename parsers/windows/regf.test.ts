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

  it('refuses keys that share one values list, instead of reading it again for each (work would multiply)', () => {
    // 200 keys, each listing the same 200 values: read per reference, 40,000 values from a file of a few KiB.
    const values = Array.from({ length: 200 }, (_, k) => sz(`v${k}`, 'shared value data'));
    const buf = buildHive({ name: 'root', keys: Array.from({ length: 200 }, (_, k) => ({ name: `K${k}`, values: k === 0 ? values : [dword('n', k)] })) });
    const first = subkeys(buf, buf.readUInt32LE(36))[0]!;
    for (const key of subkeys(buf, buf.readUInt32LE(36)).slice(1)) {
      buf.writeUInt32LE(200, 4096 + key + 4 + 36);
      buf.writeUInt32LE(buf.readUInt32LE(4096 + first + 4 + 40), 4096 + key + 4 + 40);
    }
    expect(() => readHive(buf)).toThrow(/^values list at offset 0x[0-9a-f]+ is reached twice \(a loop, or a cell shared between keys or values\)$/);
  });

  it('refuses big data whose segments are one cell listed again and again', () => {
    const buf = buildHive({ name: 'root', values: [sz('long', 'x'.repeat(20000))] });
    const db = dataOffset(buf);
    const list = buf.readUInt32LE(4096 + db + 4 + 4);
    buf.writeUInt32LE(buf.readUInt32LE(4096 + list + 4), 4096 + list + 4 + 4); // the second segment is the first
    expect(() => readHive(buf)).toThrow(/^data segment at offset 0x[0-9a-f]+ is reached twice/);
  });

  it("refuses a value listed twice in its key's values list", () => {
    const buf = buildHive({ name: 'root', values: [sz('a', 'first value'), sz('b', 'second value')] });
    const root = buf.readUInt32LE(36);
    const valueList = buf.readUInt32LE(4096 + root + 4 + 40);
    const a = buf.readUInt32LE(4096 + valueList + 4);
    buf.writeUInt32LE(a, 4096 + valueList + 4 + 4);
    expect(() => readHive(buf)).toThrow(/^value at offset 0x[0-9a-f]+ is reached twice/);
  });
});

/** The offsets of the key's sub keys, from its lh list. */
function subkeys(buf: Buffer, key: number): number[] {
  const list = 4096 + buf.readUInt32LE(4096 + key + 4 + 28) + 4;
  return Array.from({ length: buf.readUInt16LE(list + 2) }, (_, k) => buf.readUInt32LE(list + 4 + k * 8));
}

/** The data offset of the root key's first value. */
function dataOffset(buf: Buffer): number {
  const valueList = buf.readUInt32LE(4096 + buf.readUInt32LE(36) + 4 + 40);
  return buf.readUInt32LE(4096 + buf.readUInt32LE(4096 + valueList + 4) + 4 + 8);
}
