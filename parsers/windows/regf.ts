/**
 * A reader for Windows registry hive files (`regf`), enough to list every value of every key. Layout as documented
 * in Joachim Metz, "Windows NT Registry File (REGF) format specification" (libyal/libregf,
 * documentation/Windows NT Registry File (REGF) format.asciidoc), whose section names are cited below:
 *
 * - File header: a 4096-byte base block, signature `regf`, primary / secondary sequence numbers at 4 / 8 (equal
 *   when the hive was written cleanly), major / minor version at 20 / 24, root key offset at 36, hive bins data
 *   size at 40. Every offset in the file is relative to the start of the hive bins data, which follows at 4096.
 * - Hive bin cell: a signed 32-bit size (negative = allocated), then the cell data.
 * - Named key `nk`: flags at 2 (0x0020: the name is ASCII), number of sub keys at 20, sub keys list offset at 28,
 *   number of values at 36, values list offset at 40, key name size at 72, the name at 76.
 * - Sub key list `lf` / `lh` (8-byte elements: key offset, hash), `li` (4-byte key offsets), `ri` (4-byte offsets of
 *   further sub key lists).
 * - Values list: a cell of 4-byte value key offsets.
 * - Value key `vk`: name size at 2, data size at 4 (MSB set: the data is stored in the data offset field itself),
 *   data offset at 8, data type at 12, flags at 16 (0x0001: the name is ASCII), the name at 20.
 * - Data block key `db` (version 1.4 and later, data over 16344 bytes): number of segments at 2, segment list offset
 *   at 4; each listed cell holds the next part of the data.
 *
 * Each of these cells belongs to one key or value, so the reader takes each at most once: a cell reached a second
 * time (a loop, or a list or data shared between keys or values) is refused. Shared cells would otherwise multiply
 * the work with each reference (a 139 KB file whose keys shared their lists took 6.4 GB); taken once each, what is
 * read is never more than the file itself.
 */

export class HiveError extends Error {}

export interface HiveValue {
  /** 1-based number of the value in reading order: sub keys in stored order, depth first. */
  readonly number: number;
  /** The key below the hive's root key, `\`-separated; '' = the root key itself. */
  readonly path: string;
  readonly name: string;
  readonly type: number;
  readonly data: Buffer;
}

export interface Hive {
  readonly rootName: string;
  readonly values: readonly HiveValue[];
  /** False when the sequence numbers differ: the hive was not written out completely. */
  readonly clean: boolean;
}

const BASE_BLOCK = 4096;
const MAX_DEPTH = 512;
const BIG_DATA_MIN = 16345;
const BIG_DATA_SEGMENT = 16344;

export function isHive(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x72 && bytes[1] === 0x65 && bytes[2] === 0x67 && bytes[3] === 0x66; // "regf"
}

/** Every value of the hive; throws HiveError when the file is not a hive or a structure points outside it. */
export function readHive(buf: Buffer): Hive {
  if (!isHive(buf) || buf.length < BASE_BLOCK) throw new HiveError('not a registry hive (no "regf" base block)');
  const major = buf.readUInt32LE(20);
  const minor = buf.readUInt32LE(24);
  if (major !== 1) throw new HiveError(`registry hive version ${major}.${minor} is not supported (1.x expected)`);
  return new HiveReader(buf, minor).read();
}

class HiveReader {
  private readonly values: HiveValue[] = [];
  /** The offsets of every cell taken so far: each is taken once (see the file comment). */
  private readonly taken = new Set<number>();

  constructor(
    private readonly buf: Buffer,
    private readonly minor: number,
  ) {}

  read(): Hive {
    const root = this.buf.readUInt32LE(36);
    const rootName = this.key(root).name;
    this.walk(root, '', 0);
    return { rootName, values: this.values, clean: this.buf.readUInt32LE(4) === this.buf.readUInt32LE(8) };
  }

  private walk(offset: number, path: string, depth: number): void {
    if (depth > MAX_DEPTH) throw new HiveError(`keys nest deeper than ${MAX_DEPTH} below ${path}`);
    this.take(offset, 'key');
    const key = this.key(offset);
    for (const v of this.valueOffsets(key)) this.values.push({ number: this.values.length + 1, path, ...this.value(v) });
    for (const sub of key.subkeys === 0 ? [] : this.subkeyOffsets(key.subkeyList)) {
      this.walk(sub, path === '' ? this.key(sub).name : `${path}\\${this.key(sub).name}`, depth + 1);
    }
  }

  /** Marks the cell at `offset` as read for `what`; the second time, the hive is refused. */
  private take(offset: number, what: string): void {
    if (this.taken.has(offset)) throw new HiveError(`${what} at offset 0x${offset.toString(16)} is reached twice (a loop, or a cell shared between keys or values)`);
    this.taken.add(offset);
  }

