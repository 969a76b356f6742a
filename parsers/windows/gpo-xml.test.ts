import { describe, expect, it } from 'vitest';
import { exportFromBytes, exportFromText } from '../export-file.js';
import { parseErrorOf } from '../../test/helpers/parse-error.js';
import { gpoReportReader } from './gpo-xml.js';

const FW = 'http://www.microsoft.com/GroupPolicy/Settings/WindowsFirewall';

/** A GPO report as Get-GPOReport writes it (header trimmed of the security descriptor), the firewall extension given. */
function gpoReport(firewall: string[], { prefix = 'q2', name = 'Edge Firewall', computerEnabled = true } = {}): string {
  return [
    '<?xml version="1.0" encoding="utf-16"?>',
    '<GPO xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://www.microsoft.com/GroupPolicy/Settings">',
    '  <Identifier>',
    '    <Identifier xmlns="http://www.microsoft.com/GroupPolicy/Types">{A576723D-F600-4C78-8077-E3832B6EB65B}</Identifier>',
    '    <Domain xmlns="http://www.microsoft.com/GroupPolicy/Types">perimeter.example</Domain>',
    '  </Identifier>',
    `  <Name>${name}</Name>`,
    '  <IncludeComments>true</IncludeComments>',
    '  <FilterDataAvailable>true</FilterDataAvailable>',
    '  <Computer>',
    '    <VersionDirectory>3</VersionDirectory>',
    '    <VersionSysvol>3</VersionSysvol>',
    `    <Enabled>${computerEnabled}</Enabled>`,
    '    <ExtensionData>',
    '      <Extension xmlns:q1="http://www.microsoft.com/GroupPolicy/Settings/Auditing" xsi:type="q1:AuditSettings">',
    '        <q1:AuditSetting>',
    '          <q1:SubcategoryName>Audit Filtering Platform Connection</q1:SubcategoryName>',
    '        </q1:AuditSetting>',
    '      </Extension>',
    '      <Name>Advanced Audit Configuration</Name>',
    '    </ExtensionData>',
    '    <ExtensionData>',
    `      <Extension xmlns:${prefix}="${FW}" xsi:type="${prefix}:WindowsFirewallSettings">`,
    ...firewall.map((l) => `        ${l.replace(/\bq2:/g, `${prefix}:`)}`),
    '      </Extension>',
    '      <Name>Windows Firewall</Name>',
    '    </ExtensionData>',
    '  </Computer>',
    '  <User>',
    '    <Enabled>false</Enabled>',
    '  </User>',
    '</GPO>',
  ].join('\r\n');
}

const XMPP_IN = [
  '<q2:InboundFirewallRules>',
  '  <q2:Version>2.30</q2:Version>',
  '  <q2:Action>Allow</q2:Action>',
  '  <q2:Name>Lync Edge - XMPP (TCP-In)</q2:Name>',
  '  <q2:Dir>In</q2:Dir>',
  '  <q2:Profile>Private</q2:Profile>',
  '  <q2:Profile>Public</q2:Profile>',
  '  <q2:LA4>203.0.113.10</q2:LA4>',
  '  <q2:LPort>5269</q2:LPort>',
  '  <q2:LPort>5061</q2:LPort>',
  '  <q2:Protocol>6</q2:Protocol>',
  '  <q2:Active>true</q2:Active>',
  '  <q2:Edge>true</q2:Edge>',
  '</q2:InboundFirewallRules>',
];

const PUBLIC_PROFILE = [
  '<q2:PublicProfile>',
  '  <q2:DefaultInboundAction>',
  '    <q2:Value>true</q2:Value>',
  '  </q2:DefaultInboundAction>',
  '  <q2:DefaultOutboundAction>',
  '    <q2:Value>false</q2:Value>',
  '  </q2:DefaultOutboundAction>',
  '  <q2:EnableFirewall>',
  '    <q2:Value>false</q2:Value>',
  '  </q2:EnableFirewall>',
  '</q2:PublicProfile>',
];

const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const read = (text: string) => gpoReportReader.read(exportFromBytes('edge.xml', utf16(text)));
const lineOf = (text: string, needle: string) => text.split('\r\n').findIndex((l) => l.includes(needle)) + 1;


