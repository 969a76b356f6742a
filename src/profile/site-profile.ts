import { existsSync, readFileSync } from 'node:fs';
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
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ProfileError(file, e.code === 'ENOENT' ? 'no such file' : `not valid JSON (${e.message})`);
  }
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
