import type { AddressSet } from '../../src/model/address-set.js';
import type { HeaderSpace } from '../../src/model/header-space.js';
import type { IntervalSet } from '../../src/model/interval-set.js';

const DIMENSIONS = ['src', 'dst', 'proto', 'sport', 'dport'] as const;
type Dimension = (typeof DIMENSIONS)[number];
/** Either kind of dimension: both have the operations used here (as header-space.ts does). */
type AnySet = AddressSet & IntervalSet;

/**
 * The same flows with spaces that differ in one dimension only merged into one (`tcp 443` and `tcp 5061` become
 * `tcp 443, 5061`): fewer, larger spaces keep every later set operation cheap. Disjoint spaces may then overlap.
 */
export function mergeAlong(spaces: readonly HeaderSpace[], along: Dimension): HeaderSpace[] {
  const others = DIMENSIONS.filter((d) => d !== along);
  const out: HeaderSpace[] = [];
  for (const h of spaces) {
    const k = out.findIndex((m) => others.every((d) => (m[d] as AnySet).equals(h[d] as AnySet)));
    if (k < 0) out.push(h);
    else out[k] = { ...out[k]!, [along]: (out[k]![along] as AnySet).union(h[along] as AnySet) };
  }
  return out;
}
