/**
 * Builds small registry hive files (regf) for tests, laid out as parsers/windows/regf.ts documents: a base block,
 * one hive bin, nk / vk / value-list / sub-key-list cells and, for long data, a db cell with its segments.
 */

export interface HiveKey {
  readonly name: string;
  readonly values?: readonly HiveValueSpec[];
  readonly keys?: readonly HiveKey[];
  /** How the sub keys are listed: lh (default), lf, li, or ri over two li lists. */
  readonly list?: 'lh' | 'lf' | 'li' | 'ri';
  /** Store the key name as UTF-16LE instead of ASCII. */
  readonly unicodeName?: boolean;
}

export interface HiveValueSpec {
  readonly name: string;
  readonly type: number;
  readonly data: Buffer;
}

export const REG_SZ = 1;
export const REG_DWORD = 4;

export const sz = (name: string, text: string): HiveValueSpec => ({ name, type: REG_SZ, data: Buffer.from(`${text}\0`, 'utf16le') });
export const dword = (name: string, n: number): HiveValueSpec => {
  const data = Buffer.alloc(4);
  data.writeUInt32LE(n);
  return { name, type: REG_DWORD, data };
};

class Cells {
  private readonly parts: Buffer[] = [];
  private size = 32; // the hive bin header comes first

  add(data: Buffer): number {
    const offset = this.size;
    const length = Math.ceil((data.length + 4) / 8) * 8;
    const cell = Buffer.alloc(length);
    cell.writeInt32LE(-length, 0);
    data.copy(cell, 4);
    this.parts.push(cell);
    this.size += length;
    return offset;
  }

  bin(): Buffer {
    const total = Math.ceil(this.size / 4096) * 4096;
    const header = Buffer.alloc(32);
    header.write('hbin', 0, 'latin1');
    header.writeUInt32LE(0, 4);
    header.writeUInt32LE(total, 8);
    const body = Buffer.concat([header, ...this.parts]);
    return Buffer.concat([body, Buffer.alloc(total - body.length)]);
  }
}

/** A hive whose root key is `root`; `dirty` makes the sequence numbers differ. */
export function buildHive(root: HiveKey, opts: { dirty?: boolean } = {}): Buffer {
  const cells = new Cells();
  const rootOffset = addKey(cells, root);
  const bin = cells.bin();
  const base = Buffer.alloc(4096);
  base.write('regf', 0, 'latin1');
  base.writeUInt32LE(2, 4);
  base.writeUInt32LE(opts.dirty ? 1 : 2, 8);
  base.writeUInt32LE(1, 20);
  base.writeUInt32LE(5, 24);
  base.writeUInt32LE(rootOffset, 36);
  base.writeUInt32LE(bin.length, 40);
  return Buffer.concat([base, bin]);
}

function addKey(cells: Cells, key: HiveKey): number {
  const children = (key.keys ?? []).map((k) => addKey(cells, k));
  const values = (key.values ?? []).map((v) => addValue(cells, v));
  const valueList = values.length > 0 ? cells.add(u32s(values)) : 0xffffffff;
  const subkeyList = children.length > 0 ? addSubkeyList(cells, children, key.list ?? 'lh') : 0xffffffff;
  const name = key.unicodeName ? Buffer.from(key.name, 'utf16le') : Buffer.from(key.name, 'latin1');
  const nk = Buffer.alloc(76 + name.length);
  nk.write('nk', 0, 'latin1');
  nk.writeUInt16LE(key.unicodeName ? 0 : 0x0020, 2);
  nk.writeUInt32LE(children.length, 20);
  nk.writeUInt32LE(subkeyList, 28);
  nk.writeUInt32LE(values.length, 36);
  nk.writeUInt32LE(valueList, 40);
  nk.writeUInt16LE(name.length, 72);
  name.copy(nk, 76);
  return cells.add(nk);
}

function addSubkeyList(cells: Cells, offsets: readonly number[], list: 'lh' | 'lf' | 'li' | 'ri'): number {
  if (list === 'ri') {
    const half = Math.ceil(offsets.length / 2);
    const parts = [offsets.slice(0, half), offsets.slice(half)].filter((p) => p.length > 0).map((p) => addSubkeyList(cells, p, 'li'));
    return cells.add(Buffer.concat([header('ri', parts.length), u32s(parts)]));
  }
  const entries = list === 'li' ? u32s(offsets) : Buffer.concat(offsets.map((o) => u32s([o, 0])));
  return cells.add(Buffer.concat([header(list, offsets.length), entries]));
}

function addValue(cells: Cells, v: HiveValueSpec): number {
  const name = Buffer.from(v.name, 'latin1');
  const vk = Buffer.alloc(20 + name.length);
  vk.write('vk', 0, 'latin1');
  vk.writeUInt16LE(name.length, 2);
  vk.writeUInt32LE(v.type, 12);
  vk.writeUInt16LE(1, 16);
  name.copy(vk, 20);
  if (v.data.length <= 4) {
    vk.writeUInt32LE((v.data.length | 0x80000000) >>> 0, 4);
    v.data.copy(vk, 8);
  } else {
    vk.writeUInt32LE(v.data.length, 4);
    vk.writeUInt32LE(v.data.length > 16344 ? addBigData(cells, v.data) : cells.add(v.data), 8);
  }
  return cells.add(vk);
}

function addBigData(cells: Cells, data: Buffer): number {
  const segments: number[] = [];
  for (let at = 0; at < data.length; at += 16344) segments.push(cells.add(data.subarray(at, at + 16344)));
  const list = cells.add(u32s(segments));
  const db = Buffer.alloc(8);
  db.write('db', 0, 'latin1');
  db.writeUInt16LE(segments.length, 2);
  db.writeUInt32LE(list, 4);
  return cells.add(db);
}

function header(signature: string, count: number): Buffer {
  const b = Buffer.alloc(4);
  b.write(signature, 0, 'latin1');
  b.writeUInt16LE(count, 2);
  return b;
}

function u32s(ns: readonly number[]): Buffer {
  const b = Buffer.alloc(ns.length * 4);
  ns.forEach((n, k) => b.writeUInt32LE(n >>> 0, k * 4));
  return b;
}
