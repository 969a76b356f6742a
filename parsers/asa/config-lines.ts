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
import { redactSecrets } from './redact.js';

export interface ConfigLine {
  /** 1-based. */
  readonly line: number;
  /** The line verbatim (without its line break), secrets replaced by `<redacted>`. */
  readonly text: string;
  /** Leading spaces: 0 for a top-level command. */
  readonly indent: number;
  /** The words of `text`. */
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
    if (line.words[0]!.startsWith(':')) {
      comments.push(line);
      current = undefined;
    } else if (line.words[0]!.startsWith('!')) {
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
  const text = redactSecrets(raw);
  const words = text.trim().split(/\s+/);
  if (words[0] === '') return undefined;
  let indent = 0;
  while (text.charCodeAt(indent) === 0x20 || text.charCodeAt(indent) === 0x09) indent++;
  return { line, text, indent, words };
}

/** The text after the first `count` words of a line (a `description` or `remark`), as written. */
export function restOfLine(line: ConfigLine, count: number): string {
  let at = line.indent;
  for (let k = 0; k < count; k++) {
    at = line.text.indexOf(line.words[k]!, at) + line.words[k]!.length;
  }
  return line.text.slice(at).trim();
}
