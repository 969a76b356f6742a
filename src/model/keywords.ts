/**
 * A constant table looked up by words read from an untrusted export: a Map, because a plain object answers
 * `constructor`, `__proto__` or `toString` with Object.prototype's members, so that `Action=constructor` would
 * select something (a function, taken as an allow) instead of nothing.
 */
export function keywords<T>(entries: Readonly<Record<string, T>>): ReadonlyMap<string, T> {
  return new Map(Object.entries(entries));
}
