/**
 * The FortiOS configuration grammar, as `show`, `show full-configuration` and configuration backups print it:
 *
 *   #config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin
 *   config firewall policy                 a block: `config` and its path words, closed by `end`
 *       edit 12                            an entry of the block, closed by `next`
 *           set srcintf "wan1" "wan2"      a setting: key and values (quoted or not)
 *           unset icmptype                 removes a setting; `append` adds values, `select`/`unselect` too
 *           config ipv6                    blocks nest inside entries and inside blocks
 *               set ip6-address 2001:db8::1/64
 *           end
 *       next
 *   end
 *
 * Values are words separated by spaces; `"…"` and `'…'` quote (a quoted value may span lines: PEM keys and
 * certificates do), and a backslash takes the next character literally (`\"`). Lines end in LF, CRLF or CR alone
 * (old Mac editors, some terminal captures): a lone CR is read as LF.
 *
 * Nothing here knows what a block means. The caller says which blocks to keep; the others are read only as
 * far as needed to find their `end`, and listed in `skipped`. Secret values are dropped as they are read.
 */
import { isSecretSetting, REDACTED } from './secrets.js';

export interface Setting {
  readonly key: string;
  /** The values, unquoted; `[<redacted>]` for secrets. */
  readonly values: readonly string[];
  /** 1-based line of the statement that set it (the last `set`/`append`), and of its last line. */
  readonly line: number;
  readonly endLine: number;
  /** Offset in the text where that statement's line starts. */
  readonly start: number;
  readonly secret: boolean;
}

export interface HasSettings {
  readonly settings: readonly Setting[];
}

/** What blocks and entries have in common: settings, nested blocks, and where they are in the text. */
export interface Node extends HasSettings {
  readonly blocks: readonly Block[];
  /** 1-based lines of the opening statement (`config` / `edit`) and of the closing one (`end` / `next`). */
  readonly line: number;
  readonly endLine: number;
  /** Offsets in the text: the start of the opening line and the end of the closing line (its line break excluded). */
  readonly start: number;
  readonly end: number;
}

export interface Block extends Node {
  /** The words after `config`: `['firewall', 'policy']`. */
  readonly path: readonly string[];
  readonly entries: readonly Entry[];
}

export interface Entry extends Node {
  /** The word after `edit`, unquoted. */
  readonly name: string;
}

export interface SkippedBlock {
  readonly path: readonly string[];
  readonly line: number;
}

export interface ConfigTree {
  readonly text: string;
  /** `#…` lines before the first statement (`#config-version=…`, `#global_vdom=1`), with their line numbers. */
  readonly header: readonly { readonly line: number; readonly text: string }[];
  readonly blocks: readonly Block[];
  /** Blocks the caller did not want, outermost only, in file order. */
  readonly skipped: readonly SkippedBlock[];
}

/** Text that is not a valid FortiOS configuration, at a line: the parser turns it into a ParseError. */
export class ConfigError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Decides whether a block is read: `chain` is the path of each enclosing block, outermost first, ending with the
 * block's own path. Asked only for blocks whose enclosing block is kept.
 */
export type KeepBlock = (chain: readonly (readonly string[])[]) => boolean;

interface Statement {
  readonly words: string[];
  /** Set for a `#` comment line, instead of words. */
  readonly comment: string | undefined;
  readonly line: number;
  readonly endLine: number;
  readonly start: number;
  readonly end: number;
}

/** A statement passed over without reading its words: only its keyword and where it is. */
interface Skimmed {
  /** The statement keyword (`set`, `config`…), or the first word when it is none of them. */
  readonly keyword: string;
  readonly line: number;
  readonly endLine: number;
  readonly start: number;
  readonly end: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };
type OpenBlock = Mutable<Block> & { readonly chain: readonly (readonly string[])[]; readonly lazy: boolean };
type OpenEntry = Mutable<Entry>;

/**
 * Reads a configuration. `keep` says which blocks are read at all; `lazy` which kept blocks hold their entries
 * unread: such an entry records only its name and place, and reads its settings each time they are asked for. A
 * 100,000-policy backup then holds 100,000 small records instead of a million settings while it is converted.
 */
