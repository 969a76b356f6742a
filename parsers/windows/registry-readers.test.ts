/** The three registry-based readers: registry.pol (PReg), .reg files and .wfw hives, with what they share. */
import { describe, expect, it } from 'vitest';
import { buildHive, dword, sz } from '../../test/helpers/hive.js';
import { exportFromBytes, exportFromText } from '../export-file.js';
import { ParseError } from '../parse-error.js';
import { regFileReader } from './reg-file.js';
import { registryPolReader } from './registry-pol.js';
import { wfwHiveReader } from './wfw-hive.js';

const RULE = 'v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Public|LPort=5269|LA4=203.0.113.10|Name=XMPP (TCP-In)|';
const POLICY = 'SOFTWARE\\Policies\\Microsoft\\WindowsFirewall';
const LOCAL = 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy';

/** A registry.pol file: `PReg`, version 1, then [key;value;type;size;data] records in UTF-16LE. */
function pol(records: readonly [key: string, name: string, type: number, data: Buffer][]): Buffer {
  const w = (s: string) => Buffer.from(s, 'utf16le');
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };
  const body = records.map(([key, name, type, data]) => Buffer.concat([w('['), w(`${key}\0`), w(';'), w(`${name}\0`), w(';'), u32(type), w(';'), u32(data.length), w(';'), data, w(']')]));
  return Buffer.concat([Buffer.from('PReg'), u32(1), ...body]);
}
const polSz = (s: string) => Buffer.from(`${s}\0`, 'utf16le');
const polDword = (n: number) => dword('', n).data;

describe('registry.pol', () => {
  const file = pol([
    [POLICY, 'PolicyVersion', 4, polDword(538)],
    [`${POLICY}\\FirewallRules`, '{C245295B-F872-4582-8D46-4D16FC51C59C}', 1, polSz(RULE)],
    [`${POLICY}\\PublicProfile`, 'EnableFirewall', 4, polDword(1)],
    [`${POLICY}\\PublicProfile`, 'DefaultInboundAction', 4, polDword(1)],
    [`${POLICY}\\PublicProfile`, 'DefaultOutboundAction', 4, polDword(0)],
    [`${POLICY}\\PublicProfile`, '**del.AllowLocalPolicyMerge', 1, polSz(' ')],
    ['Software\\Policies\\Microsoft\\Windows\\WindowsUpdate', 'WUServer', 1, polSz('http://wsus')],
  ]);

  it('is recognized by its PReg signature and version', () => {
    expect(registryPolReader.detect(exportFromBytes('registry.pol', file))).toBe(true);
    expect(registryPolReader.detect(exportFromBytes('x', Buffer.from('PReg\x02\x00\x00\x00')))).toBe(false);
  });

  it('reads rules and profile DWORDs, each at its record number, and says what it passed over', () => {
    const p = registryPolReader.read(exportFromBytes('registry.pol', file));
    expect(p.rules.map((r) => [r.id, r.source.line, r.source.text, r.localPorts])).toEqual([['{C245295B-F872-4582-8D46-4D16FC51C59C}', 2, RULE, ['5269']]]);
    expect(p.profiles).toEqual({
      Public: {
        enableFirewall: { value: true, source: { line: 3, text: 'PublicProfile\\EnableFirewall = 1 (REG_DWORD)' } },
        defaultInboundAction: { value: 'block', source: { line: 4, text: 'PublicProfile\\DefaultInboundAction = 1 (REG_DWORD)' } },
        defaultOutboundAction: { value: 'allow', source: { line: 5, text: 'PublicProfile\\DefaultOutboundAction = 0 (REG_DWORD)' } },
      },
    });
    expect(p.diagnostics).toEqual([
      { line: 6, level: 'info', message: `instruction **del.AllowLocalPolicyMerge on ${POLICY}\\PublicProfile sets nothing and is not applied` },
      { line: 0, level: 'info', message: '1 registry values outside the Windows Firewall keys were ignored' },
    ]);
    expect(p.formatNotes).toHaveLength(1);
    expect(p.formatNotes[0]).toContain('Group Policy');
  });

  it('applies the pre-Vista StandardProfile to Private and Public only while neither of them is set ([MS-GPFAS] 2.2.3)', () => {
    const legacy = registryPolReader.read(exportFromBytes('r.pol', pol([[`${POLICY}\\StandardProfile`, 'EnableFirewall', 4, polDword(0)]])));
    expect(Object.keys(legacy.profiles)).toEqual(['Private', 'Public']);
    const both = registryPolReader.read(
      exportFromBytes('r.pol', pol([[`${POLICY}\\StandardProfile`, 'EnableFirewall', 4, polDword(0)], [`${POLICY}\\PublicProfile`, 'EnableFirewall', 4, polDword(1)]])),
    );
    expect(both.profiles).toEqual({ Public: { enableFirewall: { value: true, source: expect.anything() } } });
  });

  it('names the record that is cut short, and the record of a rule Windows would refuse', () => {
    const cut = file.subarray(0, file.length - 3);
    expect(() => registryPolReader.read(exportFromBytes('r.pol', cut))).toThrow(expect.objectContaining({ line: 7, message: expect.stringContaining('record 7') }));
    const bad = pol([[`${POLICY}\\FirewallRules`, '{X}', 1, polSz('v2.26|Action=Allow|Name=n|')]]);
    expect(() => registryPolReader.read(exportFromBytes('r.pol', bad))).toThrow(new ParseError('r.pol', 1, 'rule has no valid Dir (In or Out) in firewall rule {X}'));
    const action = pol([[`${POLICY}\\DomainProfile`, 'DefaultInboundAction', 4, polDword(2)]]);
    expect(() => registryPolReader.read(exportFromBytes('r.pol', action))).toThrow(/is 2, not 0 \(allow\) or 1 \(block\)/);
  });
});

