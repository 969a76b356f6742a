import { describe, expect, it } from 'vitest';
import { AddressSet } from '../model/address-set.js';
import { headerSpace } from '../model/header-space.js';
import type { Device, NatRule, Route } from '../model/rule-graph.js';
import type { Zone } from '../model/zone.js';
import { inferInterfacesFromRoutes, type Inference } from './context.js';

let line = 0;
const route = (iface: string, destination: string, connected = false): Route => ({
  interface: iface,
  destination: AddressSet.parse(destination),
  connected,
  origin: { file: 'asa.cfg', line: ++line, text: connected ? ` ip address ${destination}` : `route ${iface} ${destination}` },
});

const ROUTES = [
  route('outside', '198.51.100.0/24', true),
  route('dmz', '172.16.1.0/24', true),
  route('inside', '10.0.0.0/8'),
  route('inside', '10.20.0.0/24', true),
  route('dmz-int', '10.10.1.0/24', true),
  route('outside', '0.0.0.0/0'),
];
const ZONES = new Map<string, Zone>([
  ['access-edge', 'edge-external'],
  ['edge-internal', 'edge-internal'],
  ['front-end', 'internal'],
  ['federation-partner', 'internet'],
]);

function device(nat: NatRule[] = [], routes: Route[] = ROUTES): Device {
  return { name: 'asa', vendor: 'test', file: 'asa.cfg', families: ['ipv4'], interfaces: [], filters: new Map(), nat, routes, diagnostics: [] };
}
const roles = (accessEdge: string) =>
  new Map([
    ['access-edge', AddressSet.parse(accessEdge)],
    ['edge-internal', AddressSet.parse('10.10.1.10')],
    ['front-end', AddressSet.parse('10.20.0.0/24')],
  ]);

describe('interfaces placed by routes', () => {
  it('puts each role on the interface of its most specific route, and the Internet behind the default route', () => {
    const inferences: Inference[] = [];
    const placed = inferInterfacesFromRoutes(device(), roles('172.16.1.10'), ZONES, inferences);
    expect(Object.fromEntries(placed)).toEqual({ dmz: 'edge-external', 'dmz-int': 'edge-internal', inside: 'internal', outside: 'internet' });
    // Each placement cites the route it came from: 10.20.0.0/24 (connected) beats 10.0.0.0/8.
    expect(inferences.find((i) => i.field === 'interfaces.inside')!.evidence[0]!.text).toBe(' ip address 10.20.0.0/24');
  });

  it('looks a published address up by the real address its NAT rule translates it to', () => {
    const nat: NatRule = {
      id: 'nat1',
      kind: 'destination',
      match: { flows: [headerSpace({ family: 'ipv4', dst: AddressSet.parse('198.51.100.10') })] },
      toAddresses: AddressSet.parse('172.16.1.10'),
      seenFromStage: 0,
      enabled: true,
      origin: { file: 'asa.cfg', line: 99, text: ' nat (dmz,outside) static 198.51.100.10' },
    };
    // Without the NAT rule the public address would sit on outside's connected network.
    expect(inferInterfacesFromRoutes(device([nat]), roles('198.51.100.10'), ZONES, []).get('dmz')).toBe('edge-external');
    expect(inferInterfacesFromRoutes(device(), roles('198.51.100.10'), ZONES, []).get('outside')).toBe('edge-external');
  });

  it('places nothing without routes', () => {
    expect(inferInterfacesFromRoutes(device([], []), roles('172.16.1.10'), ZONES, []).size).toBe(0);
  });
});
