/** `show access-list` output → Device: entries read from themselves or their expansion, lists placed by their ASDM names. */
import { describe, expect, it } from 'vitest';
import { AddressSet } from '../../src/model/address-set.js';
import { headerSpace, Ports, Protocols } from '../../src/model/header-space.js';
import type { Device } from '../../src/model/rule-graph.js';
import { evaluatePath } from '../../src/engine/evaluate.js';
import { filtersOn } from '../../src/engine/topology.js';
import { exportFromText } from '../export-file.js';
import { asaParser } from './index.js';

const parse = (lines: string[]): Device => asaParser.parse(exportFromText('acl.txt', lines.join('\n') + '\n'), {})[0]!;

const OUTPUT = [
  'edge-fw01# show access-list', // 1
  'access-list cached ACL log flows: total 0, denied 0 (deny-flow-max 4096)',
  '            alert-interval 300',
  'access-list outside_access_in; 5 elements; name hash: 0x6892a938', // 4
  'access-list outside_access_in line 1 remark Lync Edge: federation and remote users',
  'access-list outside_access_in line 2 extended permit tcp any4 object-group LYNC-EDGE-EXT object-group LYNC-EDGE-EXT-IN (hitcnt=1893) 0xf5c7b1d1', // 6
  '  access-list outside_access_in line 2 extended permit tcp any4 host 10.10.0.10 eq https (hitcnt=1200) 0x1b8b0e2c',
  '  access-list outside_access_in line 2 extended permit tcp any4 host 10.10.0.10 eq 5061 (hitcnt=310) 0x0c9d9c1e',
  '  access-list outside_access_in line 2 extended permit tcp any4 host 10.10.0.11 eq https (hitcnt=383) 0x4f1e0aa2',
  '  access-list outside_access_in line 2 extended permit tcp any4 host 10.10.0.11 eq 5061 (hitcnt=0) 0x7e2b3c4d',
  'access-list outside_access_in line 3 extended permit tcp any4 host 10.10.0.10 eq 5269 inactive (hitcnt=0) (inactive) 0x2a1d5b0e', // 11
  'access-list outside_access_in line 4 extended deny ip any any log informational interval 300 (hitcnt=17) 0x8d1a1a4f', // 12
  'access-list dmz_access_in; 1 elements; name hash: 0x1e2f3a4b', // 13
  'access-list dmz_access_in line 1 extended permit tcp host 10.10.0.10 any4 eq 5269 (hitcnt=4) 0x3c4d5e6f', // 14
  'access-list split_tunnel; 1 elements; name hash: 0x0badf00d',
  'access-list split_tunnel line 1 standard permit 10.0.0.0 255.0.0.0 (hitcnt=0) 0x11223344', // 16
];

function decide(d: Device, inIf: string, outIf: string, dst: string, dport: number) {
  const flow = headerSpace({ src: AddressSet.parse('192.0.2.7'), dst: AddressSet.parse(dst), proto: Protocols.only(6), sport: Ports.range(49152), dport: Ports.range(dport) });
  const [o] = evaluatePath(d, filtersOn(d, 'forward', 'ipv4', inIf, outIf), [flow], { in: inIf, out: outIf });
  return { decision: o!.decision, line: (o!.decidedBy?.rule?.origin ?? o!.decidedBy?.filter.defaultOrigin)?.line, uncertain: o!.uncertainty.length > 0 };
}