export function parseTree(input: string, keep: KeepBlock, lazy: KeepBlock = () => false): ConfigTree {
  const text = withLineFeeds(input);
  const parser = new Parser(text, keep, lazy);
  const scanner = new Scanner(text, 0, 1, text.length);
  parser.run(scanner, []);
  // A header alone, or nothing but comments: no configuration was exported (or it was cut after the header).
  if (!parser.started) throw new ConfigError(parser.header.at(-1)?.line ?? 1, 'no configuration statement after the header comments: the export is empty or truncated');
  return { text, header: parser.header, blocks: parser.blocks, skipped: parser.skipped };
}

/**
 * The text with each CR that is not followed by LF replaced by LF. Same length, so offsets stay valid; a file with
 * CR-only line ends would otherwise be one long line of comment and read as an empty configuration.
 */
export function withLineFeeds(text: string): string {
  return LONE_CR.test(text) ? text.replace(LONE_CR_ALL, '\n') : text;
}

const LONE_CR = /\r(?!\n)/;
const LONE_CR_ALL = /\r(?!\n)/g;

class Parser {
  readonly header: { line: number; text: string }[] = [];
  readonly blocks: Block[] = [];
  readonly skipped: SkippedBlock[] = [];
  /** Whether a statement (not a comment) has been read. */
  started = false;

  constructor(
    private readonly text: string,
    private readonly keep: KeepBlock,
    private readonly lazy: KeepBlock,
  ) {}

  /** Reads statements into the frames on `stack` until the scanner's limit; the stack must end as it began. */
  run(scanner: Scanner, stack: (OpenBlock | OpenEntry)[]): void {
    const depth = stack.length;
    const top = () => stack[stack.length - 1];
    const innermostBlock = (): OpenBlock | undefined => {
      for (let k = stack.length - 1; k >= 0; k--) if ('path' in stack[k]!) return stack[k] as OpenBlock;
      return undefined;
    };
    for (let st = scanner.next(); st; st = scanner.next()) {
      if (st.comment !== undefined) {
        if (!this.started) this.header.push({ line: st.line, text: st.comment });
        continue;
      }
      this.started = true;
      const keyword = st.words[0]!;
      const args = st.words.slice(1);
      const current = top();
      switch (keyword) {
        case 'config': {
          if (args.length === 0) throw new ConfigError(st.line, '"config" without a path');
          const chain = [...(innermostBlock()?.chain ?? []), args];
          if (!this.keep(chain)) {
            skipBlock(scanner, st);
            this.skipped.push({ path: args, line: st.line });
            break;
          }
          const block: OpenBlock = { path: args, chain, lazy: this.lazy(chain), settings: [], blocks: [], entries: [], line: st.line, endLine: st.line, start: st.start, end: st.end };
          (current ? current.blocks : this.blocks).push(block);
          stack.push(block);
          break;
        }
        case 'edit': {
          if (!current || !('path' in current)) {
            throw new ConfigError(st.line, current ? `"edit" inside entry "${(current as OpenEntry).name}" (line ${current.line}) before its "next"` : '"edit" outside any "config" block');
          }
          if (args.length !== 1) throw new ConfigError(st.line, `"edit" takes one name (got ${args.length})`);
          if (current.lazy) {
            const entry = skimEntry(scanner, st, args[0]!, current.path, this.text);
            current.entries.push(entry);
            // `end` right after the body closed the block too (CLI scripts); backups print `next` first.
            if (entry.closedBlock) close(stack.pop()!, entry.closedBlock);
            break;
          }
          const entry: OpenEntry = { name: args[0]!, settings: [], blocks: [], line: st.line, endLine: st.line, start: st.start, end: st.end };
          current.entries.push(entry);
          stack.push(entry);
          break;
        }
        case 'next': {
          if (!current || 'path' in current || stack.length === depth) throw new ConfigError(st.line, '"next" without an open "edit"');
          close(stack.pop()!, st);
          break;
        }
        case 'end': {
          // A CLI script may close an entry and its block with `end` alone; backups always print `next` first.
          if (current && !('path' in current) && stack.length > depth) close(stack.pop()!, st);
          if (stack.length === depth) throw new ConfigError(st.line, '"end" without an open "config" block');
          close(stack.pop()!, st);
          break;
        }
        case 'set':
        case 'select':
        case 'unset':
        case 'append':
        case 'unselect': {
          if (!current) throw new ConfigError(st.line, `"${keyword}" outside any "config" block`);
          if (args.length === 0) throw new ConfigError(st.line, `"${keyword}" without a setting name`);
          applySetting(current.settings, keyword, args[0]!, args.slice(1), st);
          break;
        }
        default:
          throw notAStatement(st.line, keyword);
      }
    }
    const open = innermostBlock();
    if (stack.length > depth && open) throw truncated(open.line, open.path);
  }
}

