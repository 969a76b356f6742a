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

/**
 * One address set per distinct value: the spaces of 100,000 policies are made by set operations (VIP traffic taken
 * out, several objects united) that return new sets equal to ones other policies already hold.
 */
export class DistinctAddresses {
  private readonly byValue = new Map<string, AddressSet>();
  private readonly kept = new Set<AddressSet>();

  /** `h` with its addresses replaced by the equal sets already seen (`h` itself when it holds those already). */
  space(h: HeaderSpace): HeaderSpace {
    const src = this.set(h.src);
    const dst = this.set(h.dst);
    return src === h.src && dst === h.dst ? h : { ...h, src, dst };
  }

  private set(s: AddressSet): AddressSet {
    if (this.kept.has(s)) return s;
    const key = `${s.v4.valueKey()}|${s.v6.valueKey()}`;
    const known = this.byValue.get(key);
    if (known) return known;
    this.byValue.set(key, s);
    this.kept.add(s);
    return s;
  }
}
