import { hull, type FlowSet, type HeaderSpace } from '../model/header-space.js';
import type { Filter, Rule } from '../model/rule-graph.js';

/**
 * Finds the rules of a filter that can possibly match a flow set, in rule order, without scanning
 * every rule for narrow queries (a documented flow is one protocol, a few ports and a few addresses).
 *
 * Rules are bucketed by destination port (256-port buckets) when their port range is narrow, else by
 * the IPv4 /16 of their destination when that is narrow, else kept in a short "wide" list. A query
 * collects the buckets it touches and keeps the rules whose bounding box overlaps its own. Broad queries
 * fall back to a scan of the bounding boxes, which are plain numbers and so still cheap.
 */
const PORT_BUCKET_BITS = 8;
const MAX_PORT_BUCKETS_PER_RULE = 4;
const MAX_PORT_BUCKETS_PER_QUERY = 32;
const MAX_DST_BLOCKS_PER_QUERY = 256;

interface Box {
  dportLo: number;
  dportHi: number;
  protoLo: number;
  protoHi: number;
  /** IPv4 destination bounds; -1/-1 when the rule matches no IPv4 destination. */
  dst4Lo: number;
  dst4Hi: number;
  hasV6: boolean;
}

interface Index {
  boxes: Box[];
  byPort: Map<number, number[]>;
  byDst16: Map<number, number[]>;
  wide: number[];
}

const indexes = new WeakMap<Filter, Index>();

export function candidateRules(filter: Filter, flows: FlowSet): Rule[] {
  const q = hull(flows);
  if (!q) return [];
  let index = indexes.get(filter);
  if (!index) {
    index = buildIndex(filter.rules);
    indexes.set(filter, index);
  }
  const query = boxOf([q]);
  const ids = lookup(index, query);
  const out: Rule[] = [];
  for (const id of ids) {
    if (boxesOverlap(index.boxes[id]!, query)) out.push(filter.rules[id]!);
  }
  return out;
}

function lookup(index: Index, q: Box): Iterable<number> {
  const firstBucket = q.dportLo >> PORT_BUCKET_BITS;
  const lastBucket = q.dportHi >> PORT_BUCKET_BITS;
  const firstBlock = q.dst4Lo >>> 16;
  const lastBlock = q.dst4Hi >>> 16;
  const broad =
    lastBucket - firstBucket + 1 > MAX_PORT_BUCKETS_PER_QUERY ||
    q.hasV6 ||
    q.dst4Lo < 0 ||
    lastBlock - firstBlock + 1 > MAX_DST_BLOCKS_PER_QUERY;
  if (broad) return index.boxes.keys();
  const ids: number[] = [...index.wide];
  for (let b = firstBucket; b <= lastBucket; b++) ids.push(...(index.byPort.get(b) ?? []));
  for (let b = firstBlock; b <= lastBlock; b++) ids.push(...(index.byDst16.get(b) ?? []));
  // Rule order decides first-match verdicts, so candidates go back in order, each once.
  return [...new Set(ids)].sort((a, b) => a - b);
}

function buildIndex(rules: readonly Rule[]): Index {
  const index: Index = { boxes: [], byPort: new Map(), byDst16: new Map(), wide: [] };
  rules.forEach((rule, id) => {
    const box = boxOf(rule.match.flows);
    index.boxes.push(box);
    const firstBucket = box.dportLo >> PORT_BUCKET_BITS;
    const lastBucket = box.dportHi >> PORT_BUCKET_BITS;
    if (box.dportLo >= 0 && lastBucket - firstBucket + 1 <= MAX_PORT_BUCKETS_PER_RULE) {
      for (let b = firstBucket; b <= lastBucket; b++) push(index.byPort, b, id);
    } else if (!box.hasV6 && box.dst4Lo >= 0 && box.dst4Lo >>> 16 === box.dst4Hi >>> 16) {
      push(index.byDst16, box.dst4Lo >>> 16, id);
    } else {
      index.wide.push(id);
    }
  });
  return index;
}

function push(map: Map<number, number[]>, key: number, id: number): void {
  const list = map.get(key);
  if (list) list.push(id);
  else map.set(key, [id]);
}

function boxOf(flows: FlowSet): Box {
  const h: HeaderSpace | undefined = hull(flows);
  if (!h || h.dport.isEmpty() || h.proto.isEmpty() || h.dst.isEmpty()) {
    // Matches nothing: a box no query overlaps.
    return { dportLo: -1, dportHi: -2, protoLo: -1, protoHi: -2, dst4Lo: -1, dst4Hi: -1, hasV6: false };
  }
  return {
    dportLo: Number(h.dport.lowest()),
    dportHi: Number(h.dport.highest()),
    protoLo: Number(h.proto.lowest()),
    protoHi: Number(h.proto.highest()),
    dst4Lo: h.dst.v4.isEmpty() ? -1 : Number(h.dst.v4.lowest()),
    dst4Hi: h.dst.v4.isEmpty() ? -1 : Number(h.dst.v4.highest()),
    hasV6: !h.dst.v6.isEmpty(),
  };
}

function boxesOverlap(r: Box, q: Box): boolean {
  if (r.dportLo > q.dportHi || r.dportHi < q.dportLo) return false;
  if (r.protoLo > q.protoHi || r.protoHi < q.protoLo) return false;
  const v4 = r.dst4Lo >= 0 && q.dst4Lo >= 0 && r.dst4Lo <= q.dst4Hi && r.dst4Hi >= q.dst4Lo;
  return v4 || (r.hasV6 && q.hasV6);
}
