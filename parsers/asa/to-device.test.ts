/** The vendor model → Device, through the public parser: interfaces, routes, filters and their attachment. */
import { describe, expect, it } from 'vitest';
import { AddressSet } from '../../src/model/address-set.js';
import { headerSpace, Ports, Protocols } from '../../src/model/header-space.js';
import type { Device, Filter } from '../../src/model/rule-graph.js';
import { evaluatePath } from '../../src/engine/evaluate.js';
import { filtersOn } from '../../src/engine/topology.js';
import { exportFromText } from '../export-file.js';
import { asaParser } from './index.js';

const parse = (lines: string[]): Device => asaParser.parse(exportFromText('fw.cfg', lines.join('\n') + '\n'), {})[0]!;

const INTERFACES = [
  'ASA Version 9.8(4) ',
  '!',
  'hostname edge-fw',
  'interface GigabitEthernet1/1',
  ' nameif outside',
  ' security-level 0',
  ' ip address 198.51.100.2 255.255.255.248 standby 198.51.100.3 ',
  ' ipv6 address 2001:db8:100::2/64 standby 2001:db8:100::3',
  '!',
  'interface GigabitEthernet1/2',
  ' nameif dmz',
  ' security-level 50',
  ' ip address 10.10.0.1 255.255.255.0 ',
  '!',
  'interface GigabitEthernet1/3',
  ' nameif dmz2',
  ' security-level 50',
  ' ip address 10.10.2.1 255.255.255.0 ',
  '!',
  'interface GigabitEthernet1/4',
  ' nameif inside',
  ' ip address 10.1.1.1 255.255.255.0 ',
  '!',
  'interface GigabitEthernet1/5',
  ' shutdown',
  ' nameif spare',
  ' security-level 10',
  '!',
  'interface GigabitEthernet1/6',
  ' no nameif',
  ' no security-level',
  ' no ip address',
  '!',
  'interface Management1/1',
  ' management-only',
  ' nameif management',
  ' security-level 100',
  ' ip address 192.168.1.1 255.255.255.0 ',
  '!',
];
const line = (text: string, lines: readonly string[]) => lines.indexOf(text) + 1;

const ACLS = [
  ...INTERFACES,
  'access-list outside_access_in remark Lync XMPP federation',
  'access-list outside_access_in extended permit tcp any4 host 10.10.0.10 eq 5269 ',
  'access-list outside_access_in extended deny ip any any log ',
  'access-list dmz_out extended deny tcp any any eq telnet ',
  'access-list dmz_out extended permit ip any any ',
  'access-list nonat extended permit ip 10.0.0.0 255.0.0.0 any ',
  'access-group outside_access_in in interface outside',
  'access-group dmz_out out interface dmz',
  'route outside 0.0.0.0 0.0.0.0 198.51.100.1 1',
  'route inside 10.20.0.0 255.255.0.0 10.1.1.254 1',
  'ipv6 route outside ::/0 2001:db8:100::1',
  'ssh 10.99.0.0 255.255.255.0 inside',
  'http 10.99.0.0 255.255.255.0 inside',
  'telnet 192.168.1.0 255.255.255.0 management',
  ': end',
];

function filter(d: Device, id: string): Filter {
  const f = d.filters.get(id);
  if (!f) throw new Error(`no filter ${id}; have ${[...d.filters.keys()].join(', ')}`);
  return f;
}

/** The decision for one TCP packet through the device, and the line that made it (for a permit: in the inbound filter). */
function decide(d: Device, inIf: string, outIf: string, dst: string, dport: number): [string, number | undefined] {
  const flow = headerSpace({ src: AddressSet.parse('192.0.2.7'), dst: AddressSet.parse(dst), proto: Protocols.only(6), sport: Ports.range(49152), dport: Ports.range(dport) });
  const [o] = evaluatePath(d, filtersOn(d, 'forward', 'ipv4', inIf, outIf), [flow], { in: inIf, out: outIf });
  const by = o!.decision === 'permit' ? o!.permittedBy[0] : o!.decidedBy;
  return [o!.decision, (by?.rule?.origin ?? by?.filter.defaultOrigin)?.line];
}

