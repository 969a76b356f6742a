import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/**
 * The nearest ancestor folder holding a package.json. Walking up (instead of a fixed '../..') keeps this
 * right both for src/ under vitest and for dist/src/ after tsc.
 */
export function packageRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json in any folder above ${start}`);
  }
}

/**
 * Compiles one of the package's own JSON Schemas (path relative to the package root).
 * strict: a typo in the schema itself (unknown keyword, loose tuple) must fail loudly, not validate nothing.
 * strictRequired stays off: conditional `if/then` blocks require fields defined one level up.
 */
export function compileSchema<T>(relativePath: string): ValidateFunction<T> {
  const ajv = new Ajv({ strict: true, strictRequired: false });
  return ajv.compile<T>(JSON.parse(readFileSync(join(packageRoot(), relativePath), 'utf8')));
}

/** One line a user can act on: the JSON pointer of the bad value and what is wrong with it. */
export function describeSchemaError(errors: readonly ErrorObject[] | null | undefined): string {
  const error = errors?.[0];
  if (!error) return '/ does not match the schema';
  const where = error.instancePath === '' ? '/' : error.instancePath;
  const params = error.params as { additionalProperty?: string; allowedValues?: unknown[] };
  const detail =
    error.keyword === 'additionalProperties'
      ? ` (${params.additionalProperty})`
      : error.keyword === 'enum'
        ? ` (${params.allowedValues?.join(', ')})`
        : '';
  return `${where} ${error.message ?? 'is invalid'}${detail}`;
}
