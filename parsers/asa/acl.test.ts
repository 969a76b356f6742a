import { describe, expect, it } from 'vitest';
import { AddressSet } from '../../src/model/address-set.js';
import { Ports, Protocols, type HeaderSpace } from '../../src/model/header-space.js';
import { parseAce, type Ace } from './acl.js';
import { ANY, ANY4, ANY6, hostAddress } from './addresses.js';
import { configLine, readConfigText } from './config-lines.js';
import { ObjectError, ObjectTable } from './objects.js';

const names = new Map([['edge1-public', hostAddress('203.0.113.10', new Map())]]);
const objects = new ObjectTable(names);
for (const c of readConfigText(
  [
    'object network EDGE-1',
    ' host 10.10.0.10',
    'object network PARTNER',
    ' fqdn sip.partner.example',
    'object service XMPP',
    ' service tcp destination eq 5269',
    'object-group network EDGES',
    ' network-object host 10.10.0.10',
    ' network-object host 10.10.0.11',
    'object-group service EDGE-IN tcp',
    ' port-object eq https',
    ' port-object eq 5061',
    'object-group service EDGE-OUT',
    ' service-object tcp destination eq 5061',
    ' service-object object XMPP',
    'object-group protocol TCPUDP',
    ' protocol-object tcp',
    ' protocol-object udp',
    'object-group icmp-type ERRORS',
    ' icmp-object unreachable',
    ' icmp-object time-exceeded',
  ].join('\n'),
).commands) {
  objects.define(c);
}

function ace(text: string, any: AddressSet = ANY): Ace {
  const line = configLine(7, text)!;
  return parseAce(line.words, 3, { objects, names, any, interfaceAddresses: (n) => (n === 'outside' ? hostAddress('198.51.100.2', names) : undefined) }, line);
}

/** One line per header space: `proto src dst sport>dport`. */
function flows(hs: readonly HeaderSpace[]): string[] {
  const a = (s: AddressSet) => (s.isAnyOfItsFamilies() ? `any${s.families().length === 2 ? '' : s.families()[0] === 'ipv4' ? '4' : '6'}` : s.toStrings().join(','));
  return hs.map((h) => `${Protocols.format(h.proto)} ${a(h.src)} ${a(h.dst)} ${Ports.format(h.sport)}>${Ports.format(h.dport)}`);
}

describe('addresses', () => {
  it.each([
    ['access-list A extended permit ip any4 host 10.10.0.10', ['any any4 10.10.0.10 any>any']],
    ['access-list A extended permit ip 192.0.2.0 255.255.255.0 object EDGE-1', ['any 192.0.2.0/24 10.10.0.10 any>any']],
    ['access-list A extended permit ip any object-group EDGES', ['any any4 10.10.0.10/31 any>any']],
    ['access-list A extended permit ip any host edge1-public', ['any any4 203.0.113.10 any>any']],
    ['access-list A extended permit ip any6 2001:db8:10::/64', ['any any6 2001:db8:10::/64 any>any']],
    ['access-list A extended permit ip any interface outside', ['any any4 198.51.100.2 any>any']],
  ])('%s', (text, expected) => {
    expect(flows(ace(text).flows)).toEqual(expected);
  });

  it('"any" is both families from 9.0 on, one header space each; IPv4 only before', () => {
    expect(flows(ace('access-list A extended permit tcp any any eq 443').flows)).toEqual(['tcp any4 any4 any>443', 'tcp any6 any6 any>443']);
    expect(flows(ace('access-list A extended permit tcp any any eq 443', ANY4).flows)).toEqual(['tcp any4 any4 any>443']);
    expect(flows(ace('access-list A extended permit tcp any any6 eq 443', ANY6).flows)).toEqual(['tcp any6 any6 any>443']);
  });

  it('never pairs an IPv4 source with an IPv6 destination', () => {
    expect(ace('access-list A extended permit ip any4 any6').flows).toEqual([]);
  });
});

