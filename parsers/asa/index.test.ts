/** Recognizing ASA exports, refusing malformed ones, and keeping secrets out of everything parsed. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../test/helpers/fixtures.js';
import { exportFromText } from '../export-file.js';
import { iptablesParser } from '../iptables/index.js';
import { ParseError } from '../parse-error.js';
import { detectParser } from '../index.js';
import { asaParser } from './index.js';

const detect = (text: string) => asaParser.detect(exportFromText('x', text));
const parse = (text: string) => asaParser.parse(exportFromText('fw.cfg', text), {})[0]!;

describe('detect', () => {
  it.each([
    [': Saved\n:\nASA Version 9.8(4) \n'],
    ['ASA Version 8.2(5) \n!\nhostname fw\n'],
    ['PIX Version 8.0(4) \n'],
    ['hostname fw\naccess-list outside_access_in extended permit tcp any any eq 443 \n'],
    ['access-list outside_access_in; 2 elements; name hash: 0x6892a938\n'],
    ['fw# show access-list\naccess-list cached ACL log flows: total 0, denied 0 (deny-flow-max 4096)\n'],
  ])('claims %j', (text) => {
    expect(detect(text)).toBe(true);
  });

  it('does not claim iptables-save or FortiGate text, and iptables does not claim ASA text', () => {
    const iptables = readFileSync(`${REPO}/fixtures/iptables/network-firewall/compliant.rules`, 'utf8');
    const fortigate = '#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin\nconfig system global\n    set hostname "fg"\nend\nconfig firewall policy\n    edit 1\n        set srcintf "wan1"\n    next\nend\n';
    expect(detect(iptables)).toBe(false);
    expect(detect(fortigate)).toBe(false);
    const asa = readFileSync(`${REPO}/fixtures/asa/asa9/compliant.cfg`, 'utf8');
    expect(iptablesParser.detect(exportFromText('x', asa))).toBe(false);
    expect(detectParser(exportFromText('x', asa))?.vendor).toBe('asa');
  });
});

describe('malformed input', () => {
  it.each([
    ['PIX Version 6.3(5)\nnameif ethernet0 outside security0\n', 1, /PIX 6 syntax .* is not supported/],
    ['ASA Version 9.8(4)\naccess-list A extended permit tcp any4 object-group NOPE eq 443\n', 2, /object-group "NOPE" is not defined/],
    ['ASA Version 9.8(4)\naccess-list A extended permit tcp any4 host 10.0.0.300 eq 443\n', 2, /neither an address nor a name/],
    ['ASA Version 9.8(4)\naccess-group NOPE in interface outside\n', 2, /access-list "NOPE", which is not defined/],
    ['ASA Version 9.8(4)\nobject-group network A\n group-object A\naccess-list X extended permit ip object-group A any\n', 3, /contains itself/],
    ['ASA Version 9.8(4)\nhttp server enable 70000\n', 2, /malformed port "70000"/],
  ])('%j is refused at line %i', (text, line, message) => {
    let error: unknown;
    try {
      parse(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ file: 'fw.cfg', line });
    expect((error as Error).message).toMatch(message);
  });

  it('a line that could matter but is not understood is a warning at its line', () => {
    const d = parse('ASA Version 9.8(4)\nfrobnicate the firewall\nrouter ospf 1\n network 10.0.0.0 255.0.0.0 area 0\n');
    expect(d.diagnostics.filter((x) => x.level === 'warning').map((x) => [x.line, x.message.slice(0, 30)])).toEqual([
      [2, '"frobnicate the firewall" is n'],
      [3, 'dynamic routing: routes it lea'],
    ]);
  });
});

describe('secrets', () => {
  const SECRETS = ['8Ry2YjIyt7RRXU24', '2KFQnbNIdI.2KYOU', 'f3UhLvUj1QsXsuK7', 'TacacsKey-8p', 'SnmpCommunity-Q4', 'FailoverKey-3x', 'PskForPartner1', 'NtpKey-99x', 'OspfMd5Key'];
  const text = [
    'ASA Version 9.8(4) ',
    'enable password 8Ry2YjIyt7RRXU24 encrypted',
    'passwd 2KFQnbNIdI.2KYOU encrypted',
    'interface GigabitEthernet1/1',
    ' nameif outside',
    ' security-level 0',
    ' ip address 198.51.100.2 255.255.255.248 ',
    ' ospf message-digest-key 1 md5 OspfMd5Key',
    'username admin password f3UhLvUj1QsXsuK7 encrypted privilege 15',
    'aaa-server TACACS (outside) host 192.0.2.20',
    ' key TacacsKey-8p',
    'snmp-server host outside 192.0.2.50 community SnmpCommunity-Q4 version 2c',
    'failover key FailoverKey-3x',
    'ntp authentication-key 1 md5 NtpKey-99x',
    'tunnel-group 192.0.2.1 type ipsec-l2l',
    'tunnel-group 192.0.2.1 ipsec-attributes',
    ' ikev1 pre-shared-key PskForPartner1',
    'frobnicate password 8Ry2YjIyt7RRXU24',
    'access-list outside_access_in extended permit tcp any4 any4 eq 5061 ',
    'access-group outside_access_in in interface outside',
  ].join('\n');

  it('appear nowhere in the parsed device: not in origins, not in diagnostics', () => {
    const d = parse(text);
    const all = JSON.stringify(d, (_k, v: unknown) => (v instanceof Map ? [...v.values()] : typeof v === 'bigint' ? String(v) : v));
    for (const secret of SECRETS) expect(all).not.toContain(secret);
    expect(d.diagnostics.find((x) => x.line === 18)?.message).toBe('"frobnicate password <redacted>" is not understood');
  });
});
