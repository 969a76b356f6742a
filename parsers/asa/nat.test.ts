/** NAT statements → Device.nat: the ASA's lookup order, both directions of static NAT, and when filters see them. */
import { describe, expect, it } from 'vitest';
import { Ports } from '../../src/model/header-space.js';
import type { Device, NatRule } from '../../src/model/rule-graph.js';
import { exportFromText } from '../export-file.js';
import { asaParser } from './index.js';

const parse = (lines: string[]): Device => asaParser.parse(exportFromText('fw.cfg', lines.join('\n') + '\n'), {})[0]!;

const INTERFACES = [
  'interface GigabitEthernet1/1',
  ' nameif outside',
  ' security-level 0',
  ' ip address 198.51.100.2 255.255.255.248 ',
  'interface GigabitEthernet1/2',
  ' nameif dmz',
  ' security-level 50',
  ' ip address 10.10.0.1 255.255.255.0 ',
  'interface GigabitEthernet1/3',
  ' nameif inside',
  ' security-level 100',
  ' ip address 10.1.1.1 255.255.255.0 ',
];

/** `id kind [in>out] match → to @stage`, one line per NAT rule, for compact expectations. */
function show(r: NatRule): string {
  const side = r.kind === 'destination' ? 'dst' : 'src';
  const matched = r.match.flows.map((h) => (side === 'dst' ? h.dst : h.src).toStrings().join(',')).join('|');
  const ports = r.match.flows.map((h) => Ports.format(side === 'dst' ? h.dport : h.sport)).join('|');
  const iface = `${r.match.inInterface?.names.join(',') ?? '*'}>${r.match.outInterface?.names.join(',') ?? '*'}`;
  const to = `${r.toAddresses?.toStrings().join(',') ?? '='}${r.toPorts ? `:${Ports.format(r.toPorts)}` : ''}`;
  return `${r.origin.line} ${r.kind} ${iface} ${matched}${ports === 'any' ? '' : `:${ports}`} → ${to} @${r.seenFromStage}${r.enabled ? '' : ' disabled'}`;
}

describe('ASA 8.3 and later', () => {
  const lines = [
    'ASA Version 9.8(4) ',
    ...INTERFACES,
    'object network EDGE-1', // 14
    ' host 10.10.0.10',
    'object network EDGE-1-PUBLIC',
    ' host 203.0.113.10',
    'object network WEB', // 18
    ' host 10.10.0.80',
    'object network INSIDE-NET', // 20
    ' subnet 10.0.0.0 255.0.0.0',
    'object network A-NET', // 22
    ' subnet 10.2.0.0 255.255.0.0',
    'object network PARTNER-NET',
    ' subnet 192.0.2.0 255.255.255.0',
    'object network PARTNER-MAPPED',
    ' subnet 10.250.2.0 255.255.255.0',
    'nat (inside,outside) source static INSIDE-NET INSIDE-NET destination static PARTNER-MAPPED PARTNER-NET', // 28
    'nat (inside,outside) source dynamic any interface inactive', // 29
    '!',
    'object network INSIDE-NET',
    ' nat (inside,outside) dynamic interface', // 32
    'object network WEB',
    ' nat (dmz,outside) static 203.0.113.80 service tcp www 8080', // 34
    'object network EDGE-1',
    ' nat (dmz,outside) static EDGE-1-PUBLIC', // 36
    'object network A-NET',
    ' nat (inside,outside) dynamic 203.0.113.99', // 38
    'nat (any,outside) after-auto source dynamic any interface', // 39
  ];
  const d = parse(lines);

  it('orders manual NAT, then object NAT (static first, fewer real addresses first), then after-auto', () => {
    expect(d.nat.map(show)).toEqual([
      '28 source inside>outside 10.0.0.0/8 → = @Infinity',
      '28 destination inside>outside 10.250.2.0/24 → 192.0.2.0/24 @0',
      '28 destination outside>inside 10.0.0.0/8 → = @0',
      '28 source outside>inside 192.0.2.0/24 → 10.250.2.0/24 @Infinity',
      '29 source inside>outside 0.0.0.0/0 → 198.51.100.2 @Infinity disabled',
      '36 source dmz>outside 10.10.0.10 → 203.0.113.10 @Infinity',
      '36 destination outside>dmz 203.0.113.10 → 10.10.0.10 @0',
      '34 source dmz>outside 10.10.0.80:80 → 203.0.113.80:8080 @Infinity',
      '34 destination outside>dmz 203.0.113.80:8080 → 10.10.0.80:80 @0',
      '38 source inside>outside 10.2.0.0/16 → 203.0.113.99 @Infinity',
      '32 source inside>outside 10.0.0.0/8 → 198.51.100.2 @Infinity',
      '39 source *>outside 0.0.0.0/0 → 198.51.100.2 @Infinity',
    ]);
  });

  it('keeps each statement verbatim as the origin', () => {
    expect(d.nat.find((r) => r.origin.line === 36)!.origin.text).toBe(' nat (dmz,outside) static EDGE-1-PUBLIC');
  });

  it('dynamic NAT translates only sources, from the real side', () => {
    expect(d.nat.filter((r) => r.origin.line === 32).map((r) => r.kind)).toEqual(['source']);
  });

  it('unidirectional static NAT has no reverse translation', () => {
    const u = parse(['ASA Version 9.1(7) ', ...INTERFACES, 'object network S', ' host 10.1.1.5', 'nat (inside,outside) source static S interface unidirectional']);
    expect(u.nat.map((r) => r.kind)).toEqual(['source']);
  });
});

