/**
 * Origins quote the configuration back to the reviewer: one line for a setting (`set allowaccess ping https`), the
 * whole block for an entry (`edit 12` … `next`, its indentation removed). Secret settings (tree.ts drops their values)
 * are shown as `set <key> <redacted>`, over however many lines their value took.
 */
import type { Origin } from '../../src/model/rule-graph.js';
import { REDACTED } from './secrets.js';
import type { Node, Setting } from './tree.js';

const dedenters = new Map<number, RegExp>();

export class Origins {
  constructor(
    private readonly file: string,
    private readonly text: string,
  ) {}

  get fileName(): string {
    return this.file;
  }

  /** A setting's line, trimmed. */
  ofSetting(s: Setting): Origin {
    if (s.secret) return { file: this.file, line: s.line, text: `set ${s.key} ${REDACTED}` };
    let end = this.text.indexOf('\n', s.start);
    if (end < 0) end = this.text.length;
    return { file: this.file, line: s.line, text: this.text.slice(s.start, end).trim() };
  }

  /**
   * An entry or block: its lines from `edit`/`config` to `next`/`end`, dedented, secrets redacted. The text is
   * made when first read: a 100,000-policy configuration quotes back only the few policies findings name.
   */
  ofNode(node: Node): Origin {
    return new NodeOrigin(this, node);
  }

  /** The text of an entry or block as ofNode quotes it. */
  render(node: Node): string {
    let body = this.text.slice(node.start, node.end);
    if (body.includes('\r')) body = body.replace(/\r/g, '');
    const indent = body.length - body.trimStart().length;
    const secrets = secretSettings(node);
    if (secrets.length > 0) body = redactLines(body, node.line, secrets);
    if (indent > 0) {
      let dedent = dedenters.get(indent);
      if (!dedent) dedenters.set(indent, (dedent = new RegExp(`^ {1,${indent}}`, 'gm')));
      body = body.replace(dedent, '');
    }
    return body;
  }

  /** The opening line of an entry or block alone (`edit "wan1"`), trimmed. */
  ofHeader(node: Node): Origin {
    let end = this.text.indexOf('\n', node.start);
    if (end < 0) end = this.text.length;
    return { file: this.file, line: node.line, text: this.text.slice(node.start, end).trim() };
  }
}

function secretSettings(node: Node): Setting[] {
  const out = node.settings.filter((s) => s.secret);
  for (const b of node.blocks) out.push(...secretSettings(b));
  if ('entries' in node) for (const e of (node as { entries: readonly Node[] }).entries) out.push(...secretSettings(e));
  return out;
}

/** Replaces the lines of each secret setting by one `set <key> <redacted>` line with the same indentation. */
function redactLines(body: string, firstLine: number, secrets: readonly Setting[]): string {
  const lines = body.split('\n');
  const out: string[] = [];
  for (let k = 0; k < lines.length; k++) {
    const secret = secrets.find((s) => s.line === firstLine + k);
    if (!secret) {
      out.push(lines[k]!);
      continue;
    }
    const line = lines[k]!;
    out.push(`${line.slice(0, line.length - line.trimStart().length)}set ${secret.key} ${REDACTED}`);
    k += secret.endLine - secret.line;
  }
  return out.join('\n');
}

/** An origin whose text is made on first read; JSON and copies see an ordinary `{ file, line, text }`. */
class NodeOrigin implements Origin {
  readonly file: string;
  readonly line: number;
  readonly #origins: Origins;
  readonly #node: Node;
  #text: string | undefined;

  constructor(origins: Origins, node: Node) {
    this.file = origins.fileName;
    this.line = node.line;
    this.#origins = origins;
    this.#node = node;
  }

  get text(): string {
    return (this.#text ??= this.#origins.render(this.#node));
  }

  toJSON(): Origin {
    return { file: this.file, line: this.line, text: this.text };
  }
}
