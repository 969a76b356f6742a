import type { FlowSet } from '../model/header-space.js';
import { mayMatch, type Filter, type Rule } from '../model/rule-graph.js';

/**
 * Finds the rules of a filter that can possibly match a flow set, in rule order, without scanning every
 * rule: a documented flow names a few addresses and ports, and a filter of 100,000 rules mostly names others.
 *
 * Each rule goes to exactly one class, by its narrowest field: its IPv4 destination lies in one /16 (bucketed
 * by that /16), else its IPv4 source does, else its destination ports span at most four 256-port buckets;
 * otherwise it is "wide". A query takes, from each class, only the buckets it touches (all of a class when it
 * is broad in that field), then keeps the rules whose bounding box overlaps its own. Boxes are plain numbers
 * in typed arrays, so even the fallback scan is cheap.
 */
const PORT_BUCKET_BITS = 8;
const MAX_PORT_BUCKETS_PER_RULE = 4;
const MAX_PORT_BUCKETS_PER_QUERY = 32;
const MAX_BLOCKS_PER_QUERY = 256;

/** Box fields, per rule, in one Float64Array: lo/hi of dport, proto, IPv4 dst, IPv4 src; flags for IPv6. */
const F = { dportLo: 0, dportHi: 1, protoLo: 2, protoHi: 3, dstLo: 4, dstHi: 5, srcLo: 6, srcHi: 7, v6: 8 } as const;
const WIDTH = 9;
const V6_DST = 1;
const V6_SRC = 2;

interface Class {
  readonly buckets: Map<number, number[]>;
  readonly all: number[];
}

interface Index {
  readonly boxes: Float64Array;
  readonly byDst: Class;
  readonly bySrc: Class;
  readonly byPort: Class;
  readonly wide: number[];
}

const indexes = new WeakMap<Filter, Index>();

export function candidateRules(filter: Filter, flows: FlowSet): Rule[] {
  let index = indexes.get(filter);
  if (!index) {
    index = buildIndex(filter.rules);
    indexes.set(filter, index);
  }
  const q = new Float64Array(WIDTH);
  if (!writeBox(q, 0, flows)) return [];
  const out: Rule[] = [];
  for (const id of lookup(index, q)) {
    if (overlaps(index.boxes, id * WIDTH, q)) out.push(filter.rules[id]!);
  }
  return out;
}

function lookup(index: Index, q: Float64Array): Iterable<number> {
  const v6 = q[F.v6]!;
  const addressBlocks = (lo: number, hi: number, v6Flag: number) =>
    (v6 & v6Flag) === 0 && lo >= 0 && Math.floor(hi / 65536) - Math.floor(lo / 65536) < MAX_BLOCKS_PER_QUERY ? blocks(lo, hi) : undefined;
  const firstBucket = q[F.dportLo]! >> PORT_BUCKET_BITS;
  const lastBucket = q[F.dportHi]! >> PORT_BUCKET_BITS;
  const lists = [
    index.wide,
    ...collect(index.byDst, addressBlocks(q[F.dstLo]!, q[F.dstHi]!, V6_DST)),
    ...collect(index.bySrc, addressBlocks(q[F.srcLo]!, q[F.srcHi]!, V6_SRC)),
    ...collect(index.byPort, lastBucket - firstBucket < MAX_PORT_BUCKETS_PER_QUERY ? range(firstBucket, lastBucket) : undefined),
  ];
  // First-match verdicts depend on rule order, so candidates go back in order, each once.
  return mergeSorted(lists);
}

/** The id lists of the touched buckets (all of the class when the query is broad in its field); each list is sorted. */
function collect(cls: Class, keys: number[] | undefined): number[][] {
  return keys ? keys.map((k) => cls.buckets.get(k) ?? []) : [cls.all];
}

/** One sorted list of ids without repeats (a rule spanning two port buckets is in both); a typed array sorts natively. */
function mergeSorted(lists: readonly number[][]): Iterable<number> {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? [];
  const all = new Int32Array(nonEmpty.reduce((n, l) => n + l.length, 0));
  let at = 0;
  for (const l of nonEmpty) {
    all.set(l, at);
    at += l.length;
  }
  all.sort();
  return all.filter((id, k) => k === 0 || all[k - 1] !== id);
}

function blocks(lo: number, hi: number): number[] {
  return range(Math.floor(lo / 65536), Math.floor(hi / 65536));
}

function range(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let k = lo; k <= hi; k++) out.push(k);
  return out;
}

