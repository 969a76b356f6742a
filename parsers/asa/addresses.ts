/**
 * Addresses as the ASA writes them: `10.1.1.1`, `10.1.0.0 255.255.0.0` (a network mask, never a wildcard),
 * `2001:db8::/32`, `10.1.1.1-10.1.1.9` (ranges in objects), and `name` aliases standing for any IPv4 or IPv6
 * address. Values repeat across a large configuration, so parsed sets are cached by text.
 */
import { AddressError, AddressSet, type Family } from '../../src/model/address-set.js';
import { TextCache } from '../iptables/caches.js';

/** A value the ASA would not accept; the caller adds the line. */
export class AddressSyntaxError extends Error {}

export const ANY4 = AddressSet.any('ipv4');
export const ANY6 = AddressSet.any('ipv6');
export const ANY = AddressSet.any();

/** `name 203.0.113.10 edge-public`: alias → address. */
export type Names = ReadonlyMap<string, AddressSet>;

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const hostCache = new TextCache<AddressSet>(4096);
const networkCache = new TextCache<AddressSet>(4096);

export function isIpv4(word: string): boolean {
  return IPV4.test(word);
}

/** `a.b.c.d` as a number, or undefined when it is not one. */
function ipv4Value(word: string): number | undefined {
  const m = IPV4.exec(word);
  if (!m) return undefined;
  let v = 0;
  for (let k = 1; k <= 4; k++) {
    const octet = Number(m[k]);
    if (octet > 255) return undefined;
    v = v * 256 + octet;
  }
  return v;
}

/** One address, written out or as a `name` alias. */
export function hostAddress(word: string, names: Names): AddressSet {
  const alias = names.get(word);
  if (alias) return alias;
  let set = hostCache.get(word);
  if (set) return set;
  const v4 = ipv4Value(word);
  if (v4 !== undefined) set = AddressSet.fromIntervals('ipv4', [[BigInt(v4), BigInt(v4)]]);
  else if (word.includes(':') && !word.includes('/')) set = parseOrThrow(word);
  else throw new AddressSyntaxError(`"${word}" is neither an address nor a name defined by a "name" command`);
  return hostCache.set(word, set);
}

/** `address mask`: the network (host bits ignored, as the ASA does); the mask must be contiguous. */
export function networkAddress(address: string, mask: string, names: Names): AddressSet {
  const key = `${address} ${mask}`;
  let set = networkCache.get(key);
  if (set) return set;
  const base = names.get(address);
  const value = base ? base.v4.lowest() : ipv4Value(address) !== undefined ? BigInt(ipv4Value(address)!) : undefined;
  const bits = prefixLength(mask);
  if (value === undefined) throw new AddressSyntaxError(`"${address}" is not an IPv4 address or name`);
  if (bits === undefined) throw new AddressSyntaxError(`"${mask}" is not a contiguous network mask`);
  const size = 1n << BigInt(32 - bits);
  const lo = (value / size) * size;
  set = AddressSet.fromIntervals('ipv4', [[lo, lo + size - 1n]]);
  return networkCache.set(key, set);
}

/** `255.255.255.0` → 24; undefined for a non-contiguous or malformed mask. */
export function prefixLength(mask: string): number | undefined {
  const v = ipv4Value(mask);
  if (v === undefined) return undefined;
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
  let set = networkCache.get(word);
  if (!set) set = networkCache.set(word, parseOrThrow(word));
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
