import { describe, expect, it } from 'vitest';
import { AddressSet } from '../model/address-set.js';
import { headerSpace, intersectFlows, Ports, Protocols, subtractFlows, type HeaderSpace } from '../model/header-space.js';
import type { Device, Filter, Rule, RuleAction, RuleMatch } from '../model/rule-graph.js';
import { evaluatePath, type Outcome } from './evaluate.js';
import { interfaceMatches } from './path-context.js';
import { candidateRules } from './rule-index.js';
import { OTHER_INTERFACE } from './topology.js';

let line = 0;
function rule(action: RuleAction, space: Partial<HeaderSpace>, extra: Partial<RuleMatch> & { uncertain?: string[]; enabled?: boolean } = {}): Rule {
  line++;
  const { uncertain = [], enabled = true, ...match } = extra;
  return {
    id: `r${line}`,
    action,
    match: { flows: [headerSpace({ family: 'ipv4', ...space })], ...match },
    enabled,
    uncertain,
    origin: { file: 't.rules', line, text: `rule ${line}` },
  };
}
const permit: RuleAction = { type: 'permit' };
const deny: RuleAction = { type: 'deny' };
const tcp = (lo: number, hi = lo) => ({ proto: Protocols.only(6), dport: Ports.range(lo, hi) });
const to = (a: string) => ({ dst: AddressSet.parse(a) });

function filter(id: string, rules: Rule[], defaultAction: Filter['defaultAction'] = 'deny', stage?: number): Filter {
  return {
    id,
    name: id,
    model: 'first-match',
    rules,
    defaultAction,
    ...(stage !== undefined ? { attachment: { hooks: ['forward'], stage } } : {}),
  };
}
function device(...filters: Filter[]): Device {
  return { name: 'd', vendor: 'test', file: 't.rules', families: ['ipv4'], interfaces: [], filters: new Map(filters.map((f) => [f.id, f])), nat: [], diagnostics: [] };
}
const query = (lo: number, hi: number, dst = '203.0.113.10') => [headerSpace({ family: 'ipv4', ...tcp(lo, hi), ...to(dst) })];
const ports = (o: Outcome) => o.flows.map((f) => Ports.format(f.dport)).join(' ');
const run = (d: Device, q = query(5000, 5100), ctx = {}) => evaluatePath(d, [...d.filters.values()].filter((f) => f.attachment), q, ctx);

