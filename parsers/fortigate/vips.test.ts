import { describe, expect, it } from 'vitest';
import { AddressSet } from '../../src/model/address-set.js';
import { headerSpace, Ports, Protocols, type HeaderSpace } from '../../src/model/header-space.js';
import { readConfig, entriesAt, tableOf } from './model.js';
import { ServiceResolver } from './services.js';
import { effectiveGrabs, readVip, vipPreimage, type Vip } from './vips.js';

function vips(body: string): Vip[] {
  const blocks = readConfig(`config firewall vip\n${body}\nend\n`).scopes[0]!.blocks;
  const services = new ServiceResolver({ custom: tableOf(blocks, 'firewall service custom'), groups: new Map() }, () => {});
  return entriesAt(blocks, 'firewall vip').map((e) => readVip(e, { services, interfaceAddress: (n) => (n === 'wan1' ? AddressSet.parse('203.0.113.2') : undefined) }));
}

const show = (spaces: readonly HeaderSpace[]) => spaces.map((h) => `${h.dst.toString()} ${Protocols.format(h.proto)} ${Ports.format(h.dport)}`);
/** The translated flows a policy names: TCP to `dst` on `ports`. */
const named = (dst: string, lo: number, hi = lo) => [headerSpace({ family: 'ipv4', dst: AddressSet.parse(dst), proto: Protocols.only(6), dport: Ports.range(lo, hi) })];

describe('VIPs', () => {
  it('map a range one to one: a policy naming part of the mapped range names that part of the external one', () => {
    const [v] = vips('    edit "pool"\n        set extip 203.0.113.10-203.0.113.13\n        set mappedip "172.16.10.20-172.16.10.23"\n    next');
    expect(show(vipPreimage(v!, named('172.16.10.21', 443)))).toEqual(['203.0.113.11 tcp 443']);
    expect(vipPreimage(v!, named('172.16.10.30', 443))).toEqual([]);
  });

  it('forward ports: the policy\'s service is the mapped port, the traffic arrives on the external one', () => {
    const [v] = vips('    edit "web"\n        set extip 0.0.0.0\n        set extintf "wan1"\n        set mappedip "172.16.10.20"\n        set portforward enable\n        set extport 8000-8009\n        set mappedport 9000-9009\n    next');
    expect(show(v!.grab)).toEqual(['203.0.113.2 tcp 8000-8009']);
    expect(show(vipPreimage(v!, named('172.16.10.20', 9003, 9100)))).toEqual(['203.0.113.2 tcp 8003-8009']);
    expect(vipPreimage(v!, named('172.16.10.20', 8000))).toEqual([]);
  });

  it('translate only what their source filter and service filter let through', () => {
    const [v] = vips('    edit "partners"\n        set extip 203.0.113.10\n        set mappedip "172.16.10.10"\n        set src-filter "198.51.100.0/24"\n        set service "HTTPS"\n    next');
    expect(v!.grab.map((h) => `${h.src.toString()} ${Ports.format(h.dport)}`)).toEqual(['198.51.100.0/24 443']);
  });

  it('are checked in order: a later VIP does not get what an earlier one translates', () => {
    const list = vips('    edit "all-ports"\n        set extip 203.0.113.10\n        set mappedip "172.16.10.10"\n    next\n    edit "web"\n        set extip 203.0.113.10\n        set mappedip "172.16.10.99"\n        set portforward enable\n        set extport 443\n    next');
    const grabs = effectiveGrabs(list);
    expect(grabs.get(list[1]!)).toEqual([]);
    expect(show(grabs.get(list[0]!)!)).toEqual(['203.0.113.10 any any']);
  });

  it('say why when the mapping is not static NAT', () => {
    const [lb, many] = vips('    edit "lb"\n        set type server-load-balance\n        set extip 203.0.113.30\n    next\n    edit "many"\n        set extip 203.0.113.40-203.0.113.43\n        set mappedip "172.16.10.1-172.16.10.2"\n    next');
    expect(lb!.reasons).toEqual(['VIP "lb" is of type server-load-balance: which server gets the traffic is decided at run time']);
    expect(many!.reasons).toEqual(['VIP "many" maps 4 external addresses onto 2 mapped ones']);
    // Unknown mapping: everything the VIP translates may be what the policy names.
    expect(show(vipPreimage(many!, named('10.0.0.1', 443)))).toEqual(['203.0.113.40/30 tcp 443']);
  });
});
