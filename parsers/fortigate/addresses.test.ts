import { describe, expect, it } from 'vitest';
import { AddressSet, type Family } from '../../src/model/address-set.js';
import { parseDevice } from '../../test/helpers/fortigate.js';
import { AddressResolver, wildcardSet } from './addresses.js';
import { complement } from './bounds.js';
import { readConfig, tableOf } from './model.js';

const OBJECTS = `
config firewall address
    edit "all"
    next
    edit "host"
        set subnet 10.1.2.3 255.255.255.255
    next
    edit "net"
        set subnet 10.1.2.77 255.255.255.0
    next
    edit "range"
        set type iprange
        set start-ip 10.9.0.10
        set end-ip 10.9.0.20
    next
    edit "every-5th-host"
        set type wildcard
        set wildcard 10.7.0.5 255.255.0.255
    next
    edit "odd-hosts"
        set type wildcard
        set wildcard 10.8.0.1 255.0.0.1
    next
    edit "lan address"
        set type interface-subnet
        set interface "internal2"
    next
    edit "partners"
        set type fqdn
        set fqdn "partners.example.com"
    next
    edit "cn"
        set type geography
        set country "CN"
    next
    edit "ems"
        set type dynamic
        set sub-type ems-tag
    next
end
config firewall address6
    edit "v6net"
        set ip6 2001:db8:20::/64
    next
end
config firewall addrgrp
    edit "inner"
        set member "host" "range"
    next
    edit "outer"
        set member "inner" "net"
        set exclude enable
        set exclude-member "host"
    next
    edit "with-fqdn"
        set member "net" "partners"
    next
    edit "loop-a"
        set member "loop-b"
    next
    edit "loop-b"
        set member "loop-a"
    next
end`;

function resolver(text = OBJECTS) {
  const blocks = readConfig(text).scopes[0]!.blocks;
  const reports: [number, string, string][] = [];
  const r = new AddressResolver(
    {
      ipv4: { addresses: tableOf(blocks, 'firewall address'), groups: tableOf(blocks, 'firewall addrgrp') },
      ipv6: { addresses: tableOf(blocks, 'firewall address6'), groups: tableOf(blocks, 'firewall addrgrp6') },
    },
    (name, family) => (name === 'internal2' && family === 'ipv4' ? AddressSet.parse('10.20.0.0/24') : undefined),
    (line, level, message) => reports.push([line, level, message]),
  );
  return { r, reports };
}
const set = (name: string, family: Family = 'ipv4') => resolver().r.resolve(name, family, 1);
const strings = (a: AddressSet) => a.toStrings();

describe('address objects', () => {
  it('reads subnets (host bits ignored), ranges, and the default of no subnet: everything', () => {
    expect(strings(set('host').possible)).toEqual(['10.1.2.3']);
    expect(strings(set('net').possible)).toEqual(['10.1.2.0/24']);
    expect(set('range').possible.equals(AddressSet.parse('10.9.0.10-10.9.0.20'))).toBe(true);
    expect(set('all').possible.isAnyOfItsFamilies()).toBe(true);
    expect(strings(set('v6net', 'ipv6').possible)).toEqual(['2001:db8:20::/64']);
  });

  it('computes wildcard addresses exactly, as a union of intervals', () => {
    const w = set('every-5th-host');
    expect(w.reasons).toEqual([]);
    expect(w.possible.v4.count).toBe(256);
    expect(w.possible.v4.has(BigInt(ipv4('10.7.200.5')))).toBe(true);
    expect(w.possible.v4.has(BigInt(ipv4('10.7.200.6')))).toBe(false);
    // Mask 255.0.0.1: the last bit must be 1, the first octet 10; 2^23 odd addresses: too many ranges to list.
    expect(set('odd-hosts')).toMatchObject({ certain: AddressSet.NONE, reasons: [expect.stringContaining('wildcard')] });
    expect(wildcardSet('ipv4', BigInt(ipv4('10.0.0.0')), BigInt(ipv4('255.255.255.0')))!.toStrings()).toEqual(['10.0.0.0/24']);
  });

  it('takes an interface-subnet address from its interface when the backup does not print the subnet', () => {
    expect(strings(set('lan address').possible)).toEqual(['10.20.0.0/24']);
  });

  it('carries what DNS, GeoIP or a connector decides as uncertain, with one warning per object', () => {
    const { r, reports } = resolver();
    for (const name of ['partners', 'cn', 'ems']) {
      const b = r.resolve(name, 'ipv4', 9);
      expect([b.certain.isEmpty(), b.possible.isAnyOfItsFamilies(), b.reasons.length]).toEqual([true, true, 1]);
    }
    r.resolve('partners', 'ipv4', 10);
    expect(reports.map(([, level, m]) => [level, m.split(':')[0]])).toEqual([
      ['warning', 'address "partners" is the FQDN partners.example.com'],
      ['warning', 'address "cn" is the country CN'],
      ['warning', 'address "ems" is dynamic (ems-tag)'],
    ]);
  });

  it('resolves nested groups minus their excluded members', () => {
    const expected = AddressSet.parseAll(['10.1.2.0-10.1.2.2', '10.1.2.4-10.1.2.255', '10.9.0.10-10.9.0.20']);
    expect(set('outer').possible.equals(expected)).toBe(true);
  });

  it('keeps negation sound when a member is uncertain', () => {
    const g = set('with-fqdn');
    expect(strings(g.certain)).toEqual(['10.1.2.0/24']);
    expect(g.possible.isAnyOfItsFamilies()).toBe(true);
    const negated = complement('ipv4', g);
    // Certainly not in the group: nothing; possibly: everything outside the known subnet.
    expect(negated.certain.isEmpty()).toBe(true);
    expect(negated.possible.equals(AddressSet.any('ipv4').subtract(AddressSet.parse('10.1.2.0/24')))).toBe(true);
  });

  it('uses the built-in all and none when a show output omits them, and reports names it does not know', () => {
    const { r, reports } = resolver('config firewall policy\nend\n');
    expect(r.resolve('all', 'ipv4', 3).possible.isAnyOfItsFamilies()).toBe(true);
    expect(strings(r.resolve('none', 'ipv6', 3).possible)).toEqual(['::']);
    expect(r.resolve('web-servers', 'ipv4', 3).reasons).toEqual(['address "web-servers" is not defined in the export']);
    expect(reports.map(([line, level]) => [line, level])).toEqual([
      [0, 'info'],
      [0, 'info'],
      [3, 'warning'],
    ]);
  });

  it('refuses a group that contains itself, and malformed values, naming the line', () => {
    expect(() => set('loop-a')).toThrow(/address group "loop-[ab]" contains itself/);
    expect(() => parseDevice('config firewall address\n    edit "x"\n        set subnet 10.0.0.300 255.0.0.0\n    next\nend\n' + 'config firewall policy\n    edit 1\n        set srcaddr "x"\n        set dstaddr "x"\n        set service "ALL"\n    next\nend')).toThrow(
      expect.objectContaining({ line: 3, message: 'address "x": malformed subnet "10.0.0.300/255.0.0.0"' }),
    );
  });
});

function ipv4(text: string): number {
  return text.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}
