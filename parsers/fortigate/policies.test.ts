/** FortiOS policy semantics, through the parser: what each policy matches, in which order, and what stays uncertain. */
import { describe, expect, it } from 'vitest';
import { AddressSet } from '../../src/model/address-set.js';
import { headerSpace, intersectFlows, Ports, Protocols } from '../../src/model/header-space.js';
import { mayMatch, type Device, type Rule } from '../../src/model/rule-graph.js';
import { parseDevice, table } from '../../test/helpers/fortigate.js';

const V7_0 = '#config-version=FGT60F-7.0.12-FW-build0523-230531:opmode=0:vdom=0:user=admin';
const parse = parseDevice;
const policies = (...entries: [string, string[]][]) => table('firewall policy', ...entries);

const ADDRESSES = `
config firewall address
    edit "all"
    next
    edit "edge"
        set subnet 172.16.10.10 255.255.255.254
    next
    edit "fe"
        set subnet 10.20.0.0 255.255.255.0
    next
    edit "partners.example.com"
        set type fqdn
        set fqdn "partners.example.com"
    next
end`;

const rulesOf = (d: Device): readonly Rule[] => d.filters.get('forward')!.rules;
const ruleOf = (d: Device, id: string): Rule => rulesOf(d).find((r) => r.id === id)!;

/** Whether a rule's match holds this one TCP/UDP flow. */
type Packet = { src: string; dst: string; proto?: number; dport: number };
const packetOf = (flow: Packet) => headerSpace({ src: AddressSet.parse(flow.src), dst: AddressSet.parse(flow.dst), proto: Protocols.only(flow.proto ?? 6), dport: Ports.range(flow.dport) });
/** The rule may match the packet (certainly or possibly). */
function holds(rule: Rule, flow: Packet): boolean {
  return intersectFlows([packetOf(flow)], mayMatch(rule.match)).length > 0;
}
/** The rule matches the packet for certain. */
function certainlyHolds(rule: Rule, flow: Packet): boolean {
  return intersectFlows([packetOf(flow)], rule.match.flows).length > 0;
}

const accept = (src: string, dst: string, service: string, extra: string[] = []): string[] => ['srcintf "wan1"', 'dstintf "dmz"', 'action accept', `srcaddr "${src}"`, `dstaddr "${dst}"`, 'schedule "always"', `service ${service}`, ...extra];

