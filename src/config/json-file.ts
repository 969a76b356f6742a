import type { ErrorObject, ValidateFunction } from 'ajv';
import { describeSchemaError } from '../json-schema.js';
import { JSON_SIZE_LIMIT, readBounded, ReadError } from './bounded-read.js';

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
  const data = readJson(file, (problem) => fail(problem === 'no such file' ? (options.missing ?? problem) : problem));
  if (!validate(data)) throw fail((options.describe ?? describeSchemaError)(validate.errors));
  return data;
}

/**
 * The JSON in a file a user wrote: a regular file of at most JSON_SIZE_LIMIT bytes. A problem becomes `fail`'s error
 * from one line (`no such file`, `not a regular file (a FIFO)`, `not valid JSON (…)`).
 */
export function readJson(file: string, fail: (problem: string) => Error): unknown {
  let text: string;
  try {
    text = readBounded(file, JSON_SIZE_LIMIT).toString('utf8');
  } catch (err) {
    throw fail(err instanceof ReadError ? err.message : String(err));
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw fail(`not valid JSON (${(err as Error).message})`);
  }
}