describe('show access-list entries', () => {
  const d = parse(OUTPUT);
  const rules = d.filters.get('acl/outside_access_in')!.rules;

  it('reads an entry that names objects from its expanded lines, as one rule on the entry line', () => {
    expect(rules.map((r) => [r.id, r.origin.line, r.comment])).toEqual([
      ['outside_access_in/2', 6, 'Lync Edge: federation and remote users'],
      ['outside_access_in/3', 11, undefined],
      ['outside_access_in/4', 12, undefined],
    ]);
    expect(rules[0]!.match.flows.map((h) => `${h.dst.toString()}:${Ports.format(h.dport)}`)).toEqual(['10.10.0.10:443', '10.10.0.10:5061', '10.10.0.11:443', '10.10.0.11:5061']);
  });

  it('ignores hit counts and hashes, and keeps inactive entries disabled', () => {
    expect(rules[1]!.enabled).toBe(false);
    expect(rules[2]!.uncertain).toEqual([]);
  });

  it('checks an entry it can read against its expansion', () => {
    const d2 = parse(['access-list A; 1 elements; name hash: 0x1', 'access-list A line 1 extended permit tcp any4 host 10.10.0.10 eq 5061 (hitcnt=0) 0x1', '  access-list A line 1 extended permit tcp any4 host 10.10.0.99 eq 5061 (hitcnt=0) 0x2']);
    expect(d2.diagnostics.find((x) => x.line === 2)?.message).toMatch(/expanded lines under this entry match other flows/);
  });

  it('an entry naming objects with no expansion under it is uncertain for every flow, with a warning', () => {
    const d2 = parse(['access-list A; 0 elements; name hash: 0x1', 'access-list A line 1 extended permit tcp any4 object-group EMPTY eq 443 (hitcnt=0) 0x1']);
    const [rule] = d2.filters.get('acl/A')!.rules;
    expect(rule!.uncertain).toEqual(['its objects are not in show access-list output (object-group "EMPTY" is not defined)']);
    expect(rule!.match.flows[0]!.dst.isAnyOfItsFamilies()).toBe(true);
    expect(d2.diagnostics.find((x) => x.line === 2)?.level).toBe('warning');
  });

  it('non-extended lists are skipped with an info diagnostic', () => {
    expect(d.diagnostics.find((x) => x.line === 16)?.level).toBe('info');
  });

  it('says, at line 0, what the output lacks and what was assumed', () => {
    const top = d.diagnostics.find((x) => x.line === 0)!;
    expect(top.level).toBe('warning');
    expect(top.message).toMatch(/interfaces, security levels, access-groups, routes and NAT are unknown/);
    expect(top.message).toMatch(/outside_access_in, dmz_access_in/);
  });
});

describe('where the lists apply', () => {
  it('a list named NAMEIF_access_in filters what enters on NAMEIF; its implicit deny anchors on its header', () => {
    const d = parse(OUTPUT);
    expect(d.interfaces.map((i) => i.name)).toEqual(['dmz', 'outside']);
    expect(decide(d, 'outside', 'dmz', '10.10.0.11', 5061)).toEqual({ decision: 'permit', line: 6, uncertain: false });
    expect(decide(d, 'outside', 'dmz', '10.10.0.10', 5269)).toEqual({ decision: 'deny', line: 12, uncertain: false });
    expect(decide(d, 'dmz', 'outside', '192.0.2.7', 443)).toEqual({ decision: 'deny', line: 13, uncertain: false });
  });

  it('what enters on an interface with no list in the output is uncertain, never assumed open', () => {
    const d = parse(OUTPUT);
    expect(decide(d, 'inside', 'dmz', '10.10.0.10', 5061)).toMatchObject({ uncertain: true });
  });

  it('lists not named that way are all taken to filter every forwarded flow', () => {
    const d = parse(['access-list EDGE-IN; 1 elements; name hash: 0x1', 'access-list EDGE-IN line 1 extended permit tcp any4 host 10.10.0.10 eq 5061 (hitcnt=0) 0x1']);
    expect(d.filters.get('acl/EDGE-IN')!.attachment).toEqual({ hooks: ['forward'], stage: 10 });
    expect(d.diagnostics.find((x) => x.line === 0)?.message).toMatch(/each one \(EDGE-IN\) is assumed to filter all forwarded traffic/);
    expect(decide(d, 'a', 'b', '10.10.0.10', 5061).decision).toBe('permit');
  });
});
