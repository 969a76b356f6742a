import { describe, expect, it } from 'vitest';
import { Ports, Protocols } from '../../src/model/header-space.js';
import type { AddressSet } from '../../src/model/address-set.js';
import { hostAddress } from './addresses.js';
import { configLine, readConfigText, type ConfigLine } from './config-lines.js';
import { ObjectError, ObjectTable, type Service } from './objects.js';

/** An object table from config lines; `at` is a line to name as the place of use. */
function table(lines: string[], names = new Map<string, AddressSet>()): { objects: ObjectTable; at: ConfigLine } {
  const objects = new ObjectTable(names);
  for (const c of readConfigText(lines.join('\n')).commands) objects.define(c);
  return { objects, at: configLine(999, 'use')! };
}
const addrs = (a: AddressSet) => a.toStrings();
const svc = (s: readonly Service[]) => s.map((x) => `${Protocols.format(x.proto)} ${Ports.format(x.sport)}>${Ports.format(x.dport)}`);

describe('network objects and groups', () => {
  const names = new Map([['edge1-ext', hostAddress('203.0.113.10', new Map())]]);
  const { objects, at } = table(
    [
      'object network EDGE-1',
      ' host 10.10.0.10',
      ' description Lync Edge 1',
      'object network DMZ',
      ' subnet 10.10.0.0 255.255.255.0',
      'object network V6',
      ' subnet 2001:db8:10::/64',
      'object network POOL',
      ' range 10.10.0.20 10.10.0.29',
      'object network PARTNER',
      ' fqdn v4 sip.partner.example',
      'object-group network ALL',
      ' description everything',
      ' network-object object EDGE-1',
      ' network-object host edge1-ext',
      ' network-object 192.0.2.0 255.255.255.128',
      ' network-object 2001:db8:99::/48',
      ' group-object INNER',
      'object-group network INNER',
      ' network-object object LATER',
      'object network LATER',
      ' host 10.10.0.99',
      'object-group network WITH-FQDN',
      ' network-object object PARTNER',
      ' network-object host 198.51.100.7',
    ],
    names,
  );

  it('host, subnet (IPv4 mask, IPv6 prefix), range', () => {
    expect(addrs(objects.networkObject('EDGE-1', at).addresses)).toEqual(['10.10.0.10']);
    expect(addrs(objects.networkObject('DMZ', at).addresses)).toEqual(['10.10.0.0/24']);
    expect(addrs(objects.networkObject('V6', at).addresses)).toEqual(['2001:db8:10::/64']);
    expect(addrs(objects.networkObject('POOL', at).addresses)).toEqual(['10.10.0.20/30', '10.10.0.24/30', '10.10.0.28/31']);
  });

  it('groups nest, use name aliases, and may name objects defined further down', () => {
    expect(addrs(objects.networkGroup('ALL', at).addresses)).toEqual(['10.10.0.10', '10.10.0.99', '192.0.2.0/25', '203.0.113.10', '2001:db8:99::/48']);
  });

  it('an FQDN member is carried as unresolved, beside the exact members', () => {
    const m = objects.networkGroup('WITH-FQDN', at);
    expect(addrs(m.addresses)).toEqual(['198.51.100.7']);
    expect(m.unresolved).toEqual([{ what: 'fqdn sip.partner.example', families: ['ipv4'] }]);
  });

  it('an undefined object, a group of the wrong kind, or a loop is an error at its line', () => {
    expect(() => objects.networkObject('NOPE', at)).toThrow(/network object "NOPE" is not defined/);
    const loop = table(['object-group network A', ' group-object B', 'object-group network B', ' group-object A']);
    expect(() => loop.objects.networkGroup('A', loop.at)).toThrow(/contains itself/);
    const svcGroup = table(['object-group service S tcp', ' port-object eq 1']);
    expect(() => svcGroup.objects.networkGroup('S', svcGroup.at)).toThrow(ObjectError);
  });
});

describe('service objects and groups', () => {
  const { objects, at } = table([
    'object service SIP-TLS',
    ' service tcp destination eq 5061 ',
    'object service FROM-HIGH',
    ' service udp source gt 1023 destination range 3478 3479 ',
    'object service ECHO',
    ' service icmp echo 0',
    'object service GRE',
    ' service gre ',
    'object-group service MIXED',
    ' service-object object SIP-TLS ',
    ' service-object tcp destination eq https ',
    ' service-object tcp-udp destination eq domain ',
    ' service-object tcp eq 5269',
    ' group-object WEB',
    'object-group service WEB tcp',
    ' port-object eq www',
    ' port-object range 8080 8081',
    'object-group service BOTH tcp-udp',
    ' port-object eq sip',
    'object-group protocol TCPUDP',
    ' protocol-object udp',
    ' protocol-object tcp',
    'object-group icmp-type PINGS',
    ' icmp-object echo',
    ' icmp-object echo-reply',
  ]);

  it('service objects: ports on either side, ICMP type and code, other protocols', () => {
    expect(svc(objects.serviceObject('SIP-TLS', at))).toEqual(['tcp any>5061']);
    expect(svc(objects.serviceObject('FROM-HIGH', at))).toEqual(['udp 1024-65535>3478-3479']);
    expect(svc(objects.serviceObject('ECHO', at))).toEqual(['icmp 0>8']);
    expect(svc(objects.serviceObject('GRE', at))).toEqual(['gre any>any']);
  });

  it('untyped groups list services; typed groups are port lists of their protocol', () => {
    expect(svc(objects.serviceGroup('MIXED', at))).toEqual(['tcp any>5061', 'tcp any>443', 'tcp, udp any>53', 'tcp any>5269', 'tcp any>80, 8080-8081']);
    expect(svc(objects.serviceGroup('WEB', at))).toEqual(['tcp any>80, 8080-8081']);
    expect(objects.isPortGroup('WEB')).toBe(true);
    expect(objects.isPortGroup('MIXED')).toBe(false);
    const both = objects.portGroup('BOTH', at);
    expect([Protocols.format(both.protocols), Ports.format(both.ports)]).toEqual(['tcp, udp', '5060']);
  });

  it('protocol and icmp-type groups', () => {
    expect(Protocols.format(objects.protocolGroup('TCPUDP', at))).toBe('tcp, udp');
    expect(Ports.format(objects.icmpGroup('PINGS', 1, at))).toBe('0, 8');
  });

  it('an untyped group cannot stand for ports', () => {
    expect(() => objects.portGroup('MIXED', at)).toThrow(/has no protocol type/);
  });
});
