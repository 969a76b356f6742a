/**
 * Address terms as firewall exports write them, parsed once per distinct text: shared by the vendor parsers.
 */
import { AddressSet } from '../src/model/address-set.js';
import { NumberCache, TextCache } from './caches.js';

/** How many addresses an IPv4 prefix of each length holds; a table, because `2 ** n` calls a slow pow. */
const PREFIX_SIZE: readonly number[] = Array.from({ length: 33 }, (_, len) => 2 ** (32 - len));
/** IPv4 prefixes by `start * 64 + length`: a number key needs no string hashing. */
const ipv4Cache = new NumberCache<AddressSet>(12);
const otherAddressCache = new TextCache<AddressSet>(1024);

/**
 * One address term (`10.0.0.0/8`, `10.0.0.0/255.0.0.0`, `a-b`, IPv6); throws AddressError. Plain IPv4 prefixes,
 * which is what firewall exports mostly print, take a fast path; everything else goes through AddressSet.parse.
 * Real rule sets name the same hosts again and again, and sharing their sets saves work and memory.
 */
export function parseAddressText(text: string): AddressSet {
  const fast = parseIPv4Prefix(text);
  if (fast >= 0) return ipv4Cache.get(fast) ?? ipv4Cache.set(fast, ipv4Prefix(fast));
  return otherAddressCache.get(text) ?? otherAddressCache.set(text, AddressSet.parse(text));
}

/** The set of a `start * 64 + length` key. */
function ipv4Prefix(key: number): AddressSet {
  // Floor division rather than `%`: these doubles exceed 32 bits, where `%` is a slow fmod.
  const lo = Math.floor(key / 64);
  const len = key - lo * 64;
  const low = BigInt(lo);
  return AddressSet.fromIntervals('ipv4', [[low, len === 32 ? low : BigInt(lo + PREFIX_SIZE[len]! - 1)]]);
}

/**
 * `a.b.c.d` or `a.b.c.d/len` with decimal octets → `start * 64 + len`, the host bits under the prefix
 * cleared; -1 for anything else (leading zeros, dotted masks, ranges, IPv6), which the slow path decides.
 */
function parseIPv4Prefix(text: string): number {
  let value = 0;
  let octet = -1;
  let dots = 0;
  let digits = 0;
  let i = 0;
  const n = text.length;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && octet === 0) return -1;
      octet = (octet < 0 ? 0 : octet) * 10 + (c - 0x30);
      if (++digits > 3 || octet > 255) return -1;
    } else if (c === 0x2e /* . */) {
      if (octet < 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = -1;
      digits = 0;
      dots++;
    } else if (c === 0x2f /* / */) {
      break;
    } else {
      return -1;
    }
  }
  if (octet < 0 || dots !== 3) return -1;
  value = value * 256 + octet;
  let len = 32;
  if (i < n) {
    // 1 or 2 digits, at most 32.
    if (n - i - 1 < 1 || n - i - 1 > 2) return -1;
    len = 0;
    for (let k = i + 1; k < n; k++) {
      const d = text.charCodeAt(k) - 0x30;
      if (d < 0 || d > 9) return -1;
      len = len * 10 + d;
    }
    if (len > 32) return -1;
  }
  const size = PREFIX_SIZE[len]!;
  return Math.floor(value / size) * size * 64 + len;
}