describe('interfaces and routes', () => {
  const d = parse(ACLS);

  it('one interface per active nameif, named and zoned by it, with its level and own addresses', () => {
    expect(d.name).toBe('edge-fw');
    expect(d.vendor).toBe('asa');
    expect(d.interfaces.map((i) => [i.name, i.zone, i.securityLevel, i.addresses?.toStrings()])).toEqual([
      ['outside', 'outside', 0, ['198.51.100.2/31', '2001:db8:100::2/127']],
      ['dmz', 'dmz', 50, ['10.10.0.1']],
      ['dmz2', 'dmz2', 50, ['10.10.2.1']],
      ['inside', 'inside', 100, ['10.1.1.1']],
      ['management', 'management', 100, ['192.168.1.1']],
    ]);
    expect(d.families).toEqual(['ipv4', 'ipv6']);
  });

  it('a shut-down interface and interfaces without nameif are diagnostics, not interfaces', () => {
    expect(d.diagnostics.filter((x) => /shut down|without a nameif/.test(x.message)).map((x) => [x.line, x.level])).toEqual([
      [line('interface GigabitEthernet1/5', ACLS), 'info'],
      [line('interface GigabitEthernet1/6', ACLS), 'info'],
    ]);
  });

  it('connected networks and static routes, the default routes included', () => {
    expect(d.routes!.map((r) => [r.interface, r.destination.toStrings().join(' '), r.connected, r.origin.line])).toEqual([
      ['outside', '198.51.100.0/29', true, line(' ip address 198.51.100.2 255.255.255.248 standby 198.51.100.3 ', ACLS)],
      ['outside', '2001:db8:100::/64', true, line(' ipv6 address 2001:db8:100::2/64 standby 2001:db8:100::3', ACLS)],
      ['dmz', '10.10.0.0/24', true, line(' ip address 10.10.0.1 255.255.255.0 ', ACLS)],
      ['dmz2', '10.10.2.0/24', true, line(' ip address 10.10.2.1 255.255.255.0 ', ACLS)],
      ['inside', '10.1.1.0/24', true, line(' ip address 10.1.1.1 255.255.255.0 ', ACLS)],
      ['management', '192.168.1.0/24', true, line(' ip address 192.168.1.1 255.255.255.0 ', ACLS)],
      ['outside', '0.0.0.0/0', false, line('route outside 0.0.0.0 0.0.0.0 198.51.100.1 1', ACLS)],
      ['inside', '10.20.0.0/16', false, line('route inside 10.20.0.0 255.255.0.0 10.1.1.254 1', ACLS)],
      ['outside', '::/0', false, line('ipv6 route outside ::/0 2001:db8:100::1', ACLS)],
    ]);
  });

  it('ssh and telnet lines are permits to the ASA itself on their interface; http only with "http server enable", as https on its port', () => {
    const mgmt = (device: Device) => {
      const f = filter(device, 'management');
      expect(f).toMatchObject({ defaultAction: 'deny', attachment: { hooks: ['input'], stage: 10 } });
      return f.rules.map((r) => [r.deviceService, r.match.inInterface?.names, r.match.flows.map((h) => `${Protocols.format(h.proto)} ${Ports.format(h.dport)} ${h.src.toString()} → ${h.dst.toString()}`), r.origin.line]);
    };
    expect(mgmt(d)).toEqual([
      ['ssh', ['inside'], ['tcp 22 10.99.0.0/24 → 10.1.1.1'], line('ssh 10.99.0.0 255.255.255.0 inside', ACLS)],
      ['telnet', ['management'], ['tcp 23 192.168.1.0/24 → 192.168.1.1'], line('telnet 192.168.1.0 255.255.255.0 management', ACLS)],
    ]);
    const withServer = parse([...ACLS.slice(0, -1), 'http server enable 8443']);
    expect(mgmt(withServer).map(([service, , flows]) => [service, flows])).toEqual([
      ['ssh', ['tcp 22 10.99.0.0/24 → 10.1.1.1']],
      ['https', ['tcp 8443 10.99.0.0/24 → 10.1.1.1']],
      ['telnet', ['tcp 23 192.168.1.0/24 → 192.168.1.1']],
    ]);
    expect(mgmt(parse([...ACLS.slice(0, -1), 'http server enable']))[1]![2]).toEqual(['tcp 443 10.99.0.0/24 → 10.1.1.1']);
  });

  it('lets only the hosts a management line names reach that service of the ASA, on that interface', () => {
    const toAsa = (intf: string, src: string, dst: string, dport: number) => {
      const flows = [headerSpace({ family: 'ipv4', src: AddressSet.parse(src), dst: AddressSet.parse(dst), proto: Protocols.only(6), dport: Ports.range(dport) })];
      return evaluatePath(d, filtersOn(d, 'input', 'ipv4', intf, undefined), flows, { in: intf }).map((o) => [o.decision, o.decidedBy?.rule?.deviceService ?? 'default']);
    };
    expect(toAsa('inside', '10.99.0.7', '10.1.1.1', 22)).toEqual([['permit', 'ssh']]);
    expect(toAsa('inside', '10.1.1.7', '10.1.1.1', 22)).toEqual([['deny', 'default']]);
    expect(toAsa('outside', '10.99.0.7', '198.51.100.2', 22)).toEqual([['deny', 'default']]);
  });
});

