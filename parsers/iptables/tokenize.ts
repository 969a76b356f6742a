/**
 * Splits one line of `iptables-save` output into words the way `iptables-restore` does
 * (iptables `add_param_to_argv`):
 * - spaces and tabs separate words;
 * - a `"` opens a quoted part, which runs to the next unescaped `"`; inside it `\x` stands for `x`
 *   (iptables-save escapes exactly `"`, `\` and `'` this way) and spaces are kept;
 * - the closing `"` ends the word, so `""` is an empty word;
 * - outside quotes a backslash is an ordinary character.
 * One pass over the characters, no regular expressions.
 */
export class TokenizeError extends Error {
  constructor(
    /** 0-based column of the problem. */
    readonly column: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Words {
  readonly words: string[];
  /** Indexes of words that were (partly) quoted: such a word is always a value, never an option. */
  readonly quoted: ReadonlySet<number> | undefined;
}

const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export function tokenize(line: string, from = 0): Words {
  // Most rules have no quotes and single spaces: split them with indexOf.
  if (line.indexOf('"', from) < 0 && line.indexOf('\t', from) < 0) return { words: splitSpaces(line, from), quoted: undefined };
  const words: string[] = [];
  let quoted: Set<number> | undefined;
  const n = line.length;
  let i = from;
  while (i < n) {
    let c = line.charCodeAt(i);
    if (c === SPACE || c === TAB) {
      i++;
      continue;
    }
    // A word starts at i.
    let start = i;
    let word = '';
    let wasQuoted = false;
    for (;;) {
      if (i >= n) {
        word += line.slice(start, i);
        break;
      }
      c = line.charCodeAt(i);
      if (c === SPACE || c === TAB) {
        word += line.slice(start, i);
        break;
      }
      if (c !== QUOTE) {
        i++;
        continue;
      }
      // An opening quote: copy what came before it, then the quoted part with its escapes.
      word += line.slice(start, i);
      wasQuoted = true;
      const open = i;
      i++;
      start = i;
      let closed = false;
      while (i < n) {
        c = line.charCodeAt(i);
        if (c === BACKSLASH) {
          if (i + 1 >= n) break;
          word += line.slice(start, i) + line[i + 1];
          i += 2;
          start = i;
        } else if (c === QUOTE) {
          word += line.slice(start, i);
          closed = true;
          i++;
          break;
        } else {
          i++;
        }
      }
      if (!closed) throw new TokenizeError(open, `unterminated quote starting at column ${open + 1}`);
      // iptables-restore ends the word at the closing quote.
      start = i;
      break;
    }
    if (wasQuoted) (quoted ??= new Set()).add(words.length);
    words.push(word);
  }
  return { words, quoted };
}

function splitSpaces(line: string, from: number): string[] {
  const words: string[] = [];
  const n = line.length;
  let i = from;
  while (i < n) {
    if (line.charCodeAt(i) === SPACE) {
      i++;
      continue;
    }
    let end = line.indexOf(' ', i);
    if (end < 0) end = n;
    words.push(line.slice(i, end));
    i = end + 1;
  }
  return words;
}

/** The inverse, as iptables-save prints a string (libxtables `xtables_save_string`); for messages. */
export function quoteWord(value: string): string {
  if (value.length > 0 && /^[A-Za-z0-9_-]+$/.test(value)) return value;
  return `"${value.replace(/["\\']/g, (ch) => `\\${ch}`)}"`;
}

/** For messages: a value as it would be typed, quoted only when it has to be (spaces, quotes, empty). */
export function displayWord(value: string): string {
  return value === '' || /[\s"'\\]/.test(value) ? quoteWord(value) : value;
}
