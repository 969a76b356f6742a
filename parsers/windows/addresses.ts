/**
 * Address fields of a Windows Firewall rule (`LA4`/`LA6`/`RA4`/`RA6`/`RA42`/`RA62`, PowerShell and netsh
 * `LocalAddress`/`RemoteAddress`) → exact address sets, with keywords resolved through the site profile.
 */
import { AddressError, AddressSet, type Family } from '../../src/model/address-set.js';
import { TextCache } from '../caches.js';
import { parseAddressText } from '../address-text.js';
import { terms } from './terms.js';

/**
 * Address keywords, by lower-case spelling → one canonical name. The registry (MS-GPFAS 2.2.2.13), PowerShell and
 * netsh spell some differently (`IntrAnet` / `Intranet`, `RmtIntrAnet` / `IntranetRemoteAccess` / `RmtIntranet`,
 * `Ply2Renders` / `PlayToDevice` / `Ply2Renderers`); the site profile may use any of them.
 */
const KEYWORDS: ReadonlyMap<string, string> = new Map([
  ['localsubnet', 'LocalSubnet'],
  ['dns', 'DNS'],
  ['dhcp', 'DHCP'],
  ['wins', 'WINS'],
  ['defaultgateway', 'DefaultGateway'],
  ['intranet', 'Intranet'],
  ['internet', 'Internet'],
  ['rmtintranet', 'IntranetRemoteAccess'],
  ['intranetremoteaccess', 'IntranetRemoteAccess'],
  ['ply2renders', 'PlayToDevice'],
  ['ply2renderers', 'PlayToDevice'],
  ['playtodevice', 'PlayToDevice'],
  ['captiveportal', 'CaptivePortal'],
]);

/** A keyword's canonical name (`LocalSubnet`), or the word itself when Windows defines no such keyword. */
export function canonicalKeyword(word: string): string {
  return KEYWORDS.get(word.toLowerCase()) ?? word;
}

export interface AddressField {
  /** The addresses the field certainly names; every address when it is absent or says Any. */
  readonly addresses: AddressSet;
  /** Addresses beyond `addresses` it may also name: any address (of the keyword's family) for an unresolved keyword. */
  readonly possible?: AddressSet;
  /** Keywords the site profile does not define, by canonical name (`LocalSubnet`): they make `possible`. */
  readonly unresolved: readonly string[];
}

const ANY_FIELD: AddressField = { addresses: AddressSet.any(), unresolved: [] };

/**
 * Reads address fields with the keywords of one site: what each keyword stands for comes from the site profile's
 * `addressKeywords`. Fields repeat across rules (`LocalSubnet`, the Front End pool), so each distinct one is read once.
 */
export class AddressResolver {
  private readonly keywords: ReadonlyMap<string, AddressSet>;
  private readonly cache = new TextCache<AddressField>(4096);

  constructor(given: ReadonlyMap<string, AddressSet> | undefined) {
    this.keywords = new Map([...(given ?? [])].map(([word, set]) => [canonicalKeyword(word).toLowerCase(), set]));
  }

  /**
   * An address field: addresses, subnets (`/24` or `/255.255.255.0`), ranges `a-b`, keywords, `Any` / `*`. A keyword
   * may end in 4 or 6 to stand for its addresses of one family only (PowerShell's convention; the registry readers
   * write `RA4=LocalSubnet` as `LocalSubnet4`). [] = absent = any address. Throws AddressError on a malformed address.
   */
  field(values: readonly string[]): AddressField {
    if (values.length === 0) return ANY_FIELD;
    const key = values.length === 1 ? values[0]! : values.join('|');
    return this.cache.get(key) ?? this.cache.set(key, this.read(values));
  }

  private read(values: readonly string[]): AddressField {
    let addresses = AddressSet.NONE;
    let possible = AddressSet.NONE;
    const unresolved: string[] = [];
    let any = false;
    for (const value of values) {
      for (const term of terms(value)) {
        // A word (letters, then letters or digits) is a keyword; anything with a dot, colon, slash or dash is an address.
        if (!/^[a-z][a-z0-9]*$/i.test(term)) {
          addresses = addresses === AddressSet.NONE ? address(term) : addresses.union(address(term));
          continue;
        }
        if (/^any$/i.test(term)) {
          any = true;
          continue;
        }
        const { word, family } = splitFamily(term);
        const name = canonicalKeyword(word);
        const known = this.keywords.get(name.toLowerCase());
        if (known) addresses = addresses.union(family ? known.only(family) : known);
        else {
          // What the keyword stands for is outside the export: any address of its family, possibly.
          possible = possible.union(family ? AddressSet.any(family) : AddressSet.any());
          if (!unresolved.includes(name)) unresolved.push(name);
        }
      }
    }
    if (any) return ANY_FIELD;
    if (unresolved.length === 0) return { addresses, unresolved: NO_KEYWORDS };
    return { addresses, possible: possible.subtract(addresses), unresolved };
  }
}

const NO_KEYWORDS: readonly string[] = Object.freeze([]);

/** One address, subnet or range (shared fast path and caches); a malformed one is an AddressError naming it. */
function address(term: string): AddressSet {
  try {
    return parseAddressText(term);
  } catch (e) {
    if (e instanceof AddressError) throw new AddressError(`invalid address "${term}"`);
    throw e;
  }
}

/** `LocalSubnet4` → LocalSubnet, IPv4 only; `DNS` → DNS, both families. */
function splitFamily(term: string): { word: string; family?: Family } {
  const m = /^(.*[a-z])([46])$/i.exec(term);
  if (!m) return { word: term };
  return { word: m[1]!, family: m[2] === '4' ? 'ipv4' : 'ipv6' };
}

export { AddressError };