describe('inbound access-lists and security levels', () => {
  const d = parse(ACLS);

  it('an interface access-list: its entries in order, ids by ASA line number, remarks as comments, implicit deny at the access-group', () => {
    const f = filter(d, 'in/outside');
    expect(f.name).toBe('outside_access_in');
    expect(f.attachment).toEqual({ hooks: ['forward'], stage: 10, inInterface: 'outside' });
    expect(f.rules.map((r) => [r.id, r.action.type, r.comment])).toEqual([
      ['in/outside/same-security', 'deny', 'security level 0: no same-security-traffic permit intra-interface'],
      ['outside_access_in/2', 'permit', 'Lync XMPP federation'],
      ['outside_access_in/3', 'deny', undefined],
    ]);
    expect([f.defaultAction, f.defaultOrigin?.text]).toEqual(['deny', 'access-group outside_access_in in interface outside']);
  });

  it('an interface without an access-list permits lower levels only; equal levels and itself need same-security-traffic', () => {
    const dmz = filter(d, 'in/dmz');
    expect(dmz.name).toBe('security-level dmz');
    expect(dmz.rules.map((r) => [r.action.type, r.match.outInterface?.names])).toEqual([['permit', ['outside']]]);
    expect(dmz.defaultOrigin?.text).toBe(' security-level 50');
    expect(filter(d, 'in/inside').rules[0]!.match.outInterface?.names).toEqual(['outside', 'dmz', 'dmz2']);
    // No security-level line: the implicit 100 of `inside`, anchored on its nameif line.
    expect(filter(d, 'in/inside').defaultOrigin?.text).toBe(' nameif inside');
    const same = parse([...INTERFACES, 'same-security-traffic permit inter-interface', 'same-security-traffic permit intra-interface']);
    expect(filter(same, 'in/dmz').rules[0]!.match.outInterface?.names).toEqual(['outside', 'dmz', 'dmz2']);
  });

  it('decides flows as the ASA does', () => {
    expect(decide(d, 'outside', 'dmz', '10.10.0.10', 5269)).toEqual(['permit', line('access-list outside_access_in extended permit tcp any4 host 10.10.0.10 eq 5269 ', ACLS)]);
    expect(decide(d, 'outside', 'dmz', '10.10.0.10', 5061)).toEqual(['deny', line('access-list outside_access_in extended deny ip any any log ', ACLS)]);
    const level = line(' security-level 50', ACLS);
    expect(decide(d, 'dmz', 'outside', '192.0.2.9', 5061)).toEqual(['permit', level]);
    expect(decide(d, 'dmz', 'inside', '10.1.1.9', 5061)).toEqual(['deny', level]);
    expect(decide(d, 'dmz', 'dmz2', '10.10.2.9', 5061)).toEqual(['deny', level]);
    expect(decide(d, 'inside', 'dmz', '10.10.0.10', 23)).toEqual(['deny', line('access-list dmz_out extended deny tcp any any eq telnet ', ACLS)]);
  });

  it('an access-list does not lift the same-security restriction', () => {
    const d2 = parse([...INTERFACES, 'access-list dmz_in extended permit ip any any ', 'access-group dmz_in in interface dmz']);
    expect(decide(d2, 'dmz', 'dmz2', '10.10.2.9', 443)).toEqual(['deny', line(' security-level 50', INTERFACES)]);
    expect(decide(d2, 'dmz', 'inside', '10.1.1.9', 443)[0]).toBe('permit');
  });

  it('an outbound access-list filters at stage 30 on its egress interface', () => {
    expect(filter(d, 'out/dmz').attachment).toEqual({ hooks: ['forward'], stage: 30, outInterface: 'dmz' });
  });

  it('a management-only interface takes no through traffic', () => {
    expect(decide(d, 'inside', 'management', '192.168.1.9', 443)).toEqual(['deny', line(' management-only', ACLS)]);
  });

  it('an access-list no access-group applies filters nothing, and says so', () => {
    expect(d.diagnostics.find((x) => x.message.startsWith('access-list nonat'))?.level).toBe('info');
    expect([...d.filters.values()].some((f) => f.name === 'nonat')).toBe(false);
  });
});

