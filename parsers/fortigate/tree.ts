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
 * certificates do), and a backslash takes the next character literally (`\"`). Lines end in LF or CRLF.
 *
 * Nothing here knows what a block means. The caller says which blocks to keep; the others are read only as
 * far as needed to find their `end`, and listed in `skipped`. Secret values are dropped as they are read.
 */
import { isSecretKey, REDACTED } from './secrets.js';

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

export class TreeError extends Error {
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

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };
type OpenBlock = Mutable<Block> & { readonly chain: readonly (readonly string[])[] };
type OpenEntry = Mutable<Entry>;

export function parseTree(text: string, keep: KeepBlock): ConfigTree {
  const scanner = new Scanner(text);
  const header: { line: number; text: string }[] = [];
  const blocks: Block[] = [];
  const skipped: SkippedBlock[] = [];
  const stack: (OpenBlock | OpenEntry)[] = [];
  let skipping: { path: string[]; line: number; depth: number } | undefined;
  let started = false;

  const top = () => stack[stack.length - 1];
  const innermostBlock = (): OpenBlock | undefined => {
    for (let k = stack.length - 1; k >= 0; k--) if ('path' in stack[k]!) return stack[k] as OpenBlock;
    return undefined;
  };

  for (let st = scanner.next(); st; st = scanner.next()) {
    if (st.comment !== undefined) {
      if (!started) header.push({ line: st.line, text: st.comment });
      continue;
    }
    started = true;
    const keyword = st.words[0]!;
    if (skipping) {
      if (keyword === 'config') skipping.depth++;
      else if (keyword === 'end' && --skipping.depth === 0) {
        skipped.push({ path: skipping.path, line: skipping.line });
        skipping = undefined;
      }
      continue;
    }
    const args = st.words.slice(1);
    const current = top();
    switch (keyword) {
      case 'config': {
        if (args.length === 0) throw new TreeError(st.line, '"config" without a path');
        const chain = [...(innermostBlock()?.chain ?? []), args];
        if (!keep(chain)) {
          skipping = { path: args, line: st.line, depth: 1 };
          break;
        }
        const block: OpenBlock = { path: args, chain, settings: [], blocks: [], entries: [], line: st.line, endLine: st.line, start: st.start, end: st.end };
        (current ? current.blocks : blocks).push(block);
        stack.push(block);
        break;
      }
      case 'edit': {
        if (!current || !('path' in current)) {
          throw new TreeError(st.line, current ? `"edit" inside entry "${(current as OpenEntry).name}" (line ${current.line}) before its "next"` : '"edit" outside any "config" block');
        }
        if (args.length !== 1) throw new TreeError(st.line, `"edit" takes one name (got ${args.length})`);
        const entry: OpenEntry = { name: args[0]!, settings: [], blocks: [], line: st.line, endLine: st.line, start: st.start, end: st.end };
        current.entries.push(entry);
        stack.push(entry);
        break;
      }
      case 'next': {
        if (!current || 'path' in current) throw new TreeError(st.line, '"next" without an open "edit"');
        close(stack.pop()!, st);
        break;
      }
      case 'end': {
        // A CLI script may close an entry and its block with `end` alone; backups always print `next` first.
        if (current && !('path' in current)) close(stack.pop()!, st);
        const block = top();
        if (!block) throw new TreeError(st.line, '"end" without an open "config" block');
        close(stack.pop()!, st);
        break;
      }
      case 'set':
      case 'select':
      case 'unset':
      case 'append':
      case 'unselect': {
        if (!current) throw new TreeError(st.line, `"${keyword}" outside any "config" block`);
        if (args.length === 0) throw new TreeError(st.line, `"${keyword}" without a setting name`);
        applySetting(current.settings, keyword, args[0]!, args.slice(1), st);
        break;
      }
      default:
        throw new TreeError(st.line, `"${keyword}" is not a FortiOS configuration statement (expected config, edit, set, unset, append, select, next or end)`);
    }
  }
  const open = skipping ?? innermostBlock();
  if (open) throw new TreeError(open.line, `the file ends inside "config ${open.path.join(' ')}" (no matching "end"): the export is truncated`);
  return { text, header, blocks, skipped };
}

function close(node: OpenBlock | OpenEntry, st: Statement): void {
  node.endLine = st.endLine;
  node.end = st.end;
}

function applySetting(settings: Setting[], op: string, key: string, values: string[], st: Statement): void {
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
  const secret = isSecretKey(key);
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

/** Reads statements one at a time: words of one line, or of several when a quoted value spans lines. */
class Scanner {
  private pos = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  next(): Statement | undefined {
    const t = this.text;
    const n = t.length;
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
          if (e < 0) e = n;
          comment = t.slice(i, e).replace(/\r$/, '');
          i = e;
          break;
        }
        i = this.word(i, words, line);
      }
      const end = i > start && t.charCodeAt(i - 1) === CR ? i - 1 : i;
      const endLine = this.line;
      if (i < n) this.line++; // the line break that ends the statement
      this.pos = i + 1;
      if (words.length === 0 && comment === undefined) continue;
      return { words, comment, line, endLine, start, end };
    }
    return undefined;
  }

  /**
   * Reads one word from `i`: a quoted part if it starts with a quote, then plain characters up to a space or the
   * end of the line (a quote inside a word is an ordinary character: `don't`). Returns where it stopped.
   */
  private word(i: number, words: string[], statementLine: number): number {
    const t = this.text;
    const n = t.length;
    let out = '';
    const q = t.charCodeAt(i);
    if (q === DQUOTE || q === SQUOTE) {
      let j = i + 1;
      let seg = j;
      for (;;) {
        if (j >= n) throw new TreeError(statementLine, 'unterminated quote: the quoted value never ends');
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

/** The setting with this key, if the node has it. */
export function settingOf(node: HasSettings, key: string): Setting | undefined {
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
