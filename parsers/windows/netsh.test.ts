import { describe, expect, it } from 'vitest';
import { exportFromText } from '../export-file.js';
import { parseErrorOf } from '../../test/helpers/parse-error.js';
import { netshReader } from './netsh.js';

const field = (key: string, value: string) => `${`${key}:`.padEnd(38)}${value}`;
const DASHES = '-'.repeat(70);

/** `show rule name=all verbose` output as netsh prints it (CRLF, a blank line before each block, Ok. after the last). */
const VERBOSE = [
  '',
  field('Rule Name', 'Lync Edge - XMPP (TCP-In)'),
  DASHES,
  field('Description', 'XMPP federation: Google Talk and others'),
  field('Enabled', 'Yes'),
  field('Direction', 'In'),
  field('Profiles', 'Private,Public'),
  field('Grouping', ''),
  field('LocalIP', '203.0.113.10/32'),
  field('RemoteIP', 'Any'),
  field('Protocol', 'TCP'),
  field('LocalPort', '5269,5061'),
  field('RemotePort', 'Any'),
  field('Edge traversal', 'Defer to application'),
  field('Program', 'C:\\Program Files\\Microsoft Lync Server 2013\\Server\\Core\\RTCSrv.exe'),
  field('InterfaceTypes', 'Any'),
  field('Security', 'NotRequired'),
  field('Rule source', 'Local Setting'),
  field('Action', 'Allow'),
  '',
  field('Rule Name', 'Core Networking Diagnostics - ICMP Echo Request (ICMPv4-In)'),
  DASHES,
  field('Enabled', 'No'),
  field('Direction', 'In'),
  field('Profiles', 'Domain,Private,Public'),
  field('Grouping', 'Core Networking Diagnostics'),
  field('LocalIP', 'Any'),
  field('RemoteIP', 'LocalSubnet,10.20.0.0/24'),
  field('Protocol', 'ICMPv4'),
  `${''.padEnd(38)}Type    Code`,
  `${''.padEnd(38)}8       Any`,
  `${''.padEnd(38)}3       4`,
  field('Edge traversal', 'No'),
  field('Service', 'Any'),
  field('InterfaceTypes', 'Any'),
  field('Security', 'AuthEnc'),
  field('Rule source', 'Group Policy'),
  field('Action', 'Block'),
  'Ok.',
  '',
].join('\r\n');

const read = (text: string) => netshReader.read(exportFromText('rules.txt', text));


describe('netsh advfirewall firewall show rule', () => {
  it('recognizes rule blocks in any language and the no-rules answer, and nothing else', () => {
    const detect = (text: string) => netshReader.detect(exportFromText('x.txt', text));
    expect(detect(VERBOSE)).toBe(true);
    expect(detect(`\r\n${field('Regelname', 'X')}\r\n${DASHES}\r\n`)).toBe(true);
    expect(detect('\r\nNo rules match the specified criteria.\r\n')).toBe(true);
    expect(detect('Name,DisplayName,Direction\r\n')).toBe(false);
    expect(detect(`${DASHES}\r\n`)).toBe(false);
  });

  it('reads each block: its fields, the ICMP type table, and where it starts', () => {
    const policy = read(VERBOSE);
    expect(policy.format).toBe('netsh advfirewall firewall show rule verbose');
    const [xmpp, echo] = policy.rules;
    expect(xmpp).toMatchObject({
      id: 'Lync Edge - XMPP (TCP-In)',
      description: 'XMPP federation: Google Talk and others',
      action: 'allow',
      direction: 'in',
      enabled: true,
      profiles: ['Private', 'Public'],
      protocol: 'TCP',
      localPorts: ['5269', '5061'],
      remotePorts: [],
      localAddresses: ['203.0.113.10/32'],
      remoteAddresses: [],
      edgeTraversal: true,
      program: 'C:\\Program Files\\Microsoft Lync Server 2013\\Server\\Core\\RTCSrv.exe',
      interfaces: [],
      conditions: [],
      unknownKeys: [],
      source: { line: 2 },
    });
    expect(xmpp!.source.text.split('\n')).toEqual(VERBOSE.split('\r\n').slice(1, 19));
    expect(echo).toMatchObject({
      action: 'block',
      enabled: false,
      profiles: [],
      protocol: 'ICMPv4',
      icmpTypes: ['8:*', '3:4'],
      remoteAddresses: ['LocalSubnet', '10.20.0.0/24'],
      conditions: [expect.stringMatching(/IPsec.*AuthEnc/)],
      source: { line: 21 },
    });
    expect(echo!.service).toBeUndefined();
    expect(policy.formatNotes).toEqual([expect.stringMatching(/profile settings.*show allprofiles/)]);
  });

  it('says what the output without verbose leaves out', () => {
    const plain = VERBOSE.split('\r\n')
      .filter((l) => !/^(Description|Program|Service|InterfaceTypes|Security|Rule source):/.test(l))
      .join('\r\n');
    const policy = read(plain);
    expect(policy.format).toBe('netsh advfirewall firewall show rule');
    expect(policy.formatNotes[1]).toMatch(/without `verbose`.*IPsec/);
  });

  it('refuses output in another language, saying how to get English', () => {
    const german = `\r\n${field('Regelname', 'Lync Edge - XMPP')}\r\n${DASHES}\r\n${field('Aktiviert', 'Ja')}\r\n`;
    expect(parseErrorOf(() => read(german))).toMatchObject({ line: 2, message: expect.stringMatching(/"Regelname".*English.*chcp 437.*CSV/) });
  });

  it('refuses an answer with no rules, unknown values and stray lines, at their line', () => {
    expect(() => read('\r\nNo rules match the specified criteria.\r\n')).toThrow(/listed no rules/);
    expect(parseErrorOf(() => read(VERBOSE.replace('Action:                               Allow', 'Action:                               Maybe')))).toMatchObject({
      line: 19,
      message: 'Action: unknown value "Maybe"',
    });
    expect(parseErrorOf(() => read(VERBOSE.replace('Lync Edge - XMPP (TCP-In)\r\n', 'Lync Edge - XMPP (TCP-In)\r\nstray\r\n')))).toMatchObject({ line: 2 });
  });
});