describe('before 8.3', () => {
  const lines = [
    'ASA Version 8.2(5) ',
    ...INTERFACES,
    'names', // 14
    'name 10.10.0.10 edge1-ext',
    'name 203.0.113.10 edge1-public',
    'access-list inside_nat0_outbound extended permit ip 10.0.0.0 255.0.0.0 10.10.0.0 255.255.255.0 ', // 17
    'access-list policy_nat extended permit ip host 10.1.1.7 192.0.2.0 255.255.255.0 ', // 18
    'global (outside) 1 interface', // 19
    'global (outside) 2 203.0.113.20-203.0.113.29 netmask 255.255.255.224', // 20
    'nat (inside) 0 access-list inside_nat0_outbound', // 21
    'nat (inside) 2 access-list policy_nat', // 22
    'nat (inside) 1 10.0.0.0 255.0.0.0', // 23
    'static (dmz,outside) edge1-public edge1-ext netmask 255.255.255.255 tcp 100 50 udp 10 ', // 24
    'static (dmz,outside) tcp interface https 10.10.0.20 8443 netmask 255.255.255.255 0 0', // 25
  ];
  const d = parse(lines);

  it('orders exemption, static, policy dynamic, then regular dynamic; filters see addresses as they arrive', () => {
    expect(d.nat.map(show)).toEqual([
      '21 source inside>* 10.0.0.0/8 → = @Infinity',
      '21 destination inside>* 10.10.0.0/24 → = @Infinity',
      '21 destination *>inside 10.0.0.0/8 → = @Infinity',
      '21 source *>inside 10.10.0.0/24 → = @Infinity',
      '24 source dmz>outside 10.10.0.10 → 203.0.113.10 @Infinity',
      '24 destination outside>dmz 203.0.113.10 → 10.10.0.10 @Infinity',
      '25 source dmz>outside 10.10.0.20:8443 → 198.51.100.2:443 @Infinity',
      '25 destination outside>dmz 198.51.100.2:443 → 10.10.0.20:8443 @Infinity',
      '22 source inside>outside 10.1.1.7 → 203.0.113.20/30,203.0.113.24/30,203.0.113.28/31 @Infinity',
      '23 source inside>outside 10.0.0.0/8 → 198.51.100.2 @Infinity',
    ]);
  });

  it('connection limits are not NAT options', () => {
    expect(d.diagnostics.filter((x) => x.level === 'warning')).toEqual([]);
  });

  it('a nat id without a global pool is a warning', () => {
    const w = parse(['ASA Version 8.2(5) ', ...INTERFACES, 'nat (inside) 3 10.1.0.0 255.255.0.0']);
    expect(w.nat).toEqual([]);
    expect(w.diagnostics.find((x) => x.line === 14)).toEqual({ line: 14, level: 'warning', message: 'nat id 3 has no global pool: the addresses it selects are not translated' });
  });
});

describe('without a version line', () => {
  it('the NAT syntax says whether access-lists name real or mapped addresses, with a warning', () => {
    const legacy = parse([...INTERFACES, 'static (dmz,outside) 203.0.113.10 10.10.0.10 netmask 255.255.255.255 ']);
    expect(legacy.nat.every((r) => r.seenFromStage === Infinity)).toBe(true);
    expect(legacy.diagnostics.find((x) => x.line === 0)?.message).toMatch(/assuming before 8.3/);
    const modern = parse([...INTERFACES, 'object network E', ' host 10.10.0.10', ' nat (dmz,outside) static 203.0.113.10']);
    expect(modern.nat.find((r) => r.kind === 'destination')?.seenFromStage).toBe(0);
    expect(modern.diagnostics.find((x) => x.line === 0)?.message).toMatch(/assuming 8.3 or later/);
  });
});

describe('errors', () => {
  it('a statement naming what is not defined is refused at its line', () => {
    const lines = ['ASA Version 9.8(4) ', ...INTERFACES, 'nat (inside,outside) source static NOPE NOPE'];
    expect(() => parse(lines)).toThrow(expect.objectContaining({ name: 'ParseError', file: 'fw.cfg', line: 14, message: '"NOPE" is neither an address nor a network object or object-group' }));
  });
  it('an option it does not know is a warning, not a guess', () => {
    const d = parse(['ASA Version 9.8(4) ', ...INTERFACES, 'object network E', ' host 10.10.0.10', ' nat (dmz,outside) static 203.0.113.10 frobnicate']);
    expect(d.diagnostics.find((x) => x.line === 16)).toEqual({ line: 16, level: 'warning', message: 'NAT option "frobnicate" is not understood and was ignored' });
  });
});
