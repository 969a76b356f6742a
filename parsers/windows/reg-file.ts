/**
 * `.reg` files written by regedit or `reg export` of the firewall's keys: the local store
 * (`HKLM\SYSTEM\CurrentControlSet\Services\SharedAccess\Parameters\FirewallPolicy`) or Group Policy
 * (`HKLM\SOFTWARE\Policies\Microsoft\WindowsFirewall`).
 *
 *   Windows Registry Editor Version 5.00          (UTF-16LE with BOM; REGEDIT4 files are ANSI)
 *
 *   [HKEY_LOCAL_MACHINE\…\FirewallPolicy\PublicProfile]
 *   "EnableFirewall"=dword:00000001
 *
 *   [HKEY_LOCAL_MACHINE\…\FirewallPolicy\FirewallRules]
 *   "{GUID}"="v2.30|Action=Allow|…|App=%SystemRoot%\\system32\\svchost.exe|…|"
 *
 * Strings escape `\` and `"` with a backslash; other types are `dword:` or `hex(type):` byte lists, which wrap onto
 * continuation lines ending in `\`. `"name"=-` and `[-key]` delete, and set nothing.
 */
import type { ExportFile } from '../index.js';
import { ParseError } from '../parse-error.js';
import type { WindowsFormatReader, WindowsPolicy } from './model.js';
import { redactSecrets } from './secrets.js';
import { firewallKey, policyFromRegistry, REG_DWORD, REG_EXPAND_SZ, REG_SZ, type RegistryValue } from './registry-policy.js';

const FORMAT = '.reg registry export';
const HEADERS = ['Windows Registry Editor Version 5.00', 'REGEDIT4'];
const REG_BINARY = 3;
const REG_MULTI_SZ = 7;

export const regFileReader: WindowsFormatReader = {
  format: FORMAT,

  detect({ text }: ExportFile): boolean {
    return HEADERS.includes(firstLine(text));
  },

  read(input: ExportFile): WindowsPolicy {
    const { file } = input;
    // A REGEDIT4 file is decoded again from its bytes: its pre-shared keys go again (secrets.ts).
    const text = redactSecrets(decodeAnsi(input));
    const unicode = firstLine(text) === HEADERS[0];
    const lines = text.split('\n');
    const values: RegistryValue[] = [];
    const diagnostics: WindowsPolicy['diagnostics'][number][] = [];
    let key: { full: string; where: ReturnType<typeof firewallKey> } | undefined;
    let outside = 0;

    for (let k = lines.findIndex((l) => HEADERS.includes(l.trim())) + 1; k < lines.length; k++) {
      const start = k;
      // Lines are slices of the file's text: trimmed only where they have to be, so a value line is not copied.
      const line = withoutCR(lines[k]!);
      const trimmed = /^\s|\s$/.test(line) ? line.trim() : line;
      if (trimmed === '' || trimmed.startsWith(';')) continue;
      if (trimmed.startsWith('[')) {
        const m = /^\[(-?)(.+)\]$/.exec(trimmed);
        if (!m) throw new ParseError(file, k + 1, `malformed key line ${trimmed}`);
        if (m[1] === '-') diagnostics.push({ line: k + 1, level: 'info', message: `deletes key ${m[2]}: sets nothing` });
        key = m[1] === '-' ? undefined : { full: m[2]!, where: firewallKey(m[2]!) };
        continue;
      }
      // A hex value wraps: each continued line ends in a backslash.
      let logical = trimmed;
      while (logical.endsWith('\\') && /^(@|".*")=hex/.test(logical) && k + 1 < lines.length) logical = logical.slice(0, -1) + lines[++k]!.trim();
      const raw = k === start ? line : lines.slice(start, k + 1).map(withoutCR).join('\n');
      if (!key) throw new ParseError(file, start + 1, 'value outside any [key]');
      const value = parseValueLine(logical, unicode, (message) => new ParseError(file, start + 1, message));
      if (!key.where) {
        outside++;
        continue;
      }
      if (value === 'delete') {
        diagnostics.push({ line: start + 1, level: 'info', message: `deletes value ${raw.split('=')[0]}: sets nothing` });
        continue;
      }
      values.push({ store: key.where.store, path: key.where.path, name: value.name, type: value.type, data: value.data, source: { line: start + 1, text: raw } });
    }
    const policy = policyFromRegistry(FORMAT, file, values, outside);
    return { ...policy, diagnostics: [...diagnostics, ...policy.diagnostics] };
  },
};