function notAStatement(line: number, keyword: string): ConfigError {
  return new ConfigError(line, `"${keyword}" is not a FortiOS configuration statement (expected config, edit, set, unset, append, select, next or end)`);
}

function truncated(line: number, path: readonly string[]): ConfigError {
  return new ConfigError(line, `the file ends inside "config ${path.join(' ')}" (no matching "end"): the export is truncated`);
}

function close(node: OpenBlock | OpenEntry, st: { endLine: number; end: number }): void {
  node.endLine = st.endLine;
  node.end = st.end;
}

/** Passes over a block that is not read, nested blocks and multi-line quoted values included. */
function skipBlock(scanner: Scanner, opening: Statement): void {
  let depth = 1;
  for (let st = scanner.skim(); st; st = scanner.skim()) {
    if (st.keyword === 'config') depth++;
    else if (st.keyword === 'end' && --depth === 0) return;
  }
  throw truncated(opening.line, opening.words.slice(1));
}

/** An entry of a lazy block: its statements are passed over to find its `next`, and read only when asked for. */
function skimEntry(scanner: Scanner, opening: Statement, name: string, path: readonly string[], text: string): LazyEntry {
  const bodyStart = scanner.position;
  const bodyLine = scanner.lineNumber;
  let depth = 0;
  // One statement per line and no nested block: the body can be read line by line.
  let simple = true;
  for (let st = scanner.skim(); st; st = scanner.skim()) {
    if (st.endLine !== st.line) simple = false;
    switch (st.keyword) {
      case 'config':
        depth++;
        simple = false;
        break;
      case 'edit':
        if (depth === 0) throw new ConfigError(st.line, `"edit" inside entry "${name}" (line ${opening.line}) before its "next"`);
        break;
      case 'next':
        if (depth === 0) return new LazyEntry(text, name, opening, st, bodyStart, bodyLine, simple);
        break;
      case 'end':
        if (depth > 0) depth--;
        else return new LazyEntry(text, name, opening, st, bodyStart, bodyLine, simple, st);
        break;
      case 'set':
      case 'select':
      case 'unset':
      case 'append':
      case 'unselect':
        break;
      default:
        throw notAStatement(st.line, st.keyword);
    }
  }
  throw new ConfigError(opening.line, `the file ends inside "edit ${name}" of "config ${path.join(' ')}" (no matching "next"): the export is truncated`);
}

/** An entry whose settings and nested blocks are read from the text each time they are asked for. */
class LazyEntry implements Entry {
  readonly line: number;
  readonly endLine: number;
  readonly start: number;
  readonly end: number;
  /** The closing statement's start: where the body ends. */
  private readonly bodyEnd: number;

  constructor(
    private readonly text: string,
    readonly name: string,
    opening: Statement,
    closing: Skimmed,
    private readonly bodyStart: number,
    private readonly bodyLine: number,
    /** One statement per line, no nested block. */
    private readonly simple: boolean,
    /** Set when an `end` closed the entry and its block at once. */
    readonly closedBlock?: Skimmed,
  ) {
    this.line = opening.line;
    this.start = opening.start;
    this.endLine = closing.endLine;
    this.end = closing.end;
    this.bodyEnd = closing.start;
  }

  get settings(): readonly Setting[] {
    return this.simple ? this.lines() : this.body().settings;
  }

  get blocks(): readonly Block[] {
    return this.simple ? [] : this.body().blocks;
  }

  /** One setting, reading only the statements that name it. */
  setting(key: string): Setting | undefined {
    return this.only([key])[0];
  }

  /** These settings, reading only the statements that name them. */
  only(keys: readonly string[]): Setting[] {
    if (this.simple) return this.lines(keys);
    const settings: Setting[] = [];
    const scanner = new Scanner(this.text, this.bodyStart, this.bodyLine, this.bodyEnd);
    let depth = 0;
    for (let st = scanner.skim(); st; st = scanner.skim()) {
      if (st.keyword === 'config') depth++;
      else if (st.keyword === 'end') depth--;
      else if (depth === 0) {
        const key = keys.find((k) => namesKey(this.text, st, k));
        if (key === undefined) continue;
        const full = new Scanner(this.text, st.start, st.line, st.end + 1).next()!;
        applySetting(settings, st.keyword, key, full.words.slice(2), full);
      }
    }
    return settings;
  }

