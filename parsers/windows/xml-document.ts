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
import { lastAtOrBelow, LineIndex } from './line-index.js';
import { keywords } from '../../src/model/keywords.js';

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
    onDangerousProperty: (name) => {
      throw new ReservedNameError(name);
    },
  });
  const nodes = parseNodes(parser, skeleton);
  const root = nodes.find((n) => elementName(n) !== undefined);
  if (!root) throw new XmlSyntaxError('no root element', 0);
  const resolver = new Resolver(text, skeleton, new Map(runs.map((r) => [r.members[0]!.start, r])));
  return resolver.elements(root, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]))[0]!;
}

/** An element or attribute named like an Object.prototype member (`toString`), which the parser will not hold. */
class ReservedNameError extends Error {
  constructor(readonly reserved: string) {
    super(`"${reserved}" is a reserved name`);
  }
}

/**
 * The parsed nodes. fast-xml-parser refuses names such as `constructor` or `__proto__` (its own Error) and hands
 * `toString`-like ones to onDangerousProperty: no Windows export uses them, so they are a syntax error at the name.
 */
function parseNodes(parser: XMLParser, skeleton: Skeleton): OrderedNode[] {
  try {
    return parser.parse(skeleton.text) as OrderedNode[];
  } catch (e) {
    const reserved = e instanceof ReservedNameError ? e.reserved : /^\[SECURITY\] Invalid name: "([^"]*)"/.exec(e instanceof Error ? e.message : '')?.[1];
    if (reserved === undefined) throw e;
    const name = reserved.replace(/[^\w]/g, '\\$&');
    const at = new RegExp(`</?${name}[\\s/>]|\\s${name}\\s*=\\s*["']`).exec(skeleton.text)?.index ?? 0;
    throw new XmlSyntaxError(`"${reserved}" is not an element or attribute name a Windows export uses`, skeleton.originalOffset(at));
  }
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

const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));/g;
const NAMED_ENTITIES = keywords<string>({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" });
const [LT, GT, SLASH, COLON] = ['<', '>', '/', ':'].map((c) => c.charCodeAt(0)) as [number, number, number, number];

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(text: string, pos: number): number {
  while (isSpace(text.charCodeAt(pos))) pos++;
  return pos;
}

function hasAmpersand(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 0x26) return true;
  return false;
}

/** Letters, digits, `_`, `-`, `.`: the ASCII name characters (a name with others is left to fast-xml-parser). */
function isNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2d || c === 0x2e;
}

/**
 * Walks the children of a flat element, handing each to `visit` (when given); returns where the element ends,
 * or undefined when it does not have the flat shape. Scanned by hand rather than with a regular expression: it
 * runs over every rule of a large report twice, and allocates nothing when it only checks the shape.
 */
function scanFlat(
  text: string,
  element: Omit<FlatElement, 'end'>,
  visit: ((qname: string, local: string, value: string, start: number, end: number) => void) | undefined,
): number | undefined {
  const prefix = element.qname.slice(0, element.qname.indexOf(':') + 1); // with its colon; '' for none
  let pos = skipSpace(text, element.startTagEnd);
  while (text.charCodeAt(pos) === LT && text.charCodeAt(pos + 1) !== SLASH) {
    const nameStart = pos + 1;
    const localStart = nameStart + prefix.length;
    if (!text.startsWith(prefix, nameStart) || !isNameChar(text.charCodeAt(localStart)) || text.charCodeAt(localStart) <= 0x39) return undefined;
    let nameEnd = localStart;
    while (isNameChar(text.charCodeAt(nameEnd))) nameEnd++;
    let end: number;
    let valueStart = nameEnd;
    let valueEnd = nameEnd;
    if (text.charCodeAt(nameEnd) === GT) {
      valueStart = nameEnd + 1;
      valueEnd = text.indexOf('<', valueStart);
      // The end tag repeats the name exactly.
      if (valueEnd < 0 || text.charCodeAt(valueEnd + 1) !== SLASH) return undefined;
      for (let k = nameStart; k < nameEnd; k++) if (text.charCodeAt(valueEnd + 2 + k - nameStart) !== text.charCodeAt(k)) return undefined;
      end = skipSpace(text, valueEnd + 2 + nameEnd - nameStart);
      if (text.charCodeAt(end) !== GT) return undefined;
      end++;
    } else {
      end = skipSpace(text, nameEnd);
      if (text.charCodeAt(nameEnd) === COLON || !text.startsWith('/>', end)) return undefined;
      end += 2;
    }
    if (visit || hasAmpersand(text, valueStart, valueEnd)) {
      const value = decodeText(text.slice(valueStart, valueEnd));
      if (value === undefined) return undefined;
      visit?.(text.slice(nameStart, nameEnd), text.slice(localStart, nameEnd), value.trim(), pos, end);
    }
    pos = skipSpace(text, end);
  }
  // The element's own end tag.
  if (text.charCodeAt(pos) !== LT || !text.startsWith(element.qname, pos + 2)) return undefined;
  const close = skipSpace(text, pos + 2 + element.qname.length);
  return text.charCodeAt(close) === GT ? close + 1 : undefined;
}

/** The text with its entities replaced; undefined when it holds an `&` that is not one of them. */
function decodeText(raw: string): string | undefined {
  if (!raw.includes('&')) return raw;
  if (raw.replace(ENTITY, '').includes('&')) return undefined;
  return raw.replace(ENTITY, (_m, name: string | undefined, dec: string | undefined, hex: string | undefined) =>
    name ? NAMED_ENTITIES.get(name)! : String.fromCodePoint(Number.parseInt(dec ?? hex!, dec ? 10 : 16)),
  );
}

const NO_CHILDREN: readonly XmlElement[] = Object.freeze([]);

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
    scanFlat(this.source, this.flat, (qname, local, text, start, end) => out.push({ qname, ns, local, text, start, end, children: NO_CHILDREN }));
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
    return offset + this.shifts[lastAtOrBelow(this.breaks, offset)]!;
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