  /** A cell's data, bounds-checked. */
  private cell(offset: number): Buffer {
    const at = BASE_BLOCK + offset;
    if (offset === 0xffffffff || at + 4 > this.buf.length) throw new HiveError(`cell offset 0x${offset.toString(16)} lies outside the file`);
    const size = this.buf.readInt32LE(at);
    const length = Math.abs(size);
    if (length < 4 || at + length > this.buf.length) throw new HiveError(`cell at offset 0x${offset.toString(16)} runs past the end of the file`);
    return this.buf.subarray(at + 4, at + length);
  }

  private signed(offset: number, signature: string): Buffer {
    const c = this.cell(offset);
    const found = c.toString('latin1', 0, 2);
    if (found !== signature) throw new HiveError(`expected a "${signature}" cell at offset 0x${offset.toString(16)}, found "${found}"`);
    return c;
  }

  private key(offset: number): { name: string; subkeys: number; subkeyList: number; values: number; valueList: number } {
    const c = this.signed(offset, 'nk');
    const nameSize = c.readUInt16LE(72);
    if (76 + nameSize > c.length) throw new HiveError(`key name at offset 0x${offset.toString(16)} runs past its cell`);
    const ascii = (c.readUInt16LE(2) & 0x0020) !== 0;
    return {
      name: c.toString(ascii ? 'latin1' : 'utf16le', 76, 76 + nameSize),
      subkeys: c.readUInt32LE(20),
      subkeyList: c.readUInt32LE(28),
      values: c.readUInt32LE(36),
      valueList: c.readUInt32LE(40),
    };
  }

  private subkeyOffsets(offset: number, depth = 0): number[] {
    if (depth > 2) throw new HiveError(`sub key index at offset 0x${offset.toString(16)} nests too deep`);
    this.take(offset, 'sub key list');
    const c = this.cell(offset);
    const signature = c.toString('latin1', 0, 2);
    const count = c.readUInt16LE(2);
    const width = signature === 'lf' || signature === 'lh' ? 8 : 4;
    if (!['lf', 'lh', 'li', 'ri'].includes(signature)) throw new HiveError(`expected a sub key list at offset 0x${offset.toString(16)}, found "${signature}"`);
    if (4 + count * width > c.length) throw new HiveError(`sub key list at offset 0x${offset.toString(16)} runs past its cell`);
    const entries = Array.from({ length: count }, (_, k) => c.readUInt32LE(4 + k * width));
    return signature === 'ri' ? entries.flatMap((e) => this.subkeyOffsets(e, depth + 1)) : entries;
  }

  private valueOffsets(key: { values: number; valueList: number }): number[] {
    if (key.values === 0) return [];
    this.take(key.valueList, 'values list');
    const c = this.cell(key.valueList);
    if (key.values * 4 > c.length) throw new HiveError(`values list at offset 0x${key.valueList.toString(16)} runs past its cell`);
    return Array.from({ length: key.values }, (_, k) => c.readUInt32LE(k * 4));
  }

  private value(offset: number): { name: string; type: number; data: Buffer } {
    this.take(offset, 'value');
    const c = this.signed(offset, 'vk');
    const nameSize = c.readUInt16LE(2);
    const rawSize = c.readUInt32LE(4);
    const dataOffset = c.readUInt32LE(8);
    const type = c.readUInt32LE(12);
    const ascii = (c.readUInt16LE(16) & 0x0001) !== 0;
    if (20 + nameSize > c.length) throw new HiveError(`value name at offset 0x${offset.toString(16)} runs past its cell`);
    const name = c.toString(ascii ? 'latin1' : 'utf16le', 20, 20 + nameSize);
    const size = rawSize & 0x7fffffff;
    if (rawSize & 0x80000000) return { name, type, data: c.subarray(8, 8 + Math.min(size, 4)) };
    if (size === 0) return { name, type, data: Buffer.alloc(0) };
    return { name, type, data: this.data(dataOffset, size) };
  }

  private data(offset: number, size: number): Buffer {
    this.take(offset, 'value data');
    const c = this.cell(offset);
    if (size >= BIG_DATA_MIN && this.minor >= 4 && c.toString('latin1', 0, 2) === 'db') {
      const segments = c.readUInt16LE(2);
      this.take(c.readUInt32LE(4), 'data block list');
      const list = this.cell(c.readUInt32LE(4));
      if (segments * 4 > list.length) throw new HiveError(`data block list at offset 0x${c.readUInt32LE(4).toString(16)} runs past its cell`);
      const parts = Array.from({ length: segments }, (_, k) => {
        this.take(list.readUInt32LE(k * 4), 'data segment');
        return this.cell(list.readUInt32LE(k * 4)).subarray(0, BIG_DATA_SEGMENT);
      });
      const whole = Buffer.concat(parts);
      if (whole.length < size) throw new HiveError(`big data at offset 0x${offset.toString(16)} holds ${whole.length} of its ${size} bytes`);
      return whole.subarray(0, size);
    }
    if (size > c.length) throw new HiveError(`value data at offset 0x${offset.toString(16)} runs past its cell`);
    return c.subarray(0, size);
  }
}