describe('first-match evaluation of flow sets', () => {
  it('partitions the query exactly and attributes each part to the first rule that matches it', () => {
    const r1 = rule(deny, tcp(5061));
    const r2 = rule(permit, tcp(5000, 5099));
    const d = device(filter('FWD', [r1, r2], 'deny', 1));
    const out = run(d);
    const byRule = (r?: Rule) => out.filter((o) => o.decidedBy?.rule === r).map(ports).join(' ');
    expect(byRule(r1)).toBe('5061');
    expect(byRule(r2)).toBe('5000-5060, 5062-5099');
    expect(byRule(undefined)).toBe('5100');
    // The parts are disjoint and cover the query.
    const all = out.flatMap((o) => o.flows);
    expect(subtractFlows(query(5000, 5100), all)).toEqual([]);
    expect(intersectFlows(out[0]!.flows, out[1]!.flows)).toEqual([]);
  });

  it('never lets a shadowed permit decide anything', () => {
    const shadowing = rule(deny, { proto: Protocols.only(6) });
    const shadowed = rule(permit, tcp(5061));
    const out = run(device(filter('FWD', [shadowing, shadowed], 'permit', 1)), query(5061, 5061));
    expect(out).toHaveLength(1);
    expect(out[0]!.decision).toBe('deny');
    expect(out[0]!.decidedBy?.rule).toBe(shadowing);
  });

  it('skips disabled rules and rules that only match established connections', () => {
    const off = rule(permit, tcp(5061), { enabled: false });
    const est = rule(permit, tcp(5061), { states: ['established', 'related'] });
    const out = run(device(filter('FWD', [off, est], 'deny', 1)), query(5061, 5061));
    expect(out.map((o) => o.decision)).toEqual(['deny']);
    expect(out[0]!.decidedBy?.rule).toBeUndefined();
  });

  it('follows calls, returns to the caller after RETURN, and skips the caller after goto', () => {
    const inner = filter('LYNC', [rule({ type: 'return' }, tcp(5061)), rule(permit, tcp(5000, 5100))], 'return');
    const callRule = rule({ type: 'call', filter: 'LYNC' }, to('203.0.113.0/24'));
    const after = rule(deny, tcp(5061));
    const top = filter('FWD', [callRule, after], 'permit', 1);
    const out = run(device(top, inner));
    const decidedBy5061 = out.find((o) => o.flows.some((f) => f.dport.has(5061n)))!;
    expect(decidedBy5061.decidedBy?.rule).toBe(after);

    const gotoRule = rule({ type: 'goto', filter: 'LYNC' }, to('203.0.113.0/24'));
    const viaGoto = run(device(filter('FWD', [gotoRule, after], 'permit', 1), inner));
    const viaGoto5061 = viaGoto.find((o) => o.flows.some((f) => f.dport.has(5061n)))!;
    // After goto, the returned flow skips the rest of FWD and gets its default.
    expect(viaGoto5061.decidedBy?.rule).toBeUndefined();
    expect(viaGoto5061.decision).toBe('permit');
  });

  it('names the RETURN (and the goto before it) that sent a flow back to an attached filter\'s default', () => {
    const ret = rule({ type: 'return' }, tcp(5061));
    const inner = filter('LYNC', [ret], 'return');
    const gotoRule = rule({ type: 'goto', filter: 'LYNC' }, tcp(5061, 5062));
    const builtInReturn = rule({ type: 'return' }, tcp(5063));
    const out = run(device(filter('FWD', [gotoRule, builtInReturn], 'deny', 1), inner), query(5061, 5064));
    const by = (port: number) => out.find((o) => o.flows.some((f) => f.dport.has(BigInt(port))))!.decidedBy!;
    // Back from the goto'd chain by its RETURN rule; by falling off its end; by RETURN in the attached filter itself.
    expect(by(5061).returnedBy).toEqual([{ filter: expect.objectContaining({ name: 'FWD' }), rule: gotoRule }, { filter: inner, rule: ret }]);
    expect(by(5062).returnedBy).toEqual([{ filter: expect.objectContaining({ name: 'FWD' }), rule: gotoRule }]);
    expect(by(5063).returnedBy).toEqual([{ filter: expect.objectContaining({ name: 'FWD' }), rule: builtInReturn }]);
    expect([5061, 5062, 5063].map((p) => [by(p).rule, by(p).via])).toEqual([[undefined, []], [undefined, []], [undefined, []]]);
    // Falling off the attached filter's own end is the plain default.
    expect(by(5064).returnedBy).toBeUndefined();
    expect(out.every((o) => o.decision === 'deny')).toBe(true);
  });

  it('requires every filter on the path to permit, and records who permitted at each stage', () => {
    const a = rule(permit, tcp(5000, 5100));
    const b = rule(permit, tcp(5061));
    const out = run(device(filter('PRE', [a], 'deny', 1), filter('FWD', [b], 'deny', 2)));
    const permitted = out.filter((o) => o.decision === 'permit');
    expect(permitted.map(ports)).toEqual(['5061']);
    expect(permitted[0]!.permittedBy.map((p) => p.rule)).toEqual([a, b]);
    expect(out.find((o) => o.decision === 'deny')!.stage).toBe(1);
  });

  it('matches interface names exactly, wildcard prefixes only for interfaces the export never names, and negation', () => {
    const wild = { names: ['eth0'], negated: false, otherWithPrefix: ['eth'] };
    expect(interfaceMatches(wild, 'eth0')).toBe(true);
    expect(interfaceMatches(wild, 'eth7')).toBe(true); // named only by the site profile
    expect(interfaceMatches(wild, 'ens3')).toBe(false);
    expect(interfaceMatches({ names: ['eth0'], negated: false }, 'eth7')).toBe(false);
    // An interface the export never names shares no prefix the export uses: only "+" matches it.
    expect(interfaceMatches(wild, OTHER_INTERFACE)).toBe(false);
    expect(interfaceMatches({ ...wild, negated: true }, OTHER_INTERFACE)).toBe(true);
    expect(interfaceMatches({ names: ['eth0'], negated: false, otherWithPrefix: [''] }, OTHER_INTERFACE)).toBe(true);
    expect(interfaceMatches({ names: ['eth0'], negated: true }, 'eth1')).toBe(true);
    expect(interfaceMatches({ names: ['eth0'], negated: false }, undefined)).toBe(false);
    const r = rule(permit, tcp(5061), { inInterface: { names: ['eth0'], negated: false } });
    const d = device(filter('FWD', [r], 'deny', 1));
    expect(run(d, query(5061, 5061), { in: 'eth0' })[0]!.decision).toBe('permit');
    expect(run(d, query(5061, 5061), { in: 'eth1' })[0]!.decision).toBe('deny');
  });
});

