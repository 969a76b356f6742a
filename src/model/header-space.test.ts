import { describe, expect, it } from 'vitest';
import { AddressSet } from './address-set.js';
import { headerSpace, intersectFlows, Ports, protocolNumber, Protocols, subtractFlows, subtractSpace } from './header-space.js';

const tcp = Protocols.only(6);
const space = (dport: [number, number], dst = '203.0.113.10') =>
  headerSpace({ family: 'ipv4', proto: tcp, dport: Ports.range(...dport), dst: AddressSet.parse(dst) });

describe('header spaces', () => {
  it('subtracts into disjoint pieces that together are exactly the difference', () => {
    const a = space([5000, 5100], '203.0.113.0/24');
    const b = space([5061, 5061], '203.0.113.10');
    const pieces = subtractSpace(a, b);
    // Disjoint: no two pieces share a flow.
    for (let i = 0; i < pieces.length; i++)
      for (let j = i + 1; j < pieces.length; j++) expect(intersectFlows([pieces[i]!], [pieces[j]!])).toEqual([]);
    // Exact: pieces ∪ b ⊇ a and pieces ∩ b = ∅.
    expect(intersectFlows(pieces, [b])).toEqual([]);
    expect(subtractFlows([a], [...pieces, b])).toEqual([]);
  });
  it('leaves a space untouched when the subtrahend does not overlap', () => {
    const a = space([443, 443]);
    expect(subtractSpace(a, space([5061, 5061]))).toEqual([a]);
  });
  it('finds the exact uncovered remainder of a port range', () => {
    const want = space([50000, 59999]);
    const left = subtractFlows([want], [space([50000, 54999])]);
    expect(left).toHaveLength(1);
    expect(Ports.format(left[0]!.dport)).toBe('55000-59999');
  });
  it('maps protocol names and numbers', () => {
    expect(protocolNumber('TCP')).toBe(6);
    expect(protocolNumber('ipv6-icmp')).toBe(58);
    expect(protocolNumber('47')).toBe(47);
    expect(protocolNumber('300')).toBeUndefined();
    expect(protocolNumber('bogus')).toBeUndefined();
  });
});
