import { ParseError } from '../../parsers/parse-error.js';

/** The ParseError `fn` throws (any other error is rethrown; none fails the test). */
export function parseErrorOf(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error('expected a ParseError, none was thrown');
}