  /**
   * A simple body read line by line: each line is one setting statement. Words are cut at spaces and double quotes
   * with `indexOf`; a line with a backslash or a single quote goes through the scanner.
   */
  private lines(keys?: readonly string[]): Setting[] {
    const t = this.text;
    const settings: Setting[] = [];
    const wanted = keys && keys.length > 4 ? keySet(keys) : undefined;
    let line = this.bodyLine;
    for (let start = this.bodyStart; start < this.bodyEnd; line++) {
      let eol = t.indexOf('\n', start);
      if (eol < 0 || eol > this.bodyEnd) eol = this.bodyEnd;
      let i = start;
      while (t.charCodeAt(i) === SPACE || t.charCodeAt(i) === TAB) i++;
      const end = lineEnd(t, start, eol);
      if (i < end && t.charCodeAt(i) !== HASH) {
        const keyword = keywordAt(t, i, end);
        let k = i + keyword.length;
        while (t.charCodeAt(k) === SPACE || t.charCodeAt(k) === TAB) k++;
        let keyEnd = k;
        while (keyEnd < end && t.charCodeAt(keyEnd) !== SPACE && t.charCodeAt(keyEnd) !== TAB) keyEnd++;
        // A few keys are compared in place; only a long list is worth cutting the key out for.
        const key = !keys || wanted ? t.slice(k, keyEnd) : keys.find((w) => w.length === keyEnd - k && t.startsWith(w, k));
        if (key !== undefined && (!wanted || wanted.has(key))) {
          const values = plainWords(t, keyEnd, end) ?? new Scanner(t, start, line, eol + 1).next()!.words.slice(2);
          applySetting(settings, keyword, key, values, { line, endLine: line, start });
        }
      }
      start = eol + 1;
    }
    return settings;
  }

  private body(): OpenEntry {
    const entry: OpenEntry = { name: this.name, settings: [], blocks: [], line: this.line, endLine: this.endLine, start: this.start, end: this.end };
    new Parser(this.text, () => true, () => false).run(new Scanner(this.text, this.bodyStart, this.bodyLine, this.bodyEnd), [entry]);
    return entry;
  }
}

const keySets = new WeakMap<readonly string[], ReadonlySet<string>>();

/** The keys as a set, made once per list: every policy asks for the same few dozen. */
function keySet(keys: readonly string[]): ReadonlySet<string> {
  let set = keySets.get(keys);
  if (!set) keySets.set(keys, (set = new Set(keys)));
  return set;
}

/** The words of `t` from `i` to `end` when only spaces and double quotes matter there; undefined otherwise. */
function plainWords(t: string, i: number, end: number): string[] | undefined {
  const words: string[] = [];
  while (i < end) {
    const c = t.charCodeAt(i);
    if (c === SPACE || c === TAB) {
      i++;
      continue;
    }
    if (c === SQUOTE || c === BACKSLASH) return undefined;
    let j: number;
    if (c === DQUOTE) {
      j = t.indexOf('"', i + 1);
      const value = t.slice(i + 1, j);
      if (value.includes('\\')) return undefined;
      words.push(value);
      j++;
    } else {
      j = i;
      while (j < end && t.charCodeAt(j) !== SPACE && t.charCodeAt(j) !== TAB) {
        const d = t.charCodeAt(j);
        if (d === BACKSLASH || d === SQUOTE || d === DQUOTE) return undefined;
        j++;
      }
      words.push(t.slice(i, j));
    }
    i = j;
  }
  return words;
}

/** Whether a skimmed setting statement (`set <key> …`) is about `key`. */
function namesKey(t: string, st: Skimmed, key: string): boolean {
  if (st.keyword === 'config' || st.keyword === 'edit' || st.keyword === 'next' || st.keyword === 'end') return false;
  let i = st.start;
  while (t.charCodeAt(i) === SPACE || t.charCodeAt(i) === TAB) i++;
  i += st.keyword.length;
  while (t.charCodeAt(i) === SPACE || t.charCodeAt(i) === TAB) i++;
  if (!t.startsWith(key, i)) return false;
  const after = t.charCodeAt(i + key.length);
  return after === SPACE || after === TAB || after === CR || after === LF || i + key.length >= st.end;
}