describe('uncertain rules', () => {
  it('marks a permit that an uncertain deny may override as uncertain, and leaves other flows certain', () => {
    const maybe = rule(deny, tcp(5061), { uncertain: ['match "-m recent" is not modelled'] });
    const ok = rule(permit, tcp(5000, 5100));
    const out = run(device(filter('FWD', [maybe, ok], 'deny', 1)));
    const uncertain = out.filter((o) => o.uncertainty.length > 0);
    expect(uncertain.map(ports)).toEqual(['5061']);
    expect(uncertain[0]!.decision).toBe('permit');
    expect(uncertain[0]!.uncertainty[0]!.rule).toBe(maybe);
    expect(out.filter((o) => o.uncertainty.length === 0 && o.decision === 'permit').map(ports)).toEqual(['5000-5060, 5062-5100']);
  });

  it('keeps a deny certain when the uncertain rule would also deny', () => {
    const maybe = rule(deny, tcp(5061), { uncertain: ['time range'] });
    const out = run(device(filter('FWD', [maybe], 'deny', 1)), query(5061, 5061));
    expect(out).toHaveLength(1);
    expect(out[0]!.uncertainty).toEqual([]);
  });

  it('makes a deny uncertain when an uncertain permit in the same filter may have matched, but not a later filter\'s deny', () => {
    const maybe = rule(permit, tcp(5061), { uncertain: ['ipset "partners"'] });
    const sameStage = run(device(filter('FWD', [maybe], 'deny', 1)), query(5061, 5061));
    expect(sameStage[0]!.decision).toBe('deny');
    expect(sameStage[0]!.uncertainty).toHaveLength(1);

    const laterDeny = run(device(filter('PRE', [maybe], 'permit', 1), filter('FWD', [], 'deny', 2)), query(5061, 5061));
    expect(laterDeny.map((o) => [o.decision, o.uncertainty.length])).toEqual([['deny', 0]]);
  });
});

describe('rules with certain flows and possible extra flows', () => {
  // A permit to a group {Edge host, FQDN object}: the host certainly, any other address possibly.
  const fqdn = 'fqdn sip.partner.example: resolved by DNS at run time';
  const edgeOrFqdn = (action: RuleAction) =>
    rule(action, { ...tcp(5061), ...to('203.0.113.10') }, { possibleFlows: [headerSpace({ family: 'ipv4', ...tcp(5061), dst: AddressSet.any('ipv4').subtract(AddressSet.parse('203.0.113.10')) })], uncertain: [fqdn] });

  it('decides the certain part exactly and makes only the possible part uncertain', () => {
    const r = edgeOrFqdn(permit);
    const d = device(filter('FWD', [r], 'deny', 1));
    const edge = run(d, query(5061, 5061, '203.0.113.10'));
    expect(edge.map((o) => [o.decision, o.decidedBy?.rule, o.uncertainty.length])).toEqual([['permit', r, 0]]);
    const other = run(d, query(5061, 5061, '198.51.100.7'));
    expect(other.map((o) => [o.decision, o.uncertainty.map((u) => [u.rule, u.reason])])).toEqual([['deny', [[r, `${fqdn} (t.rules:${r.origin.line})`]]]]);
  });

  it('lets flows it only may match go on to the next rule, which decides them, uncertainly', () => {
    const r = edgeOrFqdn(deny);
    const after = rule(permit, tcp(5061));
    const out = run(device(filter('FWD', [r, after], 'deny', 1)), [headerSpace({ family: 'ipv4', ...tcp(5061), dst: AddressSet.parse('203.0.113.8/30') })]);
    const summary = out.map((o) => [o.decision, o.flows.map((h) => h.dst.toString()).join(' '), o.decidedBy?.rule === r, o.uncertainty.length]);
    expect(summary.sort()).toEqual([
      ['deny', '203.0.113.10', true, 0],
      ['permit', '203.0.113.8/31, 203.0.113.11', false, 1],
    ].sort());
  });

  it('is found by the rule index through its possible flows alone', () => {
    const r = rule(permit, {}, { flows: [], possibleFlows: query(5061, 5061), uncertain: [fqdn] });
    const d = device(filter('FWD', [r], 'deny', 1));
    expect(candidateRules(d.filters.get('FWD')!, query(5061, 5061))).toEqual([r]);
    expect(run(d, query(5061, 5061))[0]!.uncertainty).toHaveLength(1);
  });

  it('keeps the old meaning without possible flows: the whole match is doubtful', () => {
    const r = rule(permit, { ...tcp(5061), ...to('203.0.113.10') }, { uncertain: ['time-range business-hours'] });
    const out = run(device(filter('FWD', [r], 'deny', 1)), query(5061, 5061, '203.0.113.10'));
    expect(out.map((o) => [o.decision, o.uncertainty.length])).toEqual([['deny', 1]]);
  });
});