describe('the global access-list', () => {
  const lines = [
    ...ACLS.slice(0, -1),
    'access-list global_access extended permit tcp any4 host 10.10.0.11 eq 5061 ',
    'access-group global_access global',
  ];
  const d = parse(lines);
  const groupLine = line('access-group global_access global', lines);

  it('comes after the interface access-list and before its implicit deny, through a goto', () => {
    const f = filter(d, 'in/outside');
    expect(f.rules.at(-1)).toMatchObject({ id: 'in/outside/global', action: { type: 'goto', filter: 'global/global_access' }, origin: { line: groupLine } });
    const g = filter(d, 'global/global_access');
    expect([g.defaultAction, g.attachment]).toEqual(['return', undefined]);
  });

  it('replaces the security-level permit of interfaces without their own access-list', () => {
    const dmz = filter(d, 'in/dmz');
    expect(dmz.rules.map((r) => r.action.type)).toEqual(['deny', 'goto']);
    expect(dmz.defaultOrigin?.line).toBe(groupLine);
    expect(decide(d, 'dmz', 'outside', '192.0.2.9', 5061)).toEqual(['deny', groupLine]);
  });

  it('a flow the interface list does not decide falls to the global list, then to the implicit deny', () => {
    const deny = line('access-list outside_access_in extended deny ip any any log ', lines);
    expect(decide(d, 'outside', 'dmz', '10.10.0.11', 5061)).toEqual(['deny', deny]);
    const shorter = lines.filter((l) => l !== 'access-list outside_access_in extended deny ip any any log ');
    const withoutDeny = parse(shorter);
    expect(decide(withoutDeny, 'outside', 'dmz', '10.10.0.11', 5061)).toEqual(['permit', line('access-list global_access extended permit tcp any4 host 10.10.0.11 eq 5061 ', shorter)]);
    expect(decide(withoutDeny, 'outside', 'dmz', '10.10.0.12', 5061)).toEqual(['deny', line('access-group outside_access_in in interface outside', shorter)]);
  });
});

