import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AddressError, AddressSet } from '../model/address-set.js';
import { compileSchema, describeSchemaError, packageRoot } from '../json-schema.js';
import { PackError } from './load-packs.js';

/** A range with a meaning of its own, and the document that gives it that meaning. */
export interface RegistryRange {
  readonly prefix: string;
  readonly name: string;
  readonly reference: string;
}

/** A registry of address ranges as shipped in policies/address-registries/ (schema: policies/address-registry.schema.json). */
export interface AddressRegistry {
  readonly description: string;
  readonly sources: readonly { readonly title: string; readonly url: string }[];
  readonly ranges: readonly RegistryRange[];
  /** Every range of the registry, parsed. */
  readonly addresses: AddressSet;
}

let nonPublic: AddressRegistry | undefined;

/** The ranges that are never hosts on the public Internet (IANA's special-purpose and multicast registries). */
export function nonPublicRanges(): AddressRegistry {
  return (nonPublic ??= loadRegistry('policies/address-registries/non-public.json'));
}

function loadRegistry(relativePath: string): AddressRegistry {
  const file = join(packageRoot(), relativePath);
  const validate = compileSchema<Omit<AddressRegistry, 'addresses'>>('policies/address-registry.schema.json');
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new PackError(relativePath, (err as Error).message);
  }
  if (!validate(data)) throw new PackError(relativePath, describeSchemaError(validate.errors));
  try {
    return { ...data, addresses: AddressSet.parseAll(data.ranges.map((r) => r.prefix)) };
  } catch (err) {
    if (err instanceof AddressError) throw new PackError(relativePath, err.message);
    throw err;
  }
}
