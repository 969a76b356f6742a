/**
 * An XML document read with fast-xml-parser into elements whose names are resolved against their namespace
 * declarations (prefixes vary from file to file, so only the URI identifies an element), each with the offsets
 * of its text in the original document, for line numbers and verbatim evidence.
 *
 * Large GPO reports are almost entirely rule elements of one flat shape: an element whose children are leaf
 * elements holding only text (`<q2:LPort>5269</q2:LPort>`). fast-xml-parser needs several microseconds per
 * element, seconds for 100,000 rules, so elements of the names the caller gives are read here when they have
 * that shape, by a strict scanner that accepts nothing else: no attributes, no comments, no nested elements,
 * no entities but the five XML ones and character references, children in the parent's own namespace prefix.
 * A run of such elements separated only by whitespace is given to fast-xml-parser as its first element's start
 * tag, so it still checks where the run sits and which namespace its prefix resolves to. Every element that
 * deviates from the shape is left in the text fast-xml-parser reads. Outside comments, CDATA sections and
 * processing instructions every `<` of a well-formed document starts a tag, so an element found this way is an
 * element; matches inside those constructs are left to fast-xml-parser, and so is a document with a DTD.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { LineIndex } from './line-index.js';

export interface XmlElement {
  /** The name as written, with its prefix. */
  readonly qname: string;
  /** The namespace URI the prefix (or the default namespace) resolves to. */
  readonly ns: string | undefined;
  readonly local: string;
  readonly children: readonly XmlElement[];
  /** The element's own text, trimmed (the text of its child elements excluded). */
  readonly text: string;
  /** Offsets of the element's first and one-past-last character in the original document. */
  readonly start: number;
  readonly end: number;
}

/** Where a document is malformed: a message and the offset in the original text. */
export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Reads a document; elements with a local name in `flatNames` are read by the fast scanner when they are flat. */
export function readXmlDocument(text: string, flatNames: readonly string[]): XmlElement {
  const runs = findFlatRuns(text, flatNames);
  const skeleton = new Skeleton(text, runs);
  const valid = XMLValidator.validate(skeleton.text);
  if (valid !== true) {
    const at = new LineIndex(skeleton.text).offsetOf(valid.err.line) + Math.max(valid.err.col - 1, 0);
    throw new XmlSyntaxError(`not well-formed XML: ${valid.err.msg}`, skeleton.originalOffset(at));
  }
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    htmlEntities: true, // for XML's character references (&#233;); Windows writes no HTML entity
    captureMetaData: true,
  });
  const nodes = parser.parse(skeleton.text) as OrderedNode[];
  const root = nodes.find((n) => elementName(n) !== undefined);
  if (!root) throw new XmlSyntaxError('no root element', 0);
  const resolver = new Resolver(text, skeleton, new Map(runs.map((r) => [r.members[0]!.start, r])));
  return resolver.elements(root, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]))[0]!;
}

// ---- flat elements ---------------------------------------------------------------------------------------

interface FlatElement {
  readonly qname: string;
  readonly start: number;
  /** Where the start tag ends. */
  readonly startTagEnd: number;
  readonly end: number;
}

/** Flat elements next to each other, with the same prefix: they resolve in the same scope. */
interface FlatRun {
  readonly prefix: string | undefined;
  readonly members: FlatElement[];
}

function findFlatRuns(text: string, names: readonly string[]): FlatRun[] {
  const runs: FlatRun[] = [];
  const special = specialSpans(text);
  if (names.length === 0 || special === 'doctype') return runs;
  const startTag = new RegExp(`<((?:([A-Za-z_][\\w.-]*):)?(?:${names.join('|')}))\\s*>`, 'g');
  let s = 0; // index into `special`, which is in document order
  for (let m = startTag.exec(text); m; m = startTag.exec(text)) {
    while (s < special.length && special[s]![1] <= m.index) s++;
    if (s < special.length && special[s]![0] < m.index) continue; // inside a comment, CDATA section or PI
    const open = { qname: m[1]!, start: m.index, startTagEnd: m.index + m[0].length };
    const end = scanFlat(text, open, undefined);
    if (end === undefined || (s < special.length && special[s]![0] < end)) continue;
    const element = { ...open, end };
    const last = runs.at(-1);
    if (last && last.prefix === m[2] && isWhitespace(text, last.members.at(-1)!.end, element.start)) last.members.push(element);
    else runs.push({ prefix: m[2], members: [element] });
    startTag.lastIndex = end;
  }
  return runs;
}

