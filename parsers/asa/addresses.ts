/**
 * Addresses as the ASA writes them: `10.1.1.1`, `10.1.0.0 255.255.0.0` (a network mask, never a wildcard),
 * `2001:db8::/32`, `10.1.1.1-10.1.1.9` (ranges in objects), and `name` aliases standing for any IPv4 or IPv6
 * address. Values repeat across a large configuration, so parsed sets are cached (by value for IPv4).
 */
import { AddressError, AddressSet, type Family } from '../../src/model/address-set.js';
import { NumberCache, TextCache } from '../caches.js';

/** A value the ASA would not accept; the caller adds the line. */
export class AddressSyntaxError extends Error {}

export const ANY4 = AddressSet.any('ipv4');
export const ANY6 = AddressSet.any('ipv6');
export const ANY = AddressSet.any();

/** `name 203.0.113.10 edge-public`: alias → address. */
export type Names = ReadonlyMap<string, AddressSet>;

const hostCache = new NumberCache<AddressSet>(12);
const networkCache = new NumberCache<AddressSet>(12);
const otherCache = new TextCache<AddressSet>(1024);

export function isIpv4(word: string): boolean {
  return ipv4Value(word) >= 0;
}

/** `a.b.c.d` (decimal octets) as a number; -1 when it is not one. Read by hand: it runs for every address. */
function ipv4Value(word: string): number {
  let value = 0;
  let octet = -1;
  let dots = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      octet = (octet < 0 ? 0 : octet) * 10 + (c - 0x30);
      if (octet > 255) return -1;
    } else if (c === 0x2e && octet >= 0 && dots < 3) {
      value = value * 256 + octet;
      octet = -1;
      dots++;
    } else {
      return -1;
    }
  }
  return dots === 3 && octet >= 0 ? value * 256 + octet : -1;
}

/** The IPv4 interval [lo, hi], shared per (network, length) through `cache`. */
function ipv4Interval(cache: NumberCache<AddressSet>, lo: number, bits: number): AddressSet {
  const key = lo * 64 + bits;
  return cache.get(key) ?? cache.set(key, AddressSet.fromIntervals('ipv4', [[BigInt(lo), BigInt(lo + 2 ** (32 - bits) - 1)]]));
}

/** One address, written out or as a `name` alias. */
export function hostAddress(word: string, names: Names): AddressSet {
  const alias = names.get(word);
  if (alias) return alias;
  const v4 = ipv4Value(word);
  if (v4 >= 0) return ipv4Interval(hostCache, v4, 32);
  if (!word.includes(':') || word.includes('/')) throw new AddressSyntaxError(`"${word}" is neither an address nor a name defined by a "name" command`);
  return otherCache.get(word) ?? otherCache.set(word, parseOrThrow(word));
}

/** `address mask`: the network (host bits ignored, as the ASA does); the mask must be contiguous. */
export function networkAddress(address: string, mask: string, names: Names): AddressSet {
  const alias = names.get(address);
  const value = alias ? Number(alias.v4.lowest() ?? -1n) : ipv4Value(address);
  if (value < 0) throw new AddressSyntaxError(`"${address}" is not an IPv4 address or name`);
  const bits = prefixLength(mask);
  if (bits === undefined) throw new AddressSyntaxError(`"${mask}" is not a contiguous network mask`);
  const size = 2 ** (32 - bits);
  return ipv4Interval(networkCache, Math.floor(value / size) * size, bits);
}

/** `255.255.255.0` → 24; undefined for a non-contiguous or malformed mask. */
export function prefixLength(mask: string): number | undefined {
  const v = ipv4Value(mask);
  if (v < 0) return undefined;
  const inverted = 0xffffffff - v;
  // A contiguous mask inverted is 2^k - 1.
  if ((inverted & (inverted + 1)) !== 0) return undefined;
  return 32 - Math.log2(inverted + 1);
}

/** `2001:db8::/32` (an IPv6 prefix, which ASA commands write in one word). */
export function isIpv6Prefix(word: string): boolean {
  return word.includes(':') && word.includes('/');
}

export function ipv6Prefix(word: string): AddressSet {
  const set = otherCache.get(word) ?? otherCache.set(word, parseOrThrow(word));
  if (!set.v4.isEmpty()) throw new AddressSyntaxError(`"${word}" is not an IPv6 prefix`);
  return set;
}

/** `range A B` of a network object: inclusive, one family. */
export function addressRange(first: string, last: string, names: Names): AddressSet {
  const lo = hostAddress(first, names);
  const hi = hostAddress(last, names);
  const family: Family = lo.v4.isEmpty() ? 'ipv6' : 'ipv4';
  const a = family === 'ipv4' ? lo.v4.lowest() : lo.v6.lowest();
  const b = family === 'ipv4' ? hi.v4.lowest() : hi.v6.lowest();
  if (a === undefined || b === undefined || a > b) throw new AddressSyntaxError(`"range ${first} ${last}" is not a range of one address family`);
  return AddressSet.fromIntervals(family, [[a, b]]);
}

function parseOrThrow(text: string): AddressSet {
  try {
    return AddressSet.parse(text);
  } catch (e) {
    if (e instanceof AddressError) throw new AddressSyntaxError(e.message);
    throw e;
  }
}
