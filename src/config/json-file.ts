import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { describeSchemaError } from '../json-schema.js';

/**
 * Reads a JSON file a user wrote (configuration, baseline, waivers) and checks it against its schema. Every problem
 * becomes the caller's own error, made by `fail` from one line naming what is wrong (`/failOn must be …`).
 */
export function loadJsonFile<T>(
  file: string,
  validate: ValidateFunction<T>,
  fail: (problem: string) => Error,
  options: { readonly missing?: string; readonly describe?: (errors: readonly ErrorObject[] | null | undefined) => string } = {},
): T {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw fail(e.code === 'ENOENT' ? (options.missing ?? 'no such file') : `not valid JSON (${e.message})`);
  }
  if (!validate(data)) throw fail((options.describe ?? describeSchemaError)(validate.errors));
  return data;
}
