import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportFromText } from '../export-file.js';
import { parseErrorOf } from '../../test/helpers/parse-error.js';
import { EXPORT_COMMAND, powershellCsvReader, powershellJsonReader } from './powershell.js';

const REPO = join(import.meta.dirname, '..', '..');

const csv = (text: string) => powershellCsvReader.read(exportFromText('rules.csv', text));
const json = (text: string) => powershellJsonReader.read(exportFromText('rules.json', text));


/** Rows as Export-Csv writes them from the README's command: every field quoted, CRLF. */
const README_CSV = [
  '"Kind","Name","DisplayName","Enabled","Profile","Direction","Action","Protocol","LocalPort","RemotePort","IcmpType","LocalAddress","RemoteAddress","Program","Service","EdgeTraversalPolicy","OverrideBlockRules","DefaultInboundAction","DefaultOutboundAction"',
  '"Profile","Public","","False","Public","","","","","","","","","","","","","Block","Allow"',
  '"Rule","{1D2B}","Lync Edge - XMPP, ""federation"" (TCP-In)","True","Private, Public","Inbound","Allow","TCP","5269,5061","Any","Any","203.0.113.10","Any","Any","Any","DeferToApp","False","",""',
  '"Rule","CoreNet-Diag-ICMP4-EchoRequest-In","Echo Request (ICMPv4-In)","False","Any","Inbound","Block","ICMPv4","Any","Any","8","Any","LocalSubnet4,10.20.0.0/255.255.255.0","System","Any","Block","False","",""',
  '"Rule","{9F00}","Partner bypass","True","Domain","Outbound","Allow","UDP","Any","3478","Any","Any","Any","%SystemRoot%\\system32\\svchost.exe","termservice","Block","True","",""',
  '',
].join('\r\n');