describe('targets whose effect is unknown', () => {
  it('makes every verdict on the flows they match uncertain, even with an exact match', () => {
    const queue = rule({ type: 'unknown', target: 'NFQUEUE' }, tcp(5061));
    const ok = rule(permit, tcp(5000, 5100));
    const out = run(device(filter('FWD', [queue, ok], 'deny', 1)));
    expect(out.filter((o) => o.uncertainty.length > 0).map(ports)).toEqual(['5061']);
    expect(out.filter((o) => o.uncertainty.length === 0).map(ports)).toEqual(['5000-5060, 5062-5100']);
  });
});

describe('goto from an attached filter', () => {
  it('gives flows that come back from the goto\'d chain the attached filter\'s default, not a permit', () => {
    const inner = filter('LYNC', [rule(permit, tcp(5061))], 'return');
    const out = run(device(filter('FWD', [rule({ type: 'goto', filter: 'LYNC' }, {})], 'deny', 1), inner));
    expect(out.map((o) => [o.decision, ports(o)]).sort()).toEqual([
      ['deny', '5000-5060, 5062-5100'],
      ['permit', '5061'],
    ]);
  });
});

describe('calls to the same chain', () => {
  it('evaluates a chain jumped to again with the same flows once: chains that each call the next twice take linear time', () => {
    // 12 chains, each calling the next twice: followed jump by jump, 2^11 evaluations of the last chain.
    const n = 12;
    const first: Rule[] = [];
    const chains = Array.from({ length: n - 1 }, (_, i) => {
      const call: RuleAction = { type: 'call', filter: `C${i + 1}` };
      const r = rule(call, {});
      first.push(r);
      return filter(`C${i}`, [r, rule(call, {})], 'return');
    });
    const doubtful = rule(permit, tcp(5070), { uncertain: ['matches a set whose members are unknown'] });
    const ok = rule(permit, tcp(5061));
    const top = rule({ type: 'call', filter: 'C0' }, {});
    const out = run(device(filter('FWD', [top], 'deny', 1), ...chains, filter(`C${n - 1}`, [doubtful, ok], 'return')));
    const at = (port: number) => out.find((o) => o.flows.some((f) => f.dport.has(BigInt(port))))!;
    // Attribution is that of the path the flow took: the first jump of every chain.
    expect(at(5061).decidedBy?.rule).toBe(ok);
    expect(at(5061).decidedBy?.via.map((j) => j.rule)).toEqual([top, ...first]);
    expect(at(5000).decision).toBe('deny');
    expect(at(5000).decidedBy?.rule).toBeUndefined();
    // The doubtful rule is reported once, though many paths reach it.
    expect(at(5070).uncertainty.map((u) => u.rule)).toEqual([doubtful]);
  });

  it('refuses a loop with an error naming the file and the line of the jump back', () => {
    const back = rule({ type: 'call', filter: 'A' }, {});
    const d = device(filter('FWD', [rule({ type: 'call', filter: 'A' }, {})], 'deny', 1), filter('A', [rule({ type: 'call', filter: 'B' }, {})], 'return'), filter('B', [back], 'return'));
    expect(() => run(d)).toThrow(`t.rules:${back.origin.line}: B jumps back to A, which is still being evaluated (a loop)`);
  });
});