describe('firewall policy', () => {
  it('keeps configuration order, not id order, with a default deny and the policies\' names and comments', () => {
    const d = parse(`${ADDRESSES}\n${policies(['9', accept('all', 'edge', '"HTTPS"', ['name "nine"', 'comments "nine\'s comment"'])], ['2', ['srcintf "wan1"', 'dstintf "dmz"', 'srcaddr "all"', 'dstaddr "all"', 'schedule "always"', 'service "ALL"']])}`);
    const f = d.filters.get('forward')!;
    expect(f.rules.map((r) => [r.id, r.action.type])).toEqual([
      ['policy/9', 'permit'],
      ['policy/2', 'deny'],
    ]);
    expect(f).toMatchObject({ model: 'first-match', defaultAction: 'deny', attachment: { hooks: ['forward'], stage: 10 }, name: 'firewall policy' });
    expect(f.rules[0]).toMatchObject({ name: 'nine', comment: "nine's comment" });
    expect(f.rules[0]!.origin.line).toBe(f.origin!.line + 1);
  });

  it('reads interfaces, zones and any', () => {
    const d = parse(`
config system zone
    edit "inside"
        set interface "internal2" "internal3"
    next
end
${ADDRESSES}
${policies(['1', ['srcintf "inside" "internal5"', 'dstintf "any"', 'action accept', 'srcaddr "all"', 'dstaddr "all"', 'schedule "always"', 'service "ALL"']])}`);
    const r = ruleOf(d, 'policy/1');
    expect(r.match.inInterface).toEqual({ names: ['internal2', 'internal3', 'internal5'], negated: false });
    expect(r.match.outInterface).toBeUndefined();
  });

  it('matches the addresses and services it names, and nothing else', () => {
    const r = ruleOf(parse(`${ADDRESSES}\n${policies(['1', accept('all', 'edge', '"HTTPS"')])}`), 'policy/1');
    expect(holds(r, { src: '198.51.100.7', dst: '172.16.10.11', dport: 443 })).toBe(true);
    expect(holds(r, { src: '198.51.100.7', dst: '172.16.10.12', dport: 443 })).toBe(false);
    expect(holds(r, { src: '198.51.100.7', dst: '172.16.10.10', dport: 80 })).toBe(false);
    expect(r.uncertain).toEqual([]);
  });

  it('negates addresses and services within the family', () => {
    const r = ruleOf(parse(`${ADDRESSES}\n${policies(['1', accept('fe', 'edge', '"HTTPS"', ['srcaddr-negate enable', 'service-negate enable'])])}`), 'policy/1');
    expect(holds(r, { src: '198.51.100.7', dst: '172.16.10.10', dport: 22 })).toBe(true);
    expect(holds(r, { src: '10.20.0.5', dst: '172.16.10.10', dport: 22 })).toBe(false);
    expect(holds(r, { src: '198.51.100.7', dst: '172.16.10.10', dport: 443 })).toBe(false);
  });

  it('keeps a disabled policy, disabled', () => {
    expect(ruleOf(parse(`${ADDRESSES}\n${policies(['1', accept('all', 'edge', '"HTTPS"', ['status disable'])])}`), 'policy/1').enabled).toBe(false);
  });

  it('marks as uncertain what the flows alone do not decide: schedules, ISDB, users, FQDNs', () => {
    const d = parse(`${ADDRESSES}\n${policies(
      ['1', accept('all', 'edge', '"HTTPS"', ['schedule "weekdays"'])],
      ['2', ['srcintf "wan1"', 'dstintf "dmz"', 'action accept', 'srcaddr "all"', 'internet-service enable', 'internet-service-name "Microsoft-Office365"', 'schedule "always"']],
      ['3', accept('all', 'edge', '"HTTPS"', ['groups "vpn-users"'])],
      ['4', accept('partners.example.com', 'edge', '"HTTPS"')],
      ['5', accept('all', 'edge', '"HTTPS"')],
    )}`);
    expect(ruleOf(d, 'policy/1').uncertain).toEqual(['schedule "weekdays": the policy applies only at some times']);
    expect(ruleOf(d, 'policy/2').uncertain.join()).toContain('Internet Service Database');
    expect(ruleOf(d, 'policy/3').uncertain.join()).toContain('authenticated');
    expect(ruleOf(d, 'policy/4').uncertain.join()).toContain('partners.example.com');
    // The FQDN rule may match any source, and certainly matches none: the engine overlays exactly those flows.
    expect(holds(ruleOf(d, 'policy/4'), { src: '192.0.2.1', dst: '172.16.10.10', dport: 443 })).toBe(true);
    expect(certainlyHolds(ruleOf(d, 'policy/4'), { src: '192.0.2.1', dst: '172.16.10.10', dport: 443 })).toBe(false);
    // A schedule makes the whole match doubtful: no possible flows beside it.
    expect(ruleOf(d, 'policy/1').match.possibleFlows).toBeUndefined();
    expect(ruleOf(d, 'policy/5').uncertain).toEqual([]);
    expect(d.diagnostics.filter((x) => x.level === 'warning').map((x) => x.line)).toContain(ruleOf(d, 'policy/1').origin.line);
  });

  it('reads accept, deny with send-deny-packet, ipsec (as accept) and unknown actions', () => {
    const d = parse(`${ADDRESSES}\n${policies(
      ['1', ['srcintf "wan1"', 'dstintf "dmz"', 'srcaddr "all"', 'dstaddr "all"', 'service "ALL"', 'send-deny-packet enable']],
      ['2', accept('all', 'edge', '"ALL"').map((s) => s.replace('action accept', 'action ipsec'))],
      ['3', accept('all', 'edge', '"ALL"').map((s) => s.replace('action accept', 'action redirect'))],
    )}`);
    expect(rulesOf(d).map((r) => r.action)).toEqual([{ type: 'deny', reject: true }, { type: 'permit' }, { type: 'unknown', target: 'action redirect' }]);
    expect(d.diagnostics.some((x) => x.level === 'info' && x.message.includes('action ipsec'))).toBe(true);
  });

  it('reads IPv4 and IPv6 of a consolidated policy, and policy6', () => {
    const d = parse(`${ADDRESSES}
config firewall address6
    edit "edge6"
        set ip6 2001:db8:10::10/127
    next
end
${policies(['1', accept('all', 'edge', '"HTTPS"', ['srcaddr6 "all"', 'dstaddr6 "edge6"'])])}
config firewall policy6
    edit 7
        set srcintf "wan1"
        set dstintf "dmz"
        set srcaddr "all"
        set dstaddr "edge6"
        set action accept
        set schedule "always"
        set service "SSH"
    next
end`);
    const r = ruleOf(d, 'policy/1');
    expect(holds(r, { src: '2001:db8::1', dst: '2001:db8:10::11', dport: 443 })).toBe(true);
    expect(holds(r, { src: '192.0.2.1', dst: '172.16.10.10', dport: 443 })).toBe(true);
    expect(holds(ruleOf(d, 'policy6/7'), { src: '2001:db8::1', dst: '2001:db8:10::10', dport: 22 })).toBe(true);
    expect(d.families).toEqual(['ipv4', 'ipv6']);
  });

  it('reads local-in policies as a filter on traffic to the FortiGate, not blocked by default', () => {
    const d = parse(`${ADDRESSES}
config firewall local-in-policy
    edit 1
        set intf "wan1"
        set srcaddr "all"
        set dstaddr "all"
        set service "SSH"
        set schedule "always"
    next
end`);
    const f = d.filters.get('local-in')!;
    expect(f).toMatchObject({ defaultAction: 'permit', attachment: { hooks: ['input'], stage: 10 } });
    expect(f.rules.map((r) => [r.id, r.action.type, r.match.inInterface?.names])).toEqual([['local-in-policy/1', 'deny', ['wan1']]]);
  });

  it('lets traffic between the members of an intrazone-allow zone pass before any policy', () => {
    const d = parse(`
config system zone
    edit "inside"
        set interface "internal2" "internal3"
        set intrazone allow
    next
end`);
    const [r] = rulesOf(d);
    expect(r).toMatchObject({ id: 'zone/inside/intrazone', action: { type: 'permit' }, match: { inInterface: { names: ['internal2', 'internal3'] }, outInterface: { names: ['internal2', 'internal3'] } } });
    expect(r!.origin.text).toBe('set intrazone allow');
  });
});

