import { describe, expect, it } from 'vitest';
import { AddressSet } from '../model/address-set.js';
import { headerSpace, Ports, Protocols, type HeaderSpace } from '../model/header-space.js';
import type { Device, Filter, NatRule, Rule } from '../model/rule-graph.js';
import { evaluatePath } from './evaluate.js';
import { asArriving, intervalMap } from './nat.js';

const PUBLIC = '203.0.113.10';
const REAL = '10.0.10.5';
let line = 0;

const tcpTo = (dst: string, lo: number, hi = lo): HeaderSpace =>
  headerSpace({ family: 'ipv4', dst: AddressSet.parse(dst), proto: Protocols.only(6), dport: Ports.range(lo, hi) });

function permitRule(dst: string, port: number): Rule {
  line++;
  return { id: `r${line}`, action: { type: 'permit' }, match: { flows: [tcpTo(dst, port)] }, enabled: true, uncertain: [], origin: { file: 'fw.cfg', line, text: `permit ${dst} ${port}` } };
}

function acl(id: string, stage: number, rules: Rule[]): Filter {
  return { id, name: id, model: 'first-match', rules, defaultAction: 'deny', attachment: { hooks: ['forward'], stage } };
}

function staticNat(seenFromStage: number, extra: Partial<NatRule> = {}): NatRule {
  line++;
  return {
    id: `nat${line}`,
    kind: 'destination',
    match: { flows: [headerSpace({ family: 'ipv4', dst: AddressSet.parse(PUBLIC) })] },
    toAddresses: AddressSet.parse(REAL),
    seenFromStage,
    enabled: true,
    origin: { file: 'fw.cfg', line, text: `static ${PUBLIC} -> ${REAL}` },
    ...extra,
  };
}

function device(filters: Filter[], nat: NatRule[]): Device {
  return { name: 'fw', vendor: 'test', file: 'fw.cfg', families: ['ipv4'], interfaces: [], filters: new Map(filters.map((f) => [f.id, f])), nat, diagnostics: [] };
}

const decide = (d: Device, flows: HeaderSpace[], ctx = {}) => evaluatePath(d, [...d.filters.values()], flows, ctx);