function isWhitespace(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return true;
}

/** Comments, CDATA sections and processing instructions as [start, end), in document order; 'doctype' if there is a DTD. */
function specialSpans(text: string): [number, number][] | 'doctype' {
  const spans: [number, number][] = [];
  let bang = text.indexOf('<!');
  let pi = text.indexOf('<?');
  while (bang >= 0 || pi >= 0) {
    const at = bang < 0 ? pi : pi < 0 ? bang : Math.min(bang, pi);
    let end: number;
    if (at === pi) end = closeAt(text, '?>', at + 2);
    else if (text.startsWith('<!--', at)) end = closeAt(text, '-->', at + 4);
    else if (text.startsWith('<![CDATA[', at)) end = closeAt(text, ']]>', at + 9);
    else return 'doctype'; // a DTD may declare entities: leave the whole document to fast-xml-parser
    if (end < 0) return 'doctype'; // unterminated: fast-xml-parser reports it
    spans.push([at, end]);
    if (bang >= 0 && bang < end) bang = text.indexOf('<!', end);
    if (pi >= 0 && pi < end) pi = text.indexOf('<?', end);
  }
  return spans;
}

function closeAt(text: string, terminator: string, from: number): number {
  const at = text.indexOf(terminator, from);
  return at < 0 ? -1 : at + terminator.length;
}

const FLAT_CHILD = /\s*<((?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*))(?:\s*\/>|>([^<]*)<\/\1\s*>)/y;
const END_TAG = /\s*<\/([^\s>]+)\s*>/y;
const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));/g;
const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Walks the children of a flat element, handing each to `visit` (when given); returns where the element ends,
 * or undefined when it does not have the flat shape.
 */
function scanFlat(
  text: string,
  element: Omit<FlatElement, 'end'>,
  visit: ((qname: string, local: string, value: string, start: number, end: number) => void) | undefined,
): number | undefined {
  const colon = element.qname.indexOf(':');
  const prefix = colon < 0 ? undefined : element.qname.slice(0, colon);
  let pos = element.startTagEnd;
  for (;;) {
    FLAT_CHILD.lastIndex = pos;
    const m = FLAT_CHILD.exec(text);
    if (!m) break;
    if (m[2] !== prefix) return undefined;
    const raw = m[4] ?? '';
    const end = pos + m[0].length;
    if (visit) {
      const value = decodeText(raw);
      if (value === undefined) return undefined;
      visit(m[1]!, m[3]!, value.trim(), pos + m[0].indexOf('<'), end);
    } else if (raw.includes('&') && decodeText(raw) === undefined) return undefined;
    pos = end;
  }
  END_TAG.lastIndex = pos;
  const close = END_TAG.exec(text);
  if (!close || close[1] !== element.qname) return undefined;
  return pos + close[0].length;
}

/** The text with its entities replaced; undefined when it holds an `&` that is not one of them. */
function decodeText(raw: string): string | undefined {
  if (!raw.includes('&')) return raw;
  if (raw.replace(ENTITY, '').includes('&')) return undefined;
  return raw.replace(ENTITY, (_m, name: string | undefined, dec: string | undefined, hex: string | undefined) =>
    name ? NAMED_ENTITIES[name]! : String.fromCodePoint(Number.parseInt(dec ?? hex!, dec ? 10 : 16)),
  );
}

/** A flat element as a resolved element: its children are read again from the text each time they are asked for. */
class FlatXmlElement implements XmlElement {
  readonly text = '';
  readonly qname: string;
  readonly local: string;
  readonly start: number;
  readonly end: number;

