/**
 * Orders strings by Unicode code points: the same order on every machine. `localeCompare` follows the user's locale
 * (under da_DK "aa" sorts after "z"), so reports, baselines and SARIF written from the same input would differ.
 */
export function byCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** A UTF-16 unit's place in code point order: surrogates stand for code points above every other unit's. */
function codePointRank(unit: number): number {
  return unit >= 0xd800 && unit <= 0xdfff ? unit + 0x10000 : unit;
}