const VIPS = `
config firewall vip
    edit "vip-ae1"
        set extip 203.0.113.10
        set mappedip "172.16.10.10"
        set extintf "wan1"
    next
    edit "vip-web-8443"
        set extip 203.0.113.20
        set mappedip "172.16.10.20"
        set extintf "wan1"
        set portforward enable
        set extport 8443
        set mappedport 443
    next
end`;

describe('policies and VIPs', () => {
  it('match VIP traffic by its external address, and compare the service with the mapped port', () => {
    const d = parse(`${ADDRESSES}${VIPS}\n${policies(['1', accept('all', 'vip-web-8443', '"HTTPS"')], ['2', accept('all', 'vip-ae1', '"HTTPS"')])}`);
    const web = ruleOf(d, 'policy/1');
    expect(holds(web, { src: '198.51.100.7', dst: '203.0.113.20', dport: 8443 })).toBe(true);
    expect(holds(web, { src: '198.51.100.7', dst: '203.0.113.20', dport: 443 })).toBe(false);
    expect(holds(web, { src: '198.51.100.7', dst: '172.16.10.20', dport: 443 })).toBe(false);
    expect(holds(ruleOf(d, 'policy/2'), { src: '198.51.100.7', dst: '203.0.113.10', dport: 443 })).toBe(true);
  });

  it('carry a VIP group member that is undefined or the group itself as a warning and an uncertain match, not a narrower one', () => {
    const group = (members: string) => `\nconfig firewall vipgrp\n    edit "pub"\n        set interface "wan1"\n        set member ${members}\n    next\nend`;
    const clean = parse(`${ADDRESSES}${VIPS}${group('"vip-ae1"')}\n${policies(['1', accept('all', 'pub', '"HTTPS"')])}`);
    expect(ruleOf(clean, 'policy/1').uncertain).toEqual([]);
    for (const [member, why] of [['"nope"', /"nope", which is not a VIP defined in the export/], ['"pub"', /"pub", which is the group itself/]] as const) {
      const d = parse(`${ADDRESSES}${VIPS}${group(`"vip-ae1" ${member}`)}\n${policies(['1', accept('all', 'pub', '"HTTPS"')])}`);
      const rule = ruleOf(d, 'policy/1');
      // The known member is matched for certain; traffic the unknown one may publish only possibly.
      expect(certainlyHolds(rule, { src: '198.51.100.7', dst: '203.0.113.10', dport: 443 })).toBe(true);
      expect(certainlyHolds(rule, { src: '198.51.100.7', dst: '203.0.113.77', dport: 443 })).toBe(false);
      expect(holds(rule, { src: '198.51.100.7', dst: '203.0.113.77', dport: 443 })).toBe(true);
      expect(rule.uncertain.join()).toMatch(why);
      expect(d.diagnostics.some((x) => x.level === 'warning' && why.test(x.message))).toBe(true);
    }
  });

  it('keep VIP traffic away from other accept policies', () => {
    const d = parse(`${ADDRESSES}${VIPS}\n${policies(['1', accept('all', 'all', '"ALL"')], ['2', accept('all', 'vip-ae1', '"HTTPS"')])}`);
    expect(holds(ruleOf(d, 'policy/1'), { src: '198.51.100.7', dst: '203.0.113.10', dport: 443 })).toBe(false);
    expect(holds(ruleOf(d, 'policy/1'), { src: '198.51.100.7', dst: '203.0.113.99', dport: 443 })).toBe(true);
  });

  it('let a deny apply to VIP traffic by its translated destination per match-vip, whose default changed in 7.2.4', () => {
    const deny = ['srcintf "wan1"', 'dstintf "dmz"', 'srcaddr "all"', 'dstaddr "edge"', 'schedule "always"', 'service "HTTPS"'];
    const body = (extra: string[] = []) => `${ADDRESSES}${VIPS}\n${policies(['1', [...deny, ...extra]], ['2', accept('all', 'vip-ae1', '"HTTPS"')])}`;
    const vipFlow = { src: '198.51.100.7', dst: '203.0.113.10', dport: 443 };
    expect(holds(ruleOf(parse(body()), 'policy/1'), vipFlow)).toBe(true); // 7.2.5: enabled by default
    expect(holds(ruleOf(parse(body(), V7_0), 'policy/1'), vipFlow)).toBe(false); // 7.0: disabled by default
    expect(holds(ruleOf(parse(body(['match-vip disable'])), 'policy/1'), vipFlow)).toBe(false);
    const unknownVersion = parseDevice(body(), '');
    expect(rulesOf(unknownVersion).map((r) => r.id)).toEqual(['policy/1', 'policy/1/vip-traffic', 'policy/2']);
    const vipPart = ruleOf(unknownVersion, 'policy/1/vip-traffic');
    expect(holds(vipPart, vipFlow)).toBe(true);
    expect(vipPart.uncertain.join()).toContain('match-vip');
    expect(ruleOf(unknownVersion, 'policy/1').uncertain).toEqual([]);
  });

  it('in central NAT mode, name real addresses: a policy to the mapped address matches, VIPs translate on their own', () => {
    const d = parse(`
config system settings
    set central-nat enable
end
${ADDRESSES}${VIPS}
${policies(['1', accept('all', 'edge', '"HTTPS"')])}`);
    expect(holds(ruleOf(d, 'policy/1'), { src: '198.51.100.7', dst: '172.16.10.10', dport: 443 })).toBe(true);
    expect(d.nat.filter((n) => n.kind === 'destination').map((n) => [n.id, n.seenFromStage])).toEqual([
      ['vip/vip-ae1', 0],
      ['vip/vip-web-8443', 0],
    ]);
  });
});