function withoutCR(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function firstLine(text: string): string {
  const m = /^\s*(\S[^\r\n]*)/.exec(text);
  return m ? m[1]!.trim() : '';
}

/** REGEDIT4 files are in the ANSI code page: bytes that are not UTF-8 are read as Windows-1252. */
function decodeAnsi({ bytes, text }: ExportFile): string {
  if (!bytes || firstLine(text) !== 'REGEDIT4') return text; // a UTF-16 file has no bytes, and is no REGEDIT4
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

type Value = Pick<RegistryValue, 'name' | 'type' | 'data'>;

/** `"name"=data` or `@=data` → the value; 'delete' for `"name"=-`. */
function parseValueLine(line: string, unicode: boolean, error: (message: string) => ParseError): Value | 'delete' {
  let name = '';
  let pos = 1;
  if (line.startsWith('"')) {
    const s = quoted(line, 0);
    if (!s) throw error(`unterminated value name in ${line}`);
    name = s.text;
    pos = s.end;
  } else if (!line.startsWith('@')) throw error(`expected "name"=value or @=value, found ${line}`);
  if (line[pos] !== '=') throw error(`expected = after the value name in ${line}`);
  const data = line.slice(pos + 1);
  if (data === '-') return 'delete';
  if (data.startsWith('"')) {
    const s = quoted(data, 0);
    if (!s || s.end !== data.length) throw error(`malformed string value in ${line}`);
    return { name, type: REG_SZ, data: s.text };
  }
  const dword = /^dword:([0-9a-fA-F]{1,8})$/.exec(data);
  if (dword) return { name, type: REG_DWORD, data: parseInt(dword[1]!, 16) };
  const hex = /^hex(?:\(([0-9a-fA-F]{1,8})\))?:((?:[0-9a-fA-F]{2}(?:,|$))*)$/.exec(data.replace(/\s+/g, ''));
  if (!hex) throw error(`unknown value data ${data.length > 40 ? `${data.slice(0, 40)}…` : data}`);
  const type = hex[1] === undefined ? REG_BINARY : parseInt(hex[1], 16);
  const bytes = Buffer.from(hex[2]!.split(',').filter((b) => b !== '').map((b) => parseInt(b, 16)));
  return { name, type, data: hexData(type, bytes, unicode) };
}

/** A string in double quotes from `at`, with `\\` and `\"` unescaped, and the index after its closing quote. */
function quoted(s: string, at: number): { text: string; end: number } | undefined {
  let out = '';
  let from = at + 1;
  for (;;) {
    const quote = s.indexOf('"', from);
    if (quote < 0) return undefined;
    const escape = s.indexOf('\\', from);
    if (escape < 0 || escape > quote) return { text: out + s.slice(from, quote), end: quote + 1 };
    out += s.slice(from, escape) + (s[escape + 1] ?? '');
    from = escape + 2;
  }
}

/** hex(2) / hex(7) strings are UTF-16LE in a version 5 file and ANSI in REGEDIT4; hex(4) is a little-endian DWORD. */
function hexData(type: number, bytes: Buffer, unicode: boolean): string | number | undefined {
  if (type === REG_SZ || type === REG_EXPAND_SZ || type === REG_MULTI_SZ) {
    const s = unicode ? bytes.toString('utf16le') : new TextDecoder('windows-1252').decode(bytes);
    return s.replace(/\0+$/, '').replace(/\0/g, '\n');
  }
  if (type === REG_DWORD && bytes.length === 4) return bytes.readUInt32LE(0);
  return undefined;
}