function applySetting(settings: Setting[], op: string, key: string, values: string[], st: Pick<Statement, 'line' | 'endLine' | 'start'>): void {
  const at = settings.findIndex((s) => s.key === key);
  const previous = at >= 0 ? settings[at]!.values : [];
  let next: readonly string[] | undefined;
  switch (op) {
    case 'set':
    case 'select':
      next = values;
      break;
    case 'append':
      next = [...previous, ...values];
      break;
    case 'unselect':
      next = previous.filter((v) => !values.includes(v));
      break;
    case 'unset':
      next = undefined;
      break;
  }
  if (at >= 0) settings.splice(at, 1);
  if (next === undefined) return;
  const secret = isSecretSetting(key, values);
  settings.push({ key, values: secret ? [REDACTED] : next, line: st.line, endLine: st.endLine, start: st.start, secret });
}

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const HASH = 0x23;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const BACKSLASH = 0x5c;

const KEYWORDS = ['config', 'edit', 'set', 'unset', 'append', 'select', 'unselect', 'next', 'end'] as const;

/** Reads statements one at a time between two offsets: words of one line, or of several when a quoted value spans lines. */
class Scanner {
  constructor(
    private readonly text: string,
    private pos: number,
    private line: number,
    private readonly limit: number,
  ) {}

  get position(): number {
    return this.pos;
  }

  get lineNumber(): number {
    return this.line;
  }

  next(): Statement | undefined {
    const t = this.text;
    const n = this.limit;
    while (this.pos < n) {
      const start = this.pos;
      const line = this.line;
      const words: string[] = [];
      let comment: string | undefined;
      let i = start;
      while (i < n) {
        const c = t.charCodeAt(i);
        if (c === SPACE || c === TAB || c === CR) {
          i++;
          continue;
        }
        if (c === LF) break;
        if (c === HASH && words.length === 0) {
          let e = t.indexOf('\n', i);
          if (e < 0 || e > n) e = n;
          comment = t.slice(i, e).replace(/\r$/, '');
          i = e;
          break;
        }
        i = this.word(i, words, line);
      }
      const endLine = this.line;
      this.finishLine(i);
      if (words.length === 0 && comment === undefined) continue;
      return { words, comment, line, endLine, start, end: lineEnd(t, start, i) };
    }
    return undefined;
  }

  /**
   * The next statement's keyword and place, without reading its words. Most lines have no quote that stays open,
   * which `indexOf` tells; only the others are read character by character to find where the statement ends.
   */
  skim(): Skimmed | undefined {
    const t = this.text;
    const n = this.limit;
    while (this.pos < n) {
      const start = this.pos;
      const line = this.line;
      let eol = t.indexOf('\n', start);
      if (eol < 0 || eol > n) eol = n;
      let i = start;
      while (i < eol && (t.charCodeAt(i) === SPACE || t.charCodeAt(i) === TAB || t.charCodeAt(i) === CR)) i++;
      if (i === eol || t.charCodeAt(i) === HASH) {
        this.finishLine(eol);
        continue;
      }
      const keyword = keywordAt(t, i, eol);
      const end = opensQuote(t, i, eol) ? this.passQuoted(i) : eol;
      const endLine = this.line;
      this.finishLine(end);
      return { keyword, line, endLine, start, end: lineEnd(t, start, end) };
    }
    return undefined;
  }

  private finishLine(i: number): void {
    if (i < this.limit) this.line++; // the line break that ends the statement
    this.pos = i + 1;
  }

  /** From `i`, the offset of the line break that ends the statement, counting the line breaks inside quotes. */
  private passQuoted(i: number): number {
    const t = this.text;
    const n = this.limit;
    const line = this.line;
    let quote = 0;
    let wordStart = true;
    for (; i < n; i++) {
      const c = t.charCodeAt(i);
      if (quote !== 0) {
        if (c === BACKSLASH) {
          if (t.charCodeAt(i + 1) === LF) this.line++;
          i++;
        } else if (c === quote) quote = 0;
        else if (c === LF) this.line++;
        continue;
      }
      if (c === LF) return i;
      if ((c === DQUOTE || c === SQUOTE) && wordStart) quote = c;
      else if (c === BACKSLASH && t.charCodeAt(i + 1) !== LF) i++;
      wordStart = c === SPACE || c === TAB;
    }
    if (quote !== 0) throw new ConfigError(line, 'unterminated quote: the quoted value never ends');
    return n;
  }