describe('policies from several interfaces and VIPs that listen on some of them', () => {
  const listening = `
config firewall vip
    edit "vip-ae1"
        set extip 203.0.113.10
        set mappedip "172.16.10.10"
        set extintf "wan1"
        set srcintf-filter "wan1"
    next
end`;
  it('are uncertain about the VIP address only: from wan1 it is VIP traffic, from elsewhere it is not', () => {
    const any = (dst: string): string[] => ['srcintf "any"', 'dstintf "dmz"', 'action accept', 'srcaddr "all"', `dstaddr "${dst}"`, 'schedule "always"', 'service "HTTPS"'];
    const d = parse(`${ADDRESSES}${listening}\n${policies(['1', any('all')], ['2', any('edge')], ['3', accept('all', 'vip-ae1', '"HTTPS"')])}`);
    expect(ruleOf(d, 'policy/1').uncertain).toEqual(['VIP "vip-ae1" translates traffic to its address on only some of the policy\'s source interfaces']);
    expect(holds(ruleOf(d, 'policy/1'), { src: '198.51.100.7', dst: '203.0.113.10', dport: 443 })).toBe(true);
    expect(certainlyHolds(ruleOf(d, 'policy/1'), { src: '198.51.100.7', dst: '203.0.113.10', dport: 443 })).toBe(false);
    expect(certainlyHolds(ruleOf(d, 'policy/1'), { src: '198.51.100.7', dst: '172.16.10.11', dport: 443 })).toBe(true);
    expect(ruleOf(d, 'policy/2').uncertain).toEqual([]);
  });
});
