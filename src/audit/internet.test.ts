import { describe, expect, it } from 'vitest';
import { AddressSet } from '../model/address-set.js';
import { headerSpace } from '../model/header-space.js';
import type { Device, NatRule, Route } from '../model/rule-graph.js';
import type { Zone } from '../model/zone.js';
import { nonPublicRanges } from '../policy/address-registry.js';
import { defineInternet, nameAddresses, type InternetInputs } from './internet.js';

const origin = (line: number, text: string) => ({ file: 'fw.cfg', line, text });
const route = (iface: string, destination: string, line: number): Route => ({ interface: iface, destination: AddressSet.parse(destination), connected: false, origin: origin(line, `route ${iface} ${destination}`) });

/** An ASA-like device: outside uplink (default route), a public DMZ, a routed partner-facing extranet, an inside LAN. */
function device(extra: Partial<Device> = {}): Device {
  return {
    name: 'fw',
    vendor: 'test',
    file: 'fw.cfg',
    families: ['ipv4', 'ipv6'],
    interfaces: [{ name: 'outside', addresses: AddressSet.parse('192.0.2.1'), origin: origin(3, ' ip address 192.0.2.1 255.255.255.0') }],
    filters: new Map(),
    nat: [],
    routes: [route('outside', '0.0.0.0/0', 10), route('outside', '192.0.2.0/24', 11), route('inside', '198.51.100.0/25', 12), route('dmz', '203.0.113.0/28', 13)],
    diagnostics: [],
    ...extra,
  };
}

const ZONES = new Map<string, Zone>([
  ['internet', 'internet'],
  ['access-edge', 'edge-external'],
  ['front-end', 'internal'],
]);

function inputs(extra: Partial<InternetInputs> = {}): InternetInputs {
  return {
    device: device(),
    interfaces: new Map<string, Zone>([
      ['outside', 'internet'],
      ['dmz', 'edge-external'],
      ['inside', 'internal'],
    ]),
    roles: new Map([['access-edge', AddressSet.parse('203.0.113.10')]]),
    roleZones: ZONES,
    nonPublic: nonPublicRanges(),
    ...extra,
  };
}

const isInternet = (def: ReturnType<typeof defineInternet>, a: string) => AddressSet.parse(a).isSubsetOf(def.addresses);

describe('the Internet', () => {
  it('leaves out the non-public ranges of both families and keeps the documentation ranges', () => {
    const def = defineInternet(inputs({ interfaces: new Map(), device: device({ routes: [], interfaces: [] }), roles: new Map() }));
    for (const a of ['10.1.2.3', '172.31.255.255', '192.168.0.1', '100.64.0.1', '127.0.0.1', '169.254.1.1', '0.1.2.3', '224.0.0.5', '255.255.255.255', '::', '::1', 'fe80::1', 'fd00::1', 'ff02::1']) {
      expect(isInternet(def, a), a).toBe(false);
    }
    for (const a of ['8.8.8.8', '172.32.0.1', '192.0.2.7', '198.51.100.7', '203.0.113.99', '2001:db8::1', '2a00:1450::1']) expect(isInternet(def, a), a).toBe(true);
  });

  it("leaves out the roles' addresses, the device's own, the inside legs' networks and the profile's internal networks", () => {
    const def = defineInternet(inputs({ internalNetworks: AddressSet.parse('192.0.2.128/25') }));
    expect(isInternet(def, '203.0.113.10')).toBe(false); // the Access Edge (a role)
    expect(isInternet(def, '203.0.113.5')).toBe(false); // the DMZ, routed to an interface facing the Edge
    expect(isInternet(def, '198.51.100.77')).toBe(false); // routed to inside
    expect(isInternet(def, '192.0.2.1')).toBe(false); // the firewall's own outside address
    expect(isInternet(def, '192.0.2.200')).toBe(false); // internalNetworks
    // The uplink's other hosts are the provider's: still the Internet.
    expect(isInternet(def, '192.0.2.2')).toBe(true);
    expect(isInternet(def, '198.51.100.200')).toBe(true);
    // Each exclusion says where it came from.
    const routed = def.excluded.find((x) => x.what.startsWith('the networks connected or routed'))!;
    expect(routed.what).toContain('(dmz, inside)');
    expect(routed.evidence.map((o) => o.line)).toEqual([12, 13]);
  });

  it('without a placement, takes every interface but the default route\'s as inside', () => {
    const def = defineInternet(inputs({ interfaces: new Map() }));
    expect(isInternet(def, '198.51.100.77')).toBe(false);
    expect(isInternet(def, '192.0.2.2')).toBe(true);
  });

  it('leaves out the address a role is published at, and only translations of role addresses', () => {
    const nat = (line: number, dst: string, to: string): NatRule => ({
      id: `nat${line}`,
      kind: 'destination',
      match: { flows: [headerSpace({ family: 'ipv4', dst: AddressSet.parse(dst) })] },
      toAddresses: AddressSet.parse(to),
      seenFromStage: 0,
      enabled: true,
      origin: origin(line, `nat ${dst} -> ${to}`),
    });
    const published = nat(40, '192.0.2.10', '172.16.10.10');
    const partnerIdentity = nat(41, '8.8.4.0/24', '8.8.4.0/24');
    const def = defineInternet(inputs({ device: device({ nat: [published, partnerIdentity] }), roles: new Map([['access-edge', AddressSet.parse('172.16.10.10')]]) }));
    expect(isInternet(def, '192.0.2.10')).toBe(false);
    expect(isInternet(def, '8.8.4.4')).toBe(true);
    expect(def.excluded.find((x) => x.what.includes('translates'))!.evidence.map((o) => o.line)).toEqual([40]);
  });

  it('names sets relative to itself', () => {
    const def = defineInternet(inputs());
    expect(nameAddresses(def, def.addresses.only('ipv4'))).toBe('the Internet');
    expect(nameAddresses(def, def.addresses)).toBe('the Internet');
    expect(nameAddresses(def, def.addresses.only('ipv4').subtract(AddressSet.parse('8.8.8.0/24')))).toBe('the Internet except 8.8.8.0/24');
    expect(nameAddresses(def, AddressSet.parse('8.8.8.0/24'))).toBe('8.8.8.0/24');
    expect(nameAddresses(def, AddressSet.any())).toBe('any');
  });
});