describe('NAT-aware evaluation', () => {
  it('filters after the translation see the real address (ASA 8.3+, iptables DNAT); outcomes name the address as it arrived', () => {
    const nat = staticNat(0);
    const out = decide(device([acl('outside_in', 10, [permitRule(REAL, 5269)])], [nat]), [tcpTo(PUBLIC, 5269)]);
    expect(out).toHaveLength(1);
    expect(out[0]!.decision).toBe('permit');
    expect(out[0]!.flows[0]!.dst.toString()).toBe(PUBLIC);
    expect(out[0]!.translations).toEqual([nat]);
  });

  it('filters before the translation see the published address (ASA 8.2, FortiGate VIP policies)', () => {
    const naming = (addr: string) => decide(device([acl('outside_in', 10, [permitRule(addr, 5269)])], [staticNat(Infinity)]), [tcpTo(PUBLIC, 5269)])[0]!.decision;
    expect(naming(PUBLIC)).toBe('permit');
    expect(naming(REAL)).toBe('deny');
  });

  it('a filter sees the flow translated only from the NAT rule\'s stage on', () => {
    // Stage 10 names the public address, stage 30 the real one; the translation happens between them.
    const d = device([acl('in', 10, [permitRule(PUBLIC, 5269)]), acl('out', 30, [permitRule(REAL, 5269)])], [staticNat(20)]);
    expect(decide(d, [tcpTo(PUBLIC, 5269)]).map((o) => o.decision)).toEqual(['permit']);
  });

  it('translates ports one to one (443 published, 4443 real) and leaves other ports alone', () => {
    const nat = staticNat(0, {
      match: { flows: [{ ...tcpTo(PUBLIC, 443), src: AddressSet.any('ipv4') }] },
      toPorts: Ports.range(4443),
    });
    const d = device([acl('in', 10, [permitRule(REAL, 4443)])], [nat]);
    const out = decide(d, [tcpTo(PUBLIC, 443, 444)]);
    const byDecision = (x: string) => out.filter((o) => o.decision === x).map((o) => Ports.format(o.flows[0]!.dport));
    expect(byDecision('permit')).toEqual(['443']);
    expect(byDecision('deny')).toEqual(['444']);
  });

  it('applies a NAT rule only on the interfaces it names', () => {
    const nat = staticNat(0, { match: { flows: [headerSpace({ family: 'ipv4', dst: AddressSet.parse(PUBLIC) })], inInterface: { names: ['outside'], negated: false } } });
    const d = device([acl('in', 10, [permitRule(REAL, 5269)])], [nat]);
    expect(decide(d, [tcpTo(PUBLIC, 5269)], { in: 'outside' })[0]!.decision).toBe('permit');
    expect(decide(d, [tcpTo(PUBLIC, 5269)], { in: 'inside' })[0]!.decision).toBe('deny');
  });

  it('ignores disabled NAT rules and uses the first that matches', () => {
    const off = staticNat(0, { enabled: false, toAddresses: AddressSet.parse('10.9.9.9') });
    const first = staticNat(0);
    const second = staticNat(0, { toAddresses: AddressSet.parse('10.8.8.8') });
    const out = decide(device([acl('in', 10, [permitRule(REAL, 5269)])], [off, first, second]), [tcpTo(PUBLIC, 5269)]);
    expect(out.map((o) => [o.decision, o.translations.map((t) => t.id)])).toEqual([['permit', [first.id]]]);
  });

  it('marks verdicts uncertain when a translation onto a pool hides which real address a flow reaches', () => {
    const pool = staticNat(0, { toAddresses: AddressSet.parse('10.0.10.5-10.0.10.6') });
    const out = decide(device([acl('in', 10, [permitRule('10.0.10.5', 5269)])], [pool]), [tcpTo(PUBLIC, 5269)]);
    expect(new Set(out.map((o) => o.decision))).toEqual(new Set(['permit', 'deny']));
    expect(out.every((o) => o.uncertainty.some((u) => /several addresses/.test(u.reason)))).toBe(true);
  });
});

describe('addresses as they arrive', () => {
  it('a role named by its real address is reached at the published one, on the paths the rule applies to', () => {
    const nat = staticNat(0);
    const real = AddressSet.parse(REAL);
    const fromOutside = asArriving([nat], 'destination', real, { in: 'outside' }, () => true);
    expect(fromOutside.addresses.toString()).toBe(PUBLIC);
    expect(fromOutside.rules).toEqual([nat]);
    expect(asArriving([nat], 'destination', real, { in: 'inside' }, () => false).addresses.toString()).toBe(REAL);
    // Already the published address: nothing to do.
    expect(asArriving([nat], 'destination', AddressSet.parse(PUBLIC), {}, () => true).rules).toEqual([]);
  });

  it('maps a subnet onto a subnet address by address', () => {
    const subnet = staticNat(0, { match: { flows: [headerSpace({ family: 'ipv4', dst: AddressSet.parse('203.0.113.0/24') })] }, toAddresses: AddressSet.parse('10.0.10.0/24') });
    expect(asArriving([subnet], 'destination', AddressSet.parse('10.0.10.7'), {}, () => true).addresses.toString()).toBe('203.0.113.7');
  });

  it('one-to-one port maps shift; unequal ranges map all onto all', () => {
    const shift = intervalMap(Ports.range(443), Ports.range(4443));
    expect(Ports.format(shift.forward(Ports.range(443)))).toBe('4443');
    expect(Ports.format(shift.back(Ports.range(4443)))).toBe('443');
    const collapse = intervalMap(Ports.range(1000, 1999), Ports.range(80));
    expect(collapse.manyToOne).toBe(true);
    expect(Ports.format(collapse.back(Ports.range(80)))).toBe('1000-1999');
  });
});