describe('.reg files', () => {
  const lines = [
    'Windows Registry Editor Version 5.00',
    '',
    `[${LOCAL}]`,
    '',
    `[${LOCAL}\\FirewallRules]`,
    `"{3F6A8C21-7B4E-4D9A-A1C2-5E8F0B7D6A31}"="${RULE.replace('Name=XMPP', 'App=C:\\\\Program Files\\\\x.exe|Name=XMPP \\"federation\\"')}"`,
    '"CoreNet-Wrapped"=hex(2):76,00,32,00,2e,00,32,00,36,00,7c,00,41,00,63,00,74,00,69,00,6f,00,6e,00,3d,00,\\',
    '  42,00,6c,00,6f,00,63,00,6b,00,7c,00,44,00,69,00,72,00,3d,00,49,00,6e,00,7c,00,00,00',
    '"Old"=-',
    '',
    `[${LOCAL}\\StandardProfile]`,
    '"EnableFirewall"=dword:00000000',
    '"DisableNotifications"=dword:00000001',
    '',
    `[${LOCAL}\\StandardProfile\\Logging]`,
    '"LogFilePath"="%systemroot%\\\\system32\\\\LogFiles\\\\Firewall\\\\pfirewall.log"',
    '',
    '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\StandardProfile]',
    '"EnableFirewall"=dword:00000001',
    '',
  ];
  const unicode = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const read = (ls: readonly string[]) => regFileReader.read(exportFromBytes('edge.reg', unicode(ls.join('\r\n'))));

  it('is recognized by either header line', () => {
    expect(regFileReader.detect(exportFromBytes('edge.reg', unicode(lines.join('\r\n'))))).toBe(true);
    expect(regFileReader.detect(exportFromText('edge.reg', 'REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\X]\n'))).toBe(true);
    expect(regFileReader.detect(exportFromText('edge.txt', 'v2.26|Action=Allow|'))).toBe(false);
  });

  it('reads escaped strings, wrapped hex(2) strings and DWORDs, each at its first line with its lines verbatim', () => {
    const p = read(lines);
    expect(p.rules.map((r) => [r.id, r.source.line, r.program, r.displayName])).toEqual([
      ['{3F6A8C21-7B4E-4D9A-A1C2-5E8F0B7D6A31}', 6, 'C:\\Program Files\\x.exe', 'XMPP "federation" (TCP-In)'],
      ['CoreNet-Wrapped', 7, undefined, undefined],
    ]);
    expect(p.rules[1]).toMatchObject({ action: 'block', direction: 'in' });
    expect(p.rules[1]!.source.text).toBe(`${lines[6]}\n${lines[7]}`);
    expect(p.diagnostics).toContainEqual({ line: 9, level: 'info', message: 'deletes value "Old": sets nothing' });
  });

  it('reads the local store StandardProfile as Private, and lets a Group Policy setting win over the local one', () => {
    const p = read(lines);
    expect(p.profiles.Private?.enableFirewall).toEqual({ value: true, source: { line: 19, text: '"EnableFirewall"=dword:00000001' } });
    const local = read(lines.slice(0, 17));
    expect(local.profiles.Private?.enableFirewall).toEqual({ value: false, source: { line: 12, text: '"EnableFirewall"=dword:00000000' } });
    expect(local.formatNotes[0]).toContain('local firewall store only');
  });

  it('finds the local store below ControlSet001 too, and reads REGEDIT4 files in the ANSI code page', () => {
    const ansi = Buffer.concat([
      Buffer.from('REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\FirewallRules]\r\n"{A}"="', 'latin1'),
      Buffer.from('v2.26|Action=Allow|Active=TRUE|Dir=In|Name=Microsoft\xae Backup|', 'latin1'),
      Buffer.from('"\r\n', 'latin1'),
    ]);
    expect(regFileReader.read(exportFromBytes('old.reg', ansi)).rules[0]!.displayName).toBe('Microsoft® Backup');
  });

  it('names the line of a value it cannot read', () => {
    expect(() => read([...lines.slice(0, 5), '"x"=qword:1'])).toThrow(expect.objectContaining({ file: 'edge.reg', line: 6, message: 'unknown value data qword:1' }));
    expect(() => read([lines[0]!, '"x"="y"'])).toThrow(expect.objectContaining({ line: 2, message: 'value outside any [key]' }));
    expect(() => read([...lines.slice(0, 5), '"{B}"="v2.26|Action=Allow|Active=TRUE|Name=n|"'])).toThrow(expect.objectContaining({ line: 6, message: 'rule has no valid Dir (In or Out) in firewall rule {B}' }));
  });
});

