/**
 * Splits one line of `iptables-save` output into words the way `iptables-restore` does
 * (iptables `add_param_to_argv`):
 * - spaces and tabs separate words;
 * - a `"` opens a quoted part, which runs to the next unescaped `"`; inside it `\x` stands for `x`
 *   (iptables-save escapes exactly `"`, `\` and `'` this way) and spaces are kept;
 * - the closing `"` ends the word, so `""` is an empty word;
 * - outside quotes a backslash is an ordinary character.
 * No regular expressions; characters are read one by one only from the first quote or tab on.
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
  const words: string[] = [];
  // Most rules have neither quotes nor tabs, and the others mostly one quoted comment near the end: split
  // with indexOf up to the word the first quote or tab is in, and read only the rest character by character.
  const special = firstQuoteOrTab(line, from);
  const charsFrom = special < 0 ? line.length : Math.max(from, line.lastIndexOf(' ', special) + 1);
  splitSpaces(line, from, charsFrom, words);
  return { words, quoted: special < 0 ? undefined : readChars(line, charsFrom, words) };
}

function firstQuoteOrTab(line: string, from: number): number {
  const quote = line.indexOf('"', from);
  const tab = line.indexOf('\t', from);
  return quote < 0 ? tab : tab < 0 ? quote : Math.min(quote, tab);
}

/** Appends the words of `line` from `from` to `to`, where only single or repeated spaces separate them. */
function splitSpaces(line: string, from: number, to: number, words: string[]): void {
  let i = from;
  while (i < to) {
    if (line.charCodeAt(i) === SPACE) {
      i++;
      continue;
    }
    let end = line.indexOf(' ', i);
    if (end < 0 || end > to) end = to;
    words.push(line.slice(i, end));
    i = end + 1;
  }
}

/** Appends the words of `line` from `i` on, with quotes and tabs; returns the indexes of the quoted ones. */
function readChars(line: string, i: number, words: string[]): Set<number> | undefined {
  let quoted: Set<number> | undefined;
  const n = line.length;
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
  return quoted;
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