function buildIndex(rules: readonly Rule[]): Index {
  const boxes = new Float64Array(rules.length * WIDTH);
  const cls = (): Class => ({ buckets: new Map(), all: [] });
  const index: Index = { boxes, byDst: cls(), bySrc: cls(), byPort: cls(), wide: [] };
  rules.forEach((rule, id) => {
    const at = id * WIDTH;
    // A rule is a candidate for the flows it may match, not only those it certainly matches.
    if (!writeBox(boxes, at, mayMatch(rule.match))) return; // matches nothing: in no class, never a candidate
    const oneBlock = (lo: number, hi: number, flag: number) => (boxes[at + F.v6]! & flag) === 0 && lo >= 0 && Math.floor(lo / 65536) === Math.floor(hi / 65536);
    const firstBucket = boxes[at + F.dportLo]! >> PORT_BUCKET_BITS;
    const lastBucket = boxes[at + F.dportHi]! >> PORT_BUCKET_BITS;
    if (oneBlock(boxes[at + F.dstLo]!, boxes[at + F.dstHi]!, V6_DST)) add(index.byDst, [Math.floor(boxes[at + F.dstLo]! / 65536)], id);
    else if (oneBlock(boxes[at + F.srcLo]!, boxes[at + F.srcHi]!, V6_SRC)) add(index.bySrc, [Math.floor(boxes[at + F.srcLo]! / 65536)], id);
    else if (lastBucket - firstBucket < MAX_PORT_BUCKETS_PER_RULE) add(index.byPort, range(firstBucket, lastBucket), id);
    else index.wide.push(id);
  });
  return index;
}

function add(cls: Class, keys: number[], id: number): void {
  cls.all.push(id);
  for (const k of keys) {
    const list = cls.buckets.get(k);
    if (list) list.push(id);
    else cls.buckets.set(k, [id]);
  }
}

/**
 * Writes the bounding box of a flow set at `at`; false when the set is empty. IPv4 bounds are -1 when the set has no
 * IPv4 part. The box is the members' bounds widened one by one: no hull (a union per dimension) is built.
 */
function writeBox(out: Float64Array, at: number, flows: FlowSet): boolean {
  const box = [Infinity, -Infinity, Infinity, -Infinity, Infinity, -Infinity, Infinity, -Infinity];
  let v6 = 0;
  let dstEmpty = true;
  let srcEmpty = true;
  for (const h of flows) {
    widen(box, 0, h.dport.numericBounds());
    widen(box, 2, h.proto.numericBounds());
    widen(box, 4, h.dst.v4.numericBounds());
    widen(box, 6, h.src.v4.numericBounds());
    dstEmpty &&= h.dst.isEmpty();
    srcEmpty &&= h.src.isEmpty();
    v6 |= (h.dst.v6.isEmpty() ? 0 : V6_DST) | (h.src.v6.isEmpty() ? 0 : V6_SRC);
  }
  if (box[0] === Infinity || box[2] === Infinity || dstEmpty || srcEmpty) return false;
  out[at + F.dportLo] = box[0]!;
  out[at + F.dportHi] = box[1]!;
  out[at + F.protoLo] = box[2]!;
  out[at + F.protoHi] = box[3]!;
  out[at + F.dstLo] = box[4] === Infinity ? -1 : box[4]!;
  out[at + F.dstHi] = box[4] === Infinity ? -1 : box[5]!;
  out[at + F.srcLo] = box[6] === Infinity ? -1 : box[6]!;
  out[at + F.srcHi] = box[6] === Infinity ? -1 : box[7]!;
  out[at + F.v6] = v6;
  return true;
}

function widen(box: number[], k: number, bounds: [number, number] | undefined): void {
  if (!bounds) return;
  if (bounds[0] < box[k]!) box[k] = bounds[0];
  if (bounds[1] > box[k + 1]!) box[k + 1] = bounds[1];
}

function overlaps(b: Float64Array, at: number, q: Float64Array): boolean {
  if (b[at + F.dportLo]! > q[F.dportHi]! || b[at + F.dportHi]! < q[F.dportLo]!) return false;
  if (b[at + F.protoLo]! > q[F.protoHi]! || b[at + F.protoHi]! < q[F.protoLo]!) return false;
  const v6 = b[at + F.v6]! & q[F.v6]!;
  const dst4 = b[at + F.dstLo]! >= 0 && q[F.dstLo]! >= 0 && b[at + F.dstLo]! <= q[F.dstHi]! && b[at + F.dstHi]! >= q[F.dstLo]!;
  const src4 = b[at + F.srcLo]! >= 0 && q[F.srcLo]! >= 0 && b[at + F.srcLo]! <= q[F.srcHi]! && b[at + F.srcHi]! >= q[F.srcLo]!;
  // Addresses of one family must overlap on both ends; an IPv4 flow never meets an IPv6-only rule.
  return (dst4 && src4) || ((v6 & V6_DST) !== 0 && (v6 & V6_SRC) !== 0);
}
