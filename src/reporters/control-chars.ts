/**
 * Text from an export (rule comments, object names, file names) must not drive the terminal it is shown on: an
 * escape sequence could recolour, move the cursor, retitle the window or hide the lines before it. Human-readable
 * output shows every control character as a visible escape instead: C0 (the line feed only where the output is
 * multi-line), DEL, C1 (U+009B is a one-character CSI for some terminals) and the bidirectional overrides and
 * isolates, which reorder what a reader sees.
 */
const CONTROLS = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
const CONTROLS_AND_LINE_FEED = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

function visible(c: string): string {
  const n = c.charCodeAt(0);
  return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
}

/** `text` with its control characters shown as `\x1b`, `\u202e`; line feeds kept only when `keepLineFeeds`. */
export function escapeControls(text: string, keepLineFeeds = false): string {
  return text.replace(keepLineFeeds ? CONTROLS : CONTROLS_AND_LINE_FEED, visible);
}

/**
 * A copy of a report (plain data) with the control characters of every string and key escaped, line feeds kept:
 * applied once where a human-readable reporter starts, so no cell or line it builds can carry one.
 */
export function withControlsEscaped<T>(value: T): T {
  if (typeof value === 'string') return escapeControls(value, true) as T;
  if (Array.isArray(value)) return value.map(withControlsEscaped) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [escapeControls(k, true), withControlsEscaped(v)])) as T;
}