describe('rule index', () => {
  it('returns, in order, every rule that can match — the same rules a full scan finds', () => {
    const rules: Rule[] = [];
    for (let k = 0; k < 3000; k++) {
      const kind = k % 5;
      if (kind === 0) rules.push(rule(permit, { ...tcp(1000 + (k % 60000)), ...to(`10.${k % 200}.${k % 250}.1`) }));
      else if (kind === 1) rules.push(rule(permit, { ...to(`10.${k % 200}.0.0/16`) }));
      else if (kind === 2) rules.push(rule(deny, { ...tcp(5000 + (k % 10), 6000 + k) }));
      else if (kind === 3 && k % 2) rules.push(rule(permit, { src: AddressSet.parse(`2001:db8::${k.toString(16)}`), dst: AddressSet.parse(`2001:db8::${k.toString(16)}`) }));
      else if (kind === 3) rules.push(rule(permit, { src: AddressSet.parse(`10.${k % 200}.${k % 250}.0/24`) }));
      else rules.push(rule(deny, { proto: Protocols.only(17), dport: Ports.range(k % 65000, (k % 65000) + 500) }));
    }
    const f = filter('BIG', rules);
    const fromHost = (src: string, dst: string) => [headerSpace({ family: 'ipv4', src: AddressSet.parse(src), dst: AddressSet.parse(dst) })];
    const v6 = [headerSpace({ family: 'ipv6', src: AddressSet.parse('2001:db8::/64'), dst: AddressSet.parse('2001:db8::d') })];
    const queries = [query(5061, 5061, '10.61.61.1'), query(23456, 23456, '10.0.0.0/8'), query(0, 65535, '10.3.3.1'), fromHost('10.8.8.7', '10.1.1.1'), fromHost('10.3.3.0/24', '0.0.0.0/0'), v6];
    for (const q of queries) {
      const brute = rules.filter((r) => intersectFlows(q, r.match.flows).length > 0);
      const viaIndex = candidateRules(f, q).filter((r) => intersectFlows(q, r.match.flows).length > 0);
      expect(viaIndex).toEqual(brute);
      expect(brute.length, JSON.stringify(q.map((h) => [h.src.toString(), h.dst.toString(), Ports.format(h.dport)]))).toBeGreaterThan(0);
    }
  });
});

describe('block-over-allow evaluation (Windows Firewall)', () => {
  const windows = (rules: Rule[], defaultAction: Filter['defaultAction'] = 'deny'): Filter => ({ ...filter('In', rules, defaultAction, 1), model: 'block-over-allow' });

  it('a block rule beats an allow rule listed before it, whatever the order', () => {
    const allow = rule(permit, tcp(5000, 5100));
    const block = rule(deny, tcp(5061));
    const out = run(device(windows([allow, block])));
    const byRule = (r?: Rule) => out.filter((o) => o.decidedBy?.rule === r).map(ports).join(' ');
    expect(byRule(block)).toBe('5061');
    expect(byRule(allow)).toBe('5000-5060, 5062-5100');
  });

  it('an allow that overrides block rules beats the block', () => {
    const block = rule(deny, tcp(5000, 5100));
    const bypass: Rule = { ...rule(permit, tcp(5061)), overridesBlock: true };
    const out = run(device(windows([block, bypass])));
    expect(out.find((o) => o.decidedBy?.rule === bypass)?.decision).toBe('permit');
    expect(out.filter((o) => o.decision === 'permit').map(ports)).toEqual(['5061']);
  });

  it('unmatched flows get the profile default, and disabled rules never match', () => {
    const disabledBlock = rule(deny, tcp(5061), { enabled: false });
    const out = run(device(windows([disabledBlock], 'permit')));
    expect(out).toHaveLength(1);
    expect(out[0]!.decision).toBe('permit');
    expect(out[0]!.decidedBy?.rule).toBeUndefined();
  });
});

describe('a firewall the export turns off', () => {
  it('filters nothing: no filter lies on any path', async () => {
    const { filtersOn } = await import('./topology.js');
    const d = device(filter('FWD', [rule(deny, tcp(5061))], 'deny', 1));
    expect(filtersOn(d, 'forward', 'ipv4', undefined, undefined)).toHaveLength(1);
    const off: Device = { ...d, firewallOff: { file: 't.rules', line: 1, text: 'EnableFirewall=0' } };
    expect(filtersOn(off, 'forward', 'ipv4', undefined, undefined)).toEqual([]);
  });
});