describe('GPO report XML', () => {
  it('recognizes the roots GPO, report and Rsop in UTF-16LE and UTF-8, and nothing else', () => {
    const text = gpoReport(XMPP_IN);
    expect(gpoReportReader.detect(exportFromBytes('a.xml', utf16(text)))).toBe(true);
    expect(gpoReportReader.detect(exportFromText('a.xml', text.replace('encoding="utf-16"', 'encoding="utf-8"')))).toBe(true);
    expect(gpoReportReader.detect(exportFromText('r.xml', '<?xml version="1.0" encoding="utf-16"?>\r\n<report xmlns="http://www.microsoft.com/GroupPolicy/Settings">'))).toBe(true);
    expect(gpoReportReader.detect(exportFromText('r.xml', '<Rsop xmlns="http://www.microsoft.com/GroupPolicy/Rsop">'))).toBe(true);
    expect(gpoReportReader.detect(exportFromText('x.xml', '<?xml version="1.0"?>\n<GPO xmlns="urn:other"/>'))).toBe(false);
    expect(gpoReportReader.detect(exportFromText('x.xml', '<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">'))).toBe(false);
  });

  it('reads a rule: its keys as the registry rule string has them, its element verbatim and its line', () => {
    const text = gpoReport(XMPP_IN);
    const policy = read(text);
    expect(policy.format).toBe('GPO report XML');
    expect(policy.name).toBe('Edge Firewall');
    const [rule] = policy.rules;
    expect(rule).toMatchObject({
      id: 'Lync Edge - XMPP (TCP-In)',
      displayName: 'Lync Edge - XMPP (TCP-In)',
      action: 'allow',
      direction: 'in',
      enabled: true,
      profiles: ['Private', 'Public'],
      protocol: '6',
      localPorts: ['5269', '5061'],
      localAddresses: ['203.0.113.10'],
      remoteAddresses: [],
      edgeTraversal: true,
    });
    expect(rule!.source.line).toBe(lineOf(text, '<q2:InboundFirewallRules>'));
    expect(rule!.source.text.split('\n')).toEqual(XMPP_IN.map((l) => `        ${l}`));
  });

  it('matches the firewall extension by its namespace, whatever the prefix', () => {
    for (const prefix of ['q1', 'q3', 'q6']) {
      // q1 is also bound, to the auditing extension, in the extension before it.
      expect(read(gpoReport(XMPP_IN, { prefix })).rules.map((r) => r.localPorts)).toEqual([['5269', '5061']]);
    }
  });

  it('reads profile settings where true means Block for the default actions and on for EnableFirewall', () => {
    const text = gpoReport(PUBLIC_PROFILE);
    const { Public } = read(text).profiles;
    expect(Public?.defaultInboundAction?.value).toBe('block');
    expect(Public?.defaultOutboundAction?.value).toBe('allow');
    expect(Public?.enableFirewall?.value).toBe(false);
    expect(Public?.enableFirewall?.source.line).toBe(lineOf(text, '<q2:EnableFirewall>'));
  });

  it('warns that DoNotAllowExceptions blocks every inbound connection, which is not modelled', () => {
    const shielded = ['<q2:PublicProfile>', '  <q2:DoNotAllowExceptions>', '    <q2:Value>true</q2:Value>', '  </q2:DoNotAllowExceptions>', '</q2:PublicProfile>'];
    const text = gpoReport(shielded);
    expect(read(text).diagnostics).toEqual([expect.objectContaining({ line: lineOf(text, 'DoNotAllowExceptions>'), level: 'warning' })]);
  });

  it('says what the format drops', () => {
    expect(read(gpoReport(XMPP_IN)).formatNotes.join(' ')).toMatch(/RA42\/RA62.*local store/);
  });

  it('refuses a rule without Action, a Dir that contradicts its element and malformed XML, at their line', () => {
    const noAction = gpoReport(XMPP_IN.filter((l) => !l.includes('Action')));
    expect(parseErrorOf(() => read(noAction))).toMatchObject({ line: lineOf(noAction, 'InboundFirewallRules>'), message: expect.stringMatching(/Action/) });
    const outbound = gpoReport(XMPP_IN.map((l) => l.replace('<q2:Dir>In', '<q2:Dir>Out')));
    expect(parseErrorOf(() => read(outbound)).message).toMatch(/Dir contradicts/);
    const broken = gpoReport([...XMPP_IN, '<q2:PublicProfile>', '</q2:PrivateProfile>']);
    expect(parseErrorOf(() => read(broken))).toMatchObject({ line: lineOf(broken, '</q2:PrivateProfile>') });
  });

  it('refuses a report without firewall settings: there is nothing to audit', () => {
    const text = gpoReport([]).replace(/\r\n +<ExtensionData>\r\n +<Extension xmlns:q2[\s\S]*?<\/ExtensionData>/, '');
    expect(parseErrorOf(() => read(text)).message).toMatch(/no Windows Firewall settings/);
  });

  it('skips a GPO whose computer settings are disabled, with a warning', () => {
    const text = gpoReport(XMPP_IN, { computerEnabled: false });
    expect(() => read(text)).toThrow(/no Windows Firewall settings/);
  });

  it('merges the GPOs of a report, each rule named after its GPO, and assumes the setting that filters less where they disagree', () => {
    const gpo = (name: string, enabled: boolean, rule: string[]) =>
      gpoReport([...rule, '<q2:PublicProfile>', '  <q2:EnableFirewall>', `    <q2:Value>${enabled}</q2:Value>`, '  </q2:EnableFirewall>', '</q2:PublicProfile>'], { name })
        .split('\r\n')
        .slice(2, -1)
        .map((l) => `  ${l}`);
    const text = [
      '<?xml version="1.0" encoding="utf-16"?>',
      '<report xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://www.microsoft.com/GroupPolicy/Settings">',
      '  <GPO>',
      ...gpo('Edge Firewall', true, XMPP_IN),
      '  </GPO>',
      '  <GPO>',
      ...gpo('Legacy Servers', false, XMPP_IN),
      '  </GPO>',
      '</report>',
    ].join('\r\n');
    const policy = read(text);
    expect(policy.format).toBe('GPO report XML (2 GPOs)');
    expect(policy.name).toBe('Edge Firewall, Legacy Servers');
    expect(policy.rules.map((r) => r.id)).toEqual(['Edge Firewall: Lync Edge - XMPP (TCP-In)', 'Legacy Servers: Lync Edge - XMPP (TCP-In)']);
    expect(policy.profiles.Public?.enableFirewall?.value).toBe(false);
    expect(policy.diagnostics).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/disagree on EnableFirewall/) })]);
  });

  it('reads an RSOP report: only the settings of precedence 1 apply', () => {
    const base = (precedence: number) => [
      '  <GPO xmlns="http://www.microsoft.com/GroupPolicy/Settings/Base">',
      '    <Identifier xmlns="http://www.microsoft.com/GroupPolicy/Types">{A576723D-F600-4C78-8077-E3832B6EB65B}</Identifier>',
      '    <Domain xmlns="http://www.microsoft.com/GroupPolicy/Types">perimeter.example</Domain>',
      '  </GPO>',
      `  <Precedence xmlns="http://www.microsoft.com/GroupPolicy/Settings/Base">${precedence}</Precedence>`,
    ];
    const rule = (precedence: number) => [XMPP_IN[0]!, ...base(precedence), ...XMPP_IN.slice(1)];
    const enable = (precedence: number, value: boolean) => ['  <q1:EnableFirewall>', ...base(precedence).map((l) => `  ${l}`), `    <q1:Value>${value}</q1:Value>`, '  </q1:EnableFirewall>'];
    const text = [
      '<?xml version="1.0" encoding="utf-16"?>',
      '<Rsop xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://www.microsoft.com/GroupPolicy/Rsop">',
      '  <ComputerResults>',
      '    <Name>PERIMETER\\EDGE01$</Name>',
      '    <ExtensionData>',
      `      <Extension xmlns:q1="${FW}" xsi:type="q1:WindowsFirewallSettings" xmlns="http://www.microsoft.com/GroupPolicy/Settings">`,
      ...[...rule(1), ...rule(2), '<q1:PublicProfile>', ...enable(2, false), ...enable(1, true), '</q1:PublicProfile>'].map((l) => `        ${l.replace(/\bq2:/g, 'q1:')}`),
      '      </Extension>',
      '    </ExtensionData>',
      '  </ComputerResults>',
      '</Rsop>',
    ].join('\r\n');
    const policy = read(text);
    expect(policy.format).toBe('RSOP report XML (gpresult /x)');
    expect(policy.name).toBe('PERIMETER\\EDGE01$');
    expect(policy.rules).toHaveLength(1);
    expect(policy.profiles.Public?.enableFirewall?.value).toBe(true);
    expect(policy.diagnostics.map((d) => d.message)).toEqual([expect.stringMatching(/precedence 2/)]);
  });
});
