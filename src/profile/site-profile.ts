import { existsSync } from 'node:fs';
import { readJson } from '../config/json-file.js';
import { dirname, join, relative, resolve } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { AddressError, AddressSet } from '../model/address-set.js';
import type { Feature } from '../policy/pack.js';
import type { DeviceRole } from '../engine/topology.js';
import type { Zone } from '../model/zone.js';
import { compileSchema, describeSchemaError } from '../json-schema.js';

/** The site profile as written (field names are a published contract: see schemas/site-profile.schema.json). */
export interface SiteProfile {
  readonly name?: string;
  readonly deviceRole?: DeviceRole;
  readonly roles?: Readonly<Record<string, readonly string[]>>;
  readonly interfaces?: Readonly<Record<string, Zone>>;
  readonly packs?: readonly string[];
  readonly features?: Readonly<Partial<Record<Feature, boolean>>>;
  /** Windows Firewall address keyword (`LocalSubnet`, …) → the addresses it stands for at this site. */
  readonly addressKeywords?: Readonly<Record<string, readonly string[]>>;
  /** Prefixes the organisation owns: never "the Internet", whatever interface they lie behind. */
  readonly internalNetworks?: readonly string[];
  /** The Windows Firewall profile to audit; absent = every profile the export covers. */
  readonly firewallProfile?: 'Domain' | 'Private' | 'Public';
}

export interface LoadedProfile {
  readonly file: string;
  readonly profile: SiteProfile;
  /** Each role's addresses, parsed. */
  readonly roles: ReadonlyMap<string, AddressSet>;
  /** Each Windows address keyword's addresses, parsed (absent when the profile gives none). */
  readonly addressKeywords?: ReadonlyMap<string, AddressSet>;
  /** `internalNetworks`, parsed (absent when the profile gives none). */
  readonly internalNetworks?: AddressSet;
}

export class ProfileError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

export const PROFILE_FILE_NAME = 'edge-audit.json';

/**
 * The profile for a configuration file: `edge-audit.json` beside it, else in the working directory.
 * Named relative to the working directory, so reports do not depend on where the checkout lives.
 */
export function findProfile(configFile: string, cwd: string): string | undefined {
  for (const dir of [dirname(resolve(cwd, configFile)), resolve(cwd)]) {
    const candidate = join(dir, PROFILE_FILE_NAME);
    if (existsSync(candidate)) return relative(cwd, candidate) || PROFILE_FILE_NAME;
  }
  return undefined;
}

let validator: ValidateFunction<SiteProfile> | undefined;

export function loadProfile(file: string): LoadedProfile {
  const data = readJson(file, (problem) => new ProfileError(file, problem));
  validator ??= compileSchema<SiteProfile>('schemas/site-profile.schema.json');
  if (!validator(data)) throw new ProfileError(file, describeSchemaError(validator.errors));
  const internal = data.internalNetworks ? parseTerms(file, '/internalNetworks', data.internalNetworks) : undefined;
  return {
    file,
    profile: data,
    roles: parseAddresses(file, 'roles', data.roles),
    addressKeywords: parseAddresses(file, 'addressKeywords', data.addressKeywords),
    ...(internal ? { internalNetworks: internal } : {}),
  };
}

/** A name → address list object of the profile, parsed. */
function parseAddresses(file: string, field: string, entries: Readonly<Record<string, readonly string[]>> | undefined): Map<string, AddressSet> {
  return new Map(Object.entries(entries ?? {}).map(([name, terms]) => [name, parseTerms(file, `/${field}/${name}`, terms)]));
}

/** An address list of the profile, parsed; a bad address is named by its JSON pointer. */
function parseTerms(file: string, pointer: string, terms: readonly string[]): AddressSet {
  try {
    return AddressSet.parseAll(terms);
  } catch (err) {
    if (err instanceof AddressError) throw new ProfileError(file, `${pointer}: ${err.message}`);
    throw err;
  }
}

/**
 * Every role the profile names must be one a selected pack declares: a misspelt role (`acess-edge`) would otherwise
 * be ignored, and the real role inferred or left unknown without a word.
 */
export function checkProfileRoles(loaded: LoadedProfile, declared: readonly string[]): void {
  for (const role of Object.keys(loaded.profile.roles ?? {})) {
    if (declared.includes(role)) continue;
    const near = closest(role, declared);
    throw new ProfileError(loaded.file, `/roles/${role}: no selected policy pack has a role "${role}"${near ? ` (did you mean ${near}?)` : ''}; the packs' roles are ${declared.join(', ')}`);
  }
}

/** The candidate nearest to a misspelt name, if any is near enough to be what was meant. */
function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  // A third of the name may be wrong: "acess-edge" and "acces-edge" are meant, "router" is not "front-end".
  return best && best.distance <= Math.max(1, Math.floor(name.length / 3)) ? best.candidate : undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = current;
  }
  return previous[b.length]!;
}