describe('.wfw hives', () => {
  const hive = (extra: { dirty?: boolean } = {}) =>
    buildHive(
      {
        name: '{75FC3BF7-162F-49C3-BCE0-13755109D65D}',
        values: [dword('PolicyVersion', 538)],
        keys: [
          { name: 'DomainProfile', values: [dword('EnableFirewall', 0)] },
          { name: 'FirewallRules', values: [sz('{AFF4C86C-7C0E-490A-AF48-06E563BBFB99}', RULE)] },
          { name: 'PublicProfile', values: [dword('EnableFirewall', 1), dword('DefaultOutboundAction', 1)] },
          { name: 'StandardProfile', values: [dword('EnableFirewall', 0)] },
        ],
      },
      extra,
    );

  it('reads the rules and the three profiles, StandardProfile as Private, each value at its number', () => {
    const p = wfwHiveReader.read(exportFromBytes('fw.wfw', hive()));
    expect(wfwHiveReader.detect(exportFromBytes('fw.wfw', hive()))).toBe(true);
    expect(p.rules.map((r) => [r.id, r.source.line, r.source.text])).toEqual([['{AFF4C86C-7C0E-490A-AF48-06E563BBFB99}', 3, RULE]]);
    expect(p.profiles).toEqual({
      Domain: { enableFirewall: { value: false, source: { line: 2, text: 'DomainProfile\\EnableFirewall = 0 (REG_DWORD)' } } },
      Public: {
        enableFirewall: { value: true, source: { line: 4, text: 'PublicProfile\\EnableFirewall = 1 (REG_DWORD)' } },
        defaultOutboundAction: { value: 'block', source: { line: 5, text: 'PublicProfile\\DefaultOutboundAction = 1 (REG_DWORD)' } },
      },
      Private: { enableFirewall: { value: false, source: { line: 6, text: 'StandardProfile\\EnableFirewall = 0 (REG_DWORD)' } } },
    });
  });

  it('warns when the hive was not written out completely', () => {
    expect(wfwHiveReader.read(exportFromBytes('fw.wfw', hive({ dirty: true }))).diagnostics[0]?.message).toContain('not written out completely');
  });

  it('refuses a hive that holds no firewall, and a corrupt one, naming the file', () => {
    const other = buildHive({ name: 'ROOT', keys: [{ name: 'Software', values: [sz('x', 'y')] }] });
    expect(() => wfwHiveReader.read(exportFromBytes('other.dat', other))).toThrow(/holds no Windows Firewall rules or profiles/);
    const corrupt = hive();
    corrupt.writeUInt32LE(0x7fff0000, 36);
    expect(() => wfwHiveReader.read(exportFromBytes('fw.wfw', corrupt))).toThrow(expect.objectContaining({ file: 'fw.wfw', line: undefined }));
  });
});