  /**
   * Reads one word from `i`: a quoted part if it starts with a quote, then plain characters up to a space or the
   * end of the line (a quote inside a word is an ordinary character: `don't`). Returns where it stopped.
   */
  private word(i: number, words: string[], statementLine: number): number {
    const t = this.text;
    const n = this.limit;
    let out = '';
    const q = t.charCodeAt(i);
    if (q === DQUOTE || q === SQUOTE) {
      let j = i + 1;
      let seg = j;
      for (;;) {
        if (j >= n) throw new ConfigError(statementLine, 'unterminated quote: the quoted value never ends');
        const d = t.charCodeAt(j);
        if (d === q) break;
        if (d === BACKSLASH && j + 1 < n) {
          out += t.slice(seg, j);
          if (t.charCodeAt(j + 1) === LF) this.line++;
          out += t[j + 1];
          j += 2;
          seg = j;
          continue;
        }
        if (d === LF) this.line++;
        j++;
      }
      out += t.slice(seg, j);
      if (out.includes('\r')) out = out.replace(/\r\n/g, '\n');
      i = j + 1;
    }
    let seg = i;
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c === SPACE || c === TAB || c === CR || c === LF) break;
      if (c === BACKSLASH && i + 1 < n && t.charCodeAt(i + 1) !== LF && t.charCodeAt(i + 1) !== CR) {
        out += t.slice(seg, i) + t[i + 1];
        i += 2;
        seg = i;
        continue;
      }
      i++;
    }
    words.push(out + t.slice(seg, i));
    return i;
  }
}

/** The end of a statement's last line, its CR (CRLF files) left out. */
function lineEnd(t: string, start: number, i: number): number {
  return i > start && t.charCodeAt(i - 1) === CR ? i - 1 : i;
}

/** The statement keyword at `i` (whole word), or the first word when it is none. */
function keywordAt(t: string, i: number, eol: number): string {
  if (t.startsWith('set ', i)) return 'set';
  for (const k of KEYWORDS) {
    if (t.startsWith(k, i)) {
      const after = t.charCodeAt(i + k.length);
      if (i + k.length >= eol || after === SPACE || after === TAB || after === CR) return k;
    }
  }
  let j = i;
  while (j < eol && t.charCodeAt(j) !== SPACE && t.charCodeAt(j) !== TAB && t.charCodeAt(j) !== CR) j++;
  return t.slice(i, j);
}

/**
 * Whether a quote may stay open at the end of the line: never without quotes; with double quotes only, when their
 * count is odd. Single quotes and backslashes need the careful reading. (`indexOf` would search past the line.)
 */
function opensQuote(t: string, i: number, eol: number): boolean {
  let count = 0;
  for (; i < eol; i++) {
    const c = t.charCodeAt(i);
    if (c === DQUOTE) count++;
    else if (c === SQUOTE || c === BACKSLASH) return true;
  }
  return count % 2 === 1;
}

/** Keyed access to a node's settings, for code that reads many of them (a policy has a dozen, read a dozen times). */
export interface Fields {
  setting(key: string): Setting | undefined;
  value(key: string): string | undefined;
  values(key: string): readonly string[];
}

export function fieldsOf(node: HasSettings): Fields {
  // A node has a few dozen settings at most: a search of the array beats building a map for each of 100,000 policies.
  const settings = node.settings;
  const setting = (key: string) => {
    for (const s of settings) if (s.key === key) return s;
    return undefined;
  };
  return {
    setting,
    value: (key) => setting(key)?.values[0],
    values: (key) => setting(key)?.values ?? [],
  };
}

/** Keyed access to the given settings only: an unread entry reads just the statements that name them. */
export function fieldsFor(node: HasSettings, keys: readonly string[]): Fields {
  return node instanceof LazyEntry ? fieldsOf({ settings: node.only(keys) }) : fieldsOf(node);
}

/** The setting with this key, if the node has it. An unread entry reads only the statements that name it. */
export function settingOf(node: HasSettings, key: string): Setting | undefined {
  if (node instanceof LazyEntry) return node.setting(key);
  for (const s of node.settings) if (s.key === key) return s;
  return undefined;
}

export function valuesOf(node: HasSettings, key: string): readonly string[] {
  return settingOf(node, key)?.values ?? [];
}

/** The first value of a setting (most settings have one). */
export function valueOf(node: HasSettings, key: string): string | undefined {
  return settingOf(node, key)?.values[0];
}

export function blockOf(node: Node, ...path: string[]): Block | undefined {
  return node.blocks.find((b) => b.path.length === path.length && b.path.every((w, k) => w === path[k]));
}