  constructor(
    private readonly source: string,
    private readonly flat: FlatElement,
    readonly ns: string | undefined,
  ) {
    this.qname = flat.qname;
    this.local = flat.qname.slice(flat.qname.indexOf(':') + 1);
    this.start = flat.start;
    this.end = flat.end;
  }

  get children(): XmlElement[] {
    const out: XmlElement[] = [];
    const ns = this.ns;
    scanFlat(this.source, this.flat, (qname, local, text, start, end) => out.push({ qname, ns, local, text, start, end, children: [] }));
    return out;
  }
}

// ---- the skeleton: the document with each run cut down to its first start tag -----------------------

class Skeleton {
  readonly text: string;
  /** Skeleton offsets from which `shifts[k]` characters were cut before them. */
  private readonly breaks: number[] = [0];
  private readonly shifts: number[] = [0];

  constructor(original: string, runs: readonly FlatRun[]) {
    if (runs.length === 0) {
      this.text = original;
      return;
    }
    const parts: string[] = [];
    let from = 0;
    let length = 0;
    for (const run of runs) {
      const first = run.members[0]!;
      const kept = original.slice(from, first.startTagEnd);
      const closing = `</${first.qname}>`;
      parts.push(kept, closing);
      length += kept.length + closing.length;
      from = run.members.at(-1)!.end;
      this.breaks.push(length);
      this.shifts.push(from - length);
    }
    parts.push(original.slice(from));
    this.text = parts.join('');
  }

  originalOffset(offset: number): number {
    const { breaks } = this;
    let lo = 0;
    let hi = breaks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (breaks[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return offset + this.shifts[lo]!;
  }
}

// ---- fast-xml-parser's ordered output → resolved elements ---------------------------------------------

/** One node of fast-xml-parser's `preserveOrder` output: `{ name: children, ':@': attributes }` or `{ '#text': … }`. */
type OrderedNode = Record<string, unknown>;

const META = XMLParser.getMetaDataSymbol() as unknown as string;

function elementName(node: OrderedNode): string | undefined {
  for (const key of Object.keys(node)) if (key !== ':@' && key !== '#text') return key;
  return undefined;
}

class Resolver {
  constructor(
    private readonly source: string,
    private readonly skeleton: Skeleton,
    /** Runs by the offset of their first element. */
    private readonly runs: ReadonlyMap<number, FlatRun>,
  ) {}

  /** The element a node stands for, or the elements of the run it stands for. */
  elements(node: OrderedNode, inherited: ReadonlyMap<string, string>): XmlElement[] {
    const qname = elementName(node)!;
    const meta = node[META] as { startIndex: number; endIndex?: number };
    const start = this.skeleton.originalOffset(meta.startIndex);
    const scope = declarations(node[':@'] as Record<string, string> | undefined, inherited);
    const colon = qname.indexOf(':');
    const ns = scope.get(colon < 0 ? '' : qname.slice(0, colon));
    const run = this.runs.get(start);
    if (run) return run.members.map((m) => new FlatXmlElement(this.source, m, ns));
    const children: XmlElement[] = [];
    let text = '';
    for (const child of node[qname] as OrderedNode[]) {
      if ('#text' in child) text += String(child['#text']);
      else if (elementName(child) !== undefined) for (const e of this.elements(child, scope)) children.push(e);
    }
    const end = meta.endIndex === undefined ? start : this.skeleton.originalOffset(meta.endIndex);
    return [{ qname, ns, local: colon < 0 ? qname : qname.slice(colon + 1), text: text.trim(), start, end, children }];
  }
}

function declarations(attributes: Record<string, string> | undefined, inherited: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
  if (!attributes) return inherited;
  let scope: Map<string, string> | undefined;
  for (const [name, value] of Object.entries(attributes)) {
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
    scope ??= new Map(inherited);
    scope.set(name === 'xmlns' ? '' : name.slice(6), value);
  }
  return scope ?? inherited;
}
