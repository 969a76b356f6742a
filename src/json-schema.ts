import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

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
 * The validator of one of the package's own JSON Schemas (path relative to the package root): the one `npm run
 * build` compiled (scripts/compile-schemas.mjs), or, where that is missing or older than the schema (a schema
 * edited since the last build), compiled now. strict: a typo in the schema itself (unknown keyword, loose tuple)
 * must fail loudly, not validate nothing. strictRequired stays off: conditional `if/then` blocks require fields
 * defined one level up.
 */
export function compileSchema<T>(relativePath: string): ValidateFunction<T> {
  const root = packageRoot();
  const schema = join(root, relativePath);
  const compiled = validatorPath(root, relativePath);
  if (existsSync(compiled) && statSync(compiled).mtimeMs >= statSync(schema).mtimeMs) return require(compiled) as ValidateFunction<T>;
  // ajv itself is loaded only here: the CLI's usual path never needs it.
  const { Ajv } = require('ajv') as { Ajv: typeof AjvClass };
  return new Ajv({ strict: true, strictRequired: false }).compile<T>(JSON.parse(readFileSync(schema, 'utf8')));
}

/** Where the build puts the standalone validator of a schema. */
export function validatorPath(root: string, relativePath: string): string {
  return join(root, 'dist', 'validators', `${relativePath.replace(/[\\/]/g, '__')}.cjs`);
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