describe('PowerShell CSV', () => {
  it('recognizes a header naming a rule and firewall columns, with , or ; and an Export-Csv #TYPE line', () => {
    const detect = (text: string) => powershellCsvReader.detect(exportFromText('x.csv', text));
    expect(detect(README_CSV)).toBe(true);
    expect(detect('Name;DisplayName;Direction;Action;LocalPort\r\n')).toBe(true);
    expect(detect('#TYPE System.Management.Automation.PSCustomObject\r\n"DisplayName","Enabled","Direction"\r\n')).toBe(true);
    expect(detect('Name,Email,Phone\r\n')).toBe(false);
    expect(detect('v2.30|Action=Allow|Dir=In|\r\n')).toBe(false);
  });

  it("reads the README command's rows: rules with their filters, profile rows with their settings", () => {
    const policy = csv(README_CSV);
    expect(policy.format).toBe('PowerShell CSV (comma-separated)');
    expect(policy.profiles).toEqual({
      Public: {
        enableFirewall: { value: false, source: expect.objectContaining({ line: 2, text: expect.stringMatching(/^"Profile","Public"/) }) },
        defaultInboundAction: { value: 'block', source: expect.objectContaining({ line: 2 }) },
        defaultOutboundAction: { value: 'allow', source: expect.objectContaining({ line: 2 }) },
      },
    });
    const [xmpp, echo, bypass] = policy.rules;
    expect(xmpp).toMatchObject({
      id: '{1D2B}',
      displayName: 'Lync Edge - XMPP, "federation" (TCP-In)',
      action: 'allow',
      direction: 'in',
      enabled: true,
      profiles: ['Private', 'Public'],
      protocol: 'TCP',
      localPorts: ['5269', '5061'],
      remotePorts: [],
      localAddresses: ['203.0.113.10'],
      remoteAddresses: [],
      icmpTypes: [],
      edgeTraversal: true,
      source: { line: 3 },
    });
    expect(xmpp!.program).toBeUndefined();
    expect(echo).toMatchObject({ action: 'block', enabled: false, profiles: [], protocol: 'ICMPv4', localPorts: [], icmpTypes: ['8'], remoteAddresses: ['LocalSubnet4', '10.20.0.0/255.255.255.0'], program: 'System' });
    expect(bypass).toMatchObject({ action: 'allow-bypass', direction: 'out', remotePorts: ['3478'], program: '%SystemRoot%\\system32\\svchost.exe', service: 'termservice' });
    expect(policy.diagnostics).toEqual([]);
    expect(policy.formatNotes).toEqual([]);
  });

  it('reads ;-separated exports with fields holding the separator, doubled quotes and line breaks, each row at its line', () => {
    const text = [
      'Name;DisplayName;Description;Enabled;Profile;Direction;Action;Protocol;LocalPort;RemotePort;LocalAddress;RemoteAddress',
      'r1;"SIP; TLS";"two',
      'lines";True;Public;Inbound;Allow;TCP;443;Any;Any;Any',
      'r2;"say ""hi""";;True;Public;Outbound;Allow;TCP;Any;5061;Any;Any',
    ].join('\n');
    const policy = csv(text);
    expect(policy.format).toBe('PowerShell CSV (semicolon-separated)');
    expect(policy.rules.map((r) => [r.id, r.displayName, r.source.line])).toEqual([
      ['r1', 'SIP; TLS', 2],
      ['r2', 'say "hi"', 4],
    ]);
    expect(policy.rules[0]!.description).toBe('two\nlines');
    expect(policy.rules[0]!.source.text).toBe('r1;"SIP; TLS";"two\nlines";True;Public;Inbound;Allow;TCP;443;Any;Any;Any');
  });

  it('splits lists joined with commas or, by string interpolation, with spaces', () => {
    const policy = csv('Name,Direction,Action,Protocol,LocalPort,RemoteAddress\r\nr,Inbound,Allow,TCP,443 5061,10.0.0.1 10.0.0.2\r\n');
    expect(policy.rules[0]).toMatchObject({ localPorts: ['443', '5061'], remoteAddresses: ['10.0.0.1', '10.0.0.2'] });
  });

  it('reads the columns an export lacks with New-NetFirewallRule defaults, and says so', () => {
    const policy = csv('Name,Protocol,Port,RemoteAddress\r\nNTP,UDP,123,Any\r\n');
    expect(policy.rules[0]).toMatchObject({ direction: 'in', action: 'allow', enabled: true, profiles: [], localPorts: ['123'], remotePorts: [] });
    expect(policy.diagnostics.map((d) => [d.line, d.level, d.message])).toEqual([
      [1, 'warning', expect.stringMatching(/^no Direction, Action, Enabled, Profile column: .*\(Inbound, Allow, enabled, all profiles\)/)],
      [1, 'info', expect.stringMatching(/Port column is read as the local port of inbound rules/)],
    ]);
    expect(policy.formatNotes.join(' ')).toMatch(/no LocalAddress column.*no OverrideBlockRules column.*no profile settings/);
  });

  it('refuses an export made from Get-NetFirewallRule alone, giving the command to run', () => {
    const noColumns = parseErrorOf(() => csv('"Name","DisplayName","Enabled","Direction","Action"\r\n"r","R","True","Inbound","Allow"\r\n'));
    expect(noColumns.line).toBe(1);
    expect(noColumns.message).toContain(EXPORT_COMMAND);
    // Select-Object of properties the rule objects lack writes the columns, empty.
    const empty = parseErrorOf(() => csv('"DisplayName","Enabled","Direction","Action","Protocol","LocalPort"\r\n"R","True","Inbound","Allow","",""\r\n'));
    expect(empty.message).toMatch(/empty in every row.*Get-NetFirewallRule alone/);
  });

  it('refuses an array written unjoined (its type name) and unknown enum values, at their row', () => {
    const header = '"Name","Direction","Action","Protocol","LocalPort"';
    expect(parseErrorOf(() => csv(`${header}\r\n"a","Inbound","Allow","TCP","443"\r\n"b","Inbound","Allow","TCP","System.String[]"\r\n`))).toMatchObject({
      line: 3,
      message: expect.stringMatching(/LocalPort holds "System\.String\[\]".*-join/),
    });
    expect(parseErrorOf(() => csv(`${header}\r\n"a","Sideways","Allow","TCP","443"\r\n`))).toMatchObject({ line: 2, message: 'Direction: unknown value "Sideways"' });
    expect(parseErrorOf(() => csv(`${header}\r\n"a","Inbound","Allow","TCP","443`))).toMatchObject({ line: 2, message: expect.stringMatching(/quoted field is not closed/) });
  });
});

