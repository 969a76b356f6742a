/**
 * The terms of one port or address value. Readers hand over values as the export lists them; PowerShell prints a
 * list in one value (`80, 443`), and `*` means Any. Most values are one term and are not split.
 */
export function terms(value: string): readonly string[] {
  if (!value.includes(',')) {
    const t = value.trim();
    return t === '' ? [] : [t === '*' ? 'Any' : t];
  }
  return value
    .split(',')
    .map((t) => (t.trim() === '*' ? 'Any' : t.trim()))
    .filter((t) => t !== '');
}