describe('entries that are not exact', () => {
  const lines = [
    ...INTERFACES,
    'object network PARTNER',
    ' fqdn v4 sip.partner.example',
    'object-group network PARTNERS',
    ' network-object object PARTNER',
    ' network-object host 192.0.2.44',
    'access-list outside_access_in extended permit tcp object-group PARTNERS host 10.10.0.10 eq 5061 ',
    'access-list outside_access_in extended permit tcp any4 host 10.10.0.10 eq 5269 time-range BUSINESS',
    'access-list outside_access_in extended permit tcp any4 host 10.10.0.10 eq https inactive ',
    'access-list outside_access_in extended permit tcp object-group PARTNERS host 10.10.0.10 eq 5269 time-range BUSINESS',
    'access-group outside_access_in in interface outside',
  ];
  const d = parse(lines);
  const rules = filter(d, 'in/outside').rules.slice(1);
  const sources = (flows: readonly { src: { toString(): string } }[] | undefined) => flows?.map((h) => h.src.toString());
  /** Every verdict on TCP 5061 from `src` to the Edge: decision, deciding line, how many reasons it may differ. */
  const decideFrom = (dev: Device, src: string) => {
    const flow = headerSpace({ src: AddressSet.parse(src), dst: AddressSet.parse('10.10.0.10'), proto: Protocols.only(6), dport: Ports.range(5061) });
    return evaluatePath(dev, filtersOn(dev, 'forward', 'ipv4', 'outside', 'dmz'), [flow], { in: 'outside', out: 'dmz' }).map((o) => {
      const by = o.decision === 'permit' ? o.permittedBy[0] : o.decidedBy;
      return [o.decision, (by?.rule?.origin ?? by?.filter.defaultOrigin)?.line, o.uncertainty.length] as const;
    });
  };

  it('an FQDN member: the exact part certain, what the name may match possible, in one rule', () => {
    expect(rules.map((r) => [r.id, r.enabled, r.uncertain.length > 0, r.match.possibleFlows !== undefined])).toEqual([
      ['outside_access_in/1', true, true, true],
      ['outside_access_in/2', true, true, false],
      ['outside_access_in/3', false, false, false],
      ['outside_access_in/4', true, true, false],
    ]);
    expect(sources(rules[0]!.match.flows)).toEqual(['192.0.2.44']);
    expect(sources(rules[0]!.match.possibleFlows)).toEqual(['0.0.0.0-192.0.2.43, 192.0.2.45-255.255.255.255']);
  });

  it('an FQDN member in an entry that is doubtful anyway (time range): one doubtful match over all of it', () => {
    expect(sources(rules[3]!.match.flows)).toEqual(['any IPv4']);
    expect(rules[3]!.uncertain).toEqual(['applies only during time-range BUSINESS', 'fqdn sip.partner.example: its addresses are resolved by DNS at run time and are not in the export']);
  });

  it('decides the exact member certainly and the rest uncertainly', () => {
    const entry = line('access-list outside_access_in extended permit tcp object-group PARTNERS host 10.10.0.10 eq 5061 ', lines);
    expect(decideFrom(d, '192.0.2.44')).toEqual([['permit', entry, 0]]);
    expect(decideFrom(d, '198.51.100.7').map(([decision, , unsure]) => [decision, unsure])).toEqual([['deny', 1]]);
  });

  it('each uncertainty is a warning on its line; an inactive entry an info', () => {
    const of = (text: string) => d.diagnostics.filter((x) => x.line === line(text, lines)).map((x) => [x.level, x.message]);
    expect(of('access-list outside_access_in extended permit tcp object-group PARTNERS host 10.10.0.10 eq 5061 ')).toEqual([
      ['warning', 'outside_access_in/1: fqdn sip.partner.example: its addresses are resolved by DNS at run time and are not in the export'],
    ]);
    expect(of('access-list outside_access_in extended permit tcp any4 host 10.10.0.10 eq 5269 time-range BUSINESS')).toEqual([['warning', 'outside_access_in/2: applies only during time-range BUSINESS']]);
    expect(of('access-list outside_access_in extended permit tcp any4 host 10.10.0.10 eq https inactive ')).toEqual([['info', 'outside_access_in/3 is inactive: it matches nothing']]);
  });
});

describe('before 9.0: an IPv4 and an IPv6 access-list on one interface', () => {
  const lines = [
    'ASA Version 8.4(7) ',
    ...INTERFACES.slice(1),
    'access-list outside_access_in extended permit tcp any host 10.10.0.10 eq 5269 ',
    'ipv6 access-list outside_v6 remark XMPP federation over IPv6',
    'ipv6 access-list outside_v6 permit tcp any host 2001:db8:10::10 eq 5269 ',
    'access-group outside_access_in in interface outside',
    'access-group outside_v6 in interface outside',
  ];
  const d = parse(lines);

  it('both filter what enters on the interface, each in its own family; "any" is that family', () => {
    const f = filter(d, 'in/outside');
    expect(f.name).toBe('outside_access_in + outside_v6');
    expect(f.rules.slice(1).map((r) => [r.id, r.match.flows.map((h) => `${h.src.toString()} > ${h.dst.toString()}`)])).toEqual([
      ['outside_access_in/1', ['any IPv4 > 10.10.0.10']],
      ['outside_v6/2', ['any IPv6 > 2001:db8:10::10']],
    ]);
    expect(f.rules[2]!.comment).toBe('XMPP federation over IPv6');
  });
});
