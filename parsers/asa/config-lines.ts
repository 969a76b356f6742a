/**
 * The line structure of an ASA configuration as `show running-config` prints it: top-level commands at the
 * left margin, their sub-commands indented (one space per level), `!` separator lines, and `:` comment lines
 * (`: Saved`, `: Serial Number: …`, `: end`). Nothing here knows what a command means.
 *
 *   : Saved
 *   ASA Version 9.8(4)
 *   !
 *   interface GigabitEthernet0/0
 *    nameif outside
 *    security-level 0
 *   !
 *   access-list outside_access_in extended permit tcp any4 object EDGE eq 5269
 *   : end
 *
 * Secrets are redacted here (redact.ts), before a line is kept anywhere.
 */
import { FILTER_COMMANDS, redactSecrets } from './redact.js';

export interface ConfigLine {
  /** 1-based. */
  readonly line: number;
  /** The line verbatim (without its line break), secrets replaced by `<redacted>`. */
  readonly text: string;
  /** Leading spaces: 0 for a top-level command. */
  readonly indent: number;
  /** The first word: what the line is, without splitting it all. */
  readonly verb: string;
  /**
   * The words of `text`, split on each use: a 100,000-line configuration would otherwise hold a million short
   * strings until it is parsed. Read it once into a local where several words are needed.
   */
  readonly words: readonly string[];
}

/** A top-level command and the indented sub-commands under it (an `interface` or `object` block). */
export interface Command {
  readonly head: ConfigLine;
  readonly children: readonly ConfigLine[];
}

export interface ConfigText {
  readonly commands: readonly Command[];
  /** The `:` lines: `: Saved`, `: Hardware: …`, `: end`. */
  readonly comments: readonly ConfigLine[];
}

export function readConfigText(text: string): ConfigText {
  const commands: { head: ConfigLine; children: ConfigLine[] }[] = [];
  const comments: ConfigLine[] = [];
  let current: { head: ConfigLine; children: ConfigLine[] } | undefined;
  let n = 0;
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const raw = text.charCodeAt(end - 1) === 0x0d ? text.slice(pos, end - 1) : text.slice(pos, end);
    pos = end + 1;
    n++;
    const line = configLine(n, raw);
    if (!line) continue;
    if (line.verb.startsWith(':')) {
      comments.push(line);
      current = undefined;
    } else if (line.verb.startsWith('!')) {
      current = undefined;
    } else if (line.indent === 0 || !current) {
      current = { head: line, children: [] };
      commands.push(current);
    } else {
      current.children.push(line);
    }
  }
  return { commands, comments };
}

/** One line, or undefined for a blank one. */
export function configLine(line: number, raw: string): ConfigLine | undefined {
  let indent = 0;
  while (raw.charCodeAt(indent) === SPACE || raw.charCodeAt(indent) === TAB) indent++;
  if (indent === raw.length) return undefined;
  const end = wordEnd(raw, indent);
  const verb = COMMON_VERBS.get(raw.slice(indent, end)) ?? raw.slice(indent, end);
  // Filter commands name addresses, ports and objects, never secrets: they skip the redaction check.
  const text = FILTER_COMMANDS.has(verb) ? raw : redactSecrets(raw);
  return new Line(line, text, indent, verb);
}

const SPACE = 0x20;
const TAB = 0x09;

/** Verbs of most lines, shared so each line does not keep its own copy. */
const COMMON_VERBS = new Map(['access-list', 'network-object', 'port-object', 'service-object', 'group-object', 'object', 'object-group', 'host', 'subnet', 'description', 'nat'].map((v) => [v, v]));

class Line implements ConfigLine {
  constructor(
    readonly line: number,
    readonly text: string,
    readonly indent: number,
    readonly verb: string,
  ) {}

  get words(): string[] {
    const out: string[] = [];
    const t = this.text;
    let i = this.indent;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === SPACE || c === TAB) {
        i++;
        continue;
      }
      const end = wordEnd(t, i);
      out.push(t.slice(i, end));
      i = end;
    }
    return out;
  }
}

function wordEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && text.charCodeAt(i) !== SPACE && text.charCodeAt(i) !== TAB) i++;
  return i;
}

/** The text after the first `count` words of a line (a `description` or `remark`), as written. */
export function restOfLine(line: ConfigLine, count: number): string {
  const words = line.words;
  let at = line.indent;
  for (let k = 0; k < count; k++) at = line.text.indexOf(words[k]!, at) + words[k]!.length;
  return line.text.slice(at).trim();
}
