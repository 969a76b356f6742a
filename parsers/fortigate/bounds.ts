/**
 * What a FortiOS object matches, when the export may not say exactly: `certain` is matched for sure, `possible` at
 * most, and `reasons` say why they differ (an FQDN resolved by DNS at run time, a GeoIP country). Equal bounds and no
 * reasons mean the export says exactly. Negation and exclusion swap the bounds, so they stay sound:
 * `all` minus an FQDN is certainly nothing more than `all`, and possibly everything but nothing.
 */
import { AddressSet, type Family } from '../../src/model/address-set.js';

export interface Bounds {
  readonly certain: AddressSet;
  readonly possible: AddressSet;
  readonly reasons: readonly string[];
}

/** Shared by every exact bound: one per address object and per policy otherwise. */
const NO_REASONS: readonly string[] = [];

export function exact(set: AddressSet): Bounds {
  return { certain: set, possible: set, reasons: NO_REASONS };
}

/** Anything of the family, or nothing: the export cannot tell which addresses. */
export function unknown(family: Family, reason: string): Bounds {
  return { certain: AddressSet.NONE, possible: AddressSet.any(family), reasons: [reason] };
}

export function union(a: Bounds, b: Bounds): Bounds {
  if (a.certain === a.possible && b.certain === b.possible) return exact(a.possible.union(b.possible));
  return { certain: a.certain.union(b.certain), possible: a.possible.union(b.possible), reasons: mergeReasons(a.reasons, b.reasons) };
}

/** a − b: certainly what a certainly has and b cannot have; possibly what a may have and b does not certainly have. */
export function subtract(a: Bounds, b: Bounds): Bounds {
  return { certain: a.certain.subtract(b.possible), possible: a.possible.subtract(b.certain), reasons: mergeReasons(a.reasons, b.reasons) };
}

/** Every address of the family but these (`set srcaddr-negate enable`). */
export function complement(family: Family, b: Bounds): Bounds {
  return subtract(exact(AddressSet.any(family)), b);
}

export function unionAll(items: Iterable<Bounds>): Bounds {
  let out: Bounds | undefined;
  for (const b of items) out = out ? union(out, b) : b;
  return out ?? exact(AddressSet.NONE);
}

export function mergeReasons(a: readonly string[], b: readonly string[]): readonly string[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  return [...new Set([...a, ...b])];
}