describe('protocols and ports', () => {
  it.each([
    ['access-list A extended permit tcp any4 object-group EDGES eq 5269', ['tcp any4 10.10.0.10/31 any>5269']],
    ['access-list A extended permit udp any4 eq domain any4', ['udp any4 any4 53>any']],
    ['access-list A extended permit tcp any4 range 50000 59999 any4 eq https', ['tcp any4 any4 50000-59999>443']],
    ['access-list A extended permit tcp any4 object-group EDGES object-group EDGE-IN', ['tcp any4 10.10.0.10/31 any>443, 5061']],
    ['access-list A extended permit tcp any4 object-group EDGE-IN object-group EDGES', ['tcp any4 10.10.0.10/31 443, 5061>any']],
    ['access-list A extended permit object-group EDGE-OUT object-group EDGES any4', ['tcp 10.10.0.10/31 any4 any>5061, 5269']],
    ['access-list A extended permit object XMPP any4 any4', ['tcp any4 any4 any>5269']],
    ['access-list A extended permit object-group TCPUDP any4 any4 eq domain', ['tcp, udp any4 any4 any>53']],
    ['access-list A extended permit 50 any4 any4', ['esp any4 any4 any>any']],
    ['access-list A extended permit icmp any4 any4 echo-reply', ['icmp any4 any4 any>0']],
    ['access-list A extended permit icmp any4 any4 3 4', ['icmp any4 any4 4>3']],
    ['access-list A extended permit icmp any4 any4 object-group ERRORS', ['icmp any4 any4 any>3, 11']],
    ['access-list A extended permit icmp6 any6 any6 echo', ['ipv6-icmp any6 any6 any>128']],
  ])('%s', (text, expected) => {
    expect(flows(ace(text).flows)).toEqual(expected);
  });
});

describe('options', () => {
  it('log in all its forms changes nothing', () => {
    for (const log of ['log', 'log 6', 'log informational interval 300', 'log disable', 'log default']) {
      const a = ace(`access-list A extended deny ip any4 any4 ${log}`);
      expect([a.action, a.uncertain, a.inactive]).toEqual(['deny', [], false]);
    }
  });
  it('inactive: the entry matches nothing', () => {
    expect(ace('access-list A extended permit tcp any4 any4 eq 5269 log inactive').inactive).toBe(true);
  });
  it('a time range or user identity makes the entry uncertain', () => {
    expect(ace('access-list A extended permit tcp any4 any4 eq 5269 time-range WORKHOURS').uncertain).toEqual(['applies only during time-range WORKHOURS']);
    expect(ace('access-list A extended permit tcp user CORP\\alice any4 any4 eq 5269').uncertain).toEqual(['matches only traffic of user CORP\\alice: who is logged on is not in the export']);
    expect(ace('access-list A extended permit tcp user any any4 any4 eq 5269').uncertain).toEqual([]);
  });
  it('unknown trailing words make the entry uncertain and are named', () => {
    expect(ace('access-list A extended permit tcp any4 any4 eq 5269 frobnicate now').uncertain).toEqual(['"frobnicate now" is not understood']);
  });
});

describe('members the export does not resolve', () => {
  it('an FQDN object keeps the exact members and adds what the name may match, with the reason', () => {
    const a = ace('access-list A extended permit tcp object PARTNER object-group EDGES eq 5061');
    expect(a.flows).toEqual([]);
    expect(flows(a.unresolved!.flows)).toEqual(['tcp any4 10.10.0.10/31 any>5061']);
    expect(a.unresolved!.reasons).toEqual(['fqdn sip.partner.example: its addresses are resolved by DNS at run time and are not in the export']);
  });
  it('an interface whose address the export lacks (DHCP) is unresolved too', () => {
    const a = ace('access-list A extended permit tcp any4 interface dmz eq 443');
    expect(a.unresolved!.reasons[0]).toMatch(/^interface dmz/);
  });
});

describe('errors', () => {
  it.each([
    ['access-list A extended allow ip any any', /expected permit or deny/],
    ['access-list A extended permit tcp any4', /an address is missing/],
    ['access-list A extended permit tcp any4 object NOPE', /network object "NOPE" is not defined/],
    ['access-list A extended permit tcp any4 10.0.0.0 255.0.255.0', /not a contiguous network mask/],
    ['access-list A extended permit tcp any4 any4 eq dns', /unknown port "dns"/],
    ['access-list A extended permit frob any4 any4', /unknown protocol "frob"/],
  ])('%s', (text, message) => {
    expect(() => ace(text)).toThrow(ObjectError);
    expect(() => ace(text)).toThrow(message);
  });
});
