/**
 * `registry.pol`, the registry settings of a Group Policy Object (`…\Machine\registry.pol` in SYSVOL and in GPO
 * backups), binary format of [MS-GPREG] 2.2.1: the signature `PReg`, version 1 (both 32-bit little-endian), then
 * records `[key;value;type;size;data]` where `[`, `;`, `]` are UTF-16LE characters, key and value are
 * NUL-terminated UTF-16LE strings, type and size 32-bit little-endian, and data `size` bytes.
 * A record's "line" is its 1-based number in the file.
 */
import type { ExportFile } from '../index.js';
import { ParseError } from '../parse-error.js';
import type { WindowsFormatReader, WindowsPolicy } from './model.js';
import { firewallKey, policyFromRegistry, registryValue, type RegistryValue } from './registry-policy.js';

const FORMAT = 'registry.pol (Group Policy)';
const SIGNATURE = 0x67655250; // "PReg"
const VERSION = 1;

interface PolRecord {
  readonly number: number;
  readonly key: string;
  readonly name: string;
  readonly type: number;
  readonly data: Buffer;
}

export const registryPolReader: WindowsFormatReader = {
  format: FORMAT,

  detect({ bytes }: ExportFile): boolean {
    if (!bytes || bytes.length < 8) return false;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return view.getUint32(0, true) === SIGNATURE && view.getUint32(4, true) === VERSION;
  },

  read({ bytes, file }: ExportFile): WindowsPolicy {
    if (!bytes) throw new ParseError(file, undefined, 'a text file, not a registry.pol');
    const values: RegistryValue[] = [];
    const diagnostics: WindowsPolicy['diagnostics'][number][] = [];
    let outside = 0;
    for (const r of polRecords(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), file)) {
      const where = firewallKey(r.key);
      if (!where) {
        outside++;
        continue;
      }
      if (r.name === '') continue; // creates the key only
      if (r.name.startsWith('**')) {
        // Deletions (`**del.X`, `**DelVals.`) and other instructions to the client change no setting this GPO makes.
        diagnostics.push({ line: r.number, level: 'info', message: `instruction ${r.name} on ${r.key} sets nothing and is not applied` });
        continue;
      }
      values.push(registryValue(where.store, where.path, r.name, r.type, r.data, r.number));
    }
    const policy = policyFromRegistry(FORMAT, file, values, outside);
    return { ...policy, diagnostics: [...diagnostics, ...policy.diagnostics] };
  },
};

/** Every record of a registry.pol body; throws ParseError naming the record that is cut short or malformed. */
function polRecords(buf: Buffer, file: string): PolRecord[] {
  const records: PolRecord[] = [];
  let pos = 8;
  while (pos < buf.length) {
    const number = records.length + 1;
    const fail = (what: string): never => {
      throw new ParseError(file, number, `registry.pol record ${number} at byte ${pos}: ${what}`);
    };
    const expectChar = (c: string) => {
      if (pos + 2 > buf.length || buf.readUInt16LE(pos) !== c.charCodeAt(0)) fail(`expected "${c}"`);
      pos += 2;
    };
    const string = (): string => {
      let end = pos;
      while (end + 1 < buf.length && buf.readUInt16LE(end) !== 0) end += 2;
      if (end + 1 >= buf.length) fail('string runs past the end of the file');
      const s = buf.toString('utf16le', pos, end);
      pos = end + 2;
      return s;
    };
    const dword = (): number => {
      if (pos + 4 > buf.length) fail('cut short');
      const n = buf.readUInt32LE(pos);
      pos += 4;
      return n;
    };
    expectChar('[');
    const key = string();
    expectChar(';');
    const name = string();
    expectChar(';');
    const type = dword();
    expectChar(';');
    const size = dword();
    expectChar(';');
    if (pos + size > buf.length) fail(`data of ${size} bytes runs past the end of the file`);
    const data = buf.subarray(pos, pos + size);
    pos += size;
    expectChar(']');
    records.push({ number, key, name, type, data });
  }
  return records;
}