describe('PowerShell JSON', () => {
  const rule = {
    Kind: 'Rule',
    Name: '{1D2B}',
    DisplayName: 'Lync Edge - XMPP (TCP-In)',
    Enabled: 1,
    Profile: 6,
    Direction: 1,
    Action: 2,
    Protocol: 'TCP',
    LocalPort: ['5269', '5061'],
    RemotePort: 'Any',
    IcmpType: 'Any',
    LocalAddress: '203.0.113.10',
    RemoteAddress: 'Any',
    Program: 'Any',
    Service: 'Any',
    EdgeTraversalPolicy: 0,
    OverrideBlockRules: false,
  };

  it('reads ConvertTo-Json output: enums as numbers, lists as arrays, each object at its line', () => {
    const profile = { Kind: 'Profile', Name: 'Public', Profile: 'Public', Enabled: 0, DefaultInboundAction: 4, DefaultOutboundAction: 2 };
    const text = JSON.stringify([profile, rule, { ...rule, Name: 'b', Enabled: 2, Direction: 2, Action: 4, Profile: 0, EdgeTraversalPolicy: 3 }], null, 4);
    expect(powershellJsonReader.detect(exportFromText('x.json', text))).toBe(true);
    const policy = json(text);
    expect(policy.profiles.Public).toMatchObject({ enableFirewall: { value: false }, defaultInboundAction: { value: 'block' }, defaultOutboundAction: { value: 'allow' } });
    const objectLines = text.split('\n').flatMap((l, k) => (l === '    {' ? [k + 1] : []));
    expect(policy.rules.map((r) => [r.action, r.direction, r.enabled, r.profiles, r.edgeTraversal, r.localPorts, r.source.line])).toEqual([
      ['allow', 'in', true, ['Private', 'Public'], false, ['5269', '5061'], objectLines[1]],
      ['block', 'out', false, [], true, ['5269', '5061'], objectLines[2]],
    ]);
    expect(JSON.parse(policy.rules[0]!.source.text)).toEqual(rule);
  });

  it('reads a single object, enums as strings (-EnumsAsStrings) and the value/Count wrapper of Windows PowerShell', () => {
    const named = { ...rule, Enabled: 'True', Profile: 'Domain, Private', Direction: 'Outbound', Action: 'Block', EdgeTraversalPolicy: 'Block' };
    expect(json(JSON.stringify(named)).rules[0]).toMatchObject({ enabled: true, profiles: ['Domain', 'Private'], direction: 'out', action: 'block' });
    expect(json(JSON.stringify({ value: [rule, rule], Count: 2 })).rules).toHaveLength(2);
  });

  it('refuses Get-NetFirewallRule objects converted as they are: they carry no ports or addresses', () => {
    const cim = { Name: '{1D2B}', DisplayName: 'X', Enabled: 1, Direction: 1, Action: 2, Profile: 0, CimClass: { CimSuperClassName: 'CIM_PolicyRule' } };
    expect(parseErrorOf(() => json(JSON.stringify([cim]))).message).toContain(EXPORT_COMMAND);
  });
});

describe('the README documents the export command', () => {
  it('gives the same command the errors give', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const block = /## Windows Firewall: the export edge-audit reads best[\s\S]*?```powershell\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block?.replace(/\s+/g, ' ').trim()).toBe(EXPORT_COMMAND.replace(/\s+/g, ' '));
  });
});
