/**
 * Chains that jump in a loop. The kernel refuses a loop reached from a built-in chain (iptables-restore fails:
 * legacy "line N failed", nf_tables "Too many links"), so such an export was never loaded: it is refused here,
 * at a jump that closes the loop. A loop no built-in chain reaches is loaded and never runs: a warning.
 * Nesting: nf_tables refuses more than 16 nested jumps, legacy iptables has no limit; edge-audit evaluates up to
 * MAX_NESTING and refuses an export that nests deeper, at the jump that goes past it, rather than run out of stack.
 */
import type { Diagnostic, Filter, Rule } from '../../src/model/rule-graph.js';
import { ParseError } from '../parse-error.js';

export const MAX_NESTING = 1000;

/**
 * Throws ParseError for a loop reached from a built-in chain, or nesting deeper than MAX_NESTING; adds a warning
 * for each other loop.
 */
export function checkJumps(filters: readonly Filter[], file: string, diagnostics: Diagnostic[]): void {
  const byId = new Map(filters.map((f) => [f.id, f]));
  const walk: Walk = { byId, state: new Map(), height: new Map() };
  const builtin = filters.filter((f) => f.defaultAction !== 'return');
  for (const root of builtin) {
    const loop = findLoop(root, walk);
    if (loop) throw new ParseError(file, loop.jumps[loop.jumps.length - 1]!.origin.line, `${describe(loop)}, which the kernel refuses (iptables-restore fails)`);
    const deep = jumpPastLimit(root, walk);
    if (deep) throw new ParseError(file, deep.origin.line, `user chains nest more than ${MAX_NESTING} jumps deep below ${root.name}, deeper than edge-audit evaluates`);
  }
  for (const root of filters) {
    const loop = findLoop(root, walk);
    if (loop) {
      diagnostics.push({ line: loop.jumps[loop.jumps.length - 1]!.origin.line, level: 'warning', message: `${describe(loop)}; no built-in chain reaches it, so it never runs` });
    }
  }
}

interface Loop {
  readonly chains: readonly Filter[];
  /** The jump from each chain to the next, the last one back to the first. */
  readonly jumps: readonly Rule[];
}

function describe(loop: Loop): string {
  const names = [...loop.chains, loop.chains[0]!].map((f) => f.name).join(' → ');
  return `chains jump in a loop (${names}, lines ${loop.jumps.map((r) => r.origin.line).join(', ')})`;
}

/** Where the loop and depth walks stand: per chain, open (on the walk's stack) or done, and its height once done. */
interface Walk {
  readonly byId: ReadonlyMap<string, Filter>;
  readonly state: Map<Filter, 'open' | 'done'>;
  /** The most nested jumps below a chain (0: it jumps nowhere). */
  readonly height: Map<Filter, number>;
}

/** The deepest jump below `f`, from the heights of the chains it jumps to (all done when `f` is). */
function heightOf(f: Filter, walk: Walk): number {
  let h = 0;
  for (const r of f.rules) {
    const target = deeperTarget(r, walk);
    if (target) h = Math.max(h, 1 + (walk.height.get(target) ?? 0));
  }
  return h;
}

function deeperTarget(rule: Rule, walk: Walk): Filter | undefined {
  const id = jumpTarget(rule);
  return id === undefined ? undefined : walk.byId.get(id);
}

/** The jump that lies more than MAX_NESTING jumps below `root`, following the deepest path; none if none does. */
function jumpPastLimit(root: Filter, walk: Walk): Rule | undefined {
  let f = root;
  for (let depth = 1; (walk.height.get(f) ?? 0) > 0; depth++) {
    const h = walk.height.get(f)!;
    const rule = f.rules.find((r) => {
      const t = deeperTarget(r, walk);
      return t !== undefined && 1 + (walk.height.get(t) ?? 0) === h;
    })!;
    if (depth > MAX_NESTING) return rule;
    f = deeperTarget(rule, walk)!;
  }
  return undefined;
}

function jumpTarget(rule: Rule): string | undefined {
  return rule.action.type === 'call' || rule.action.type === 'goto' ? rule.action.filter : undefined;
}

/**
 * Depth-first from `root` over jumps not yet walked (`state` is shared between roots, so each chain is walked
 * once); the first jump back into a chain still open closes a loop. The chains on the way are then done: one
 * report per tangle is enough.
 */
function findLoop(root: Filter, walk: Walk): Loop | undefined {
  const { state, height } = walk;
  if (state.has(root)) return undefined;
  const stack: { filter: Filter; next: number; jump?: Rule }[] = [{ filter: root, next: 0 }];
  state.set(root, 'open');
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const rule = top.filter.rules[top.next++];
    if (!rule) {
      state.set(top.filter, 'done');
      height.set(top.filter, heightOf(top.filter, walk));
      stack.pop();
      continue;
    }
    const target = deeperTarget(rule, walk);
    if (!target) continue;
    const seen = state.get(target);
    if (seen === 'open') {
      top.jump = rule;
      const on = stack.slice(stack.findIndex((s) => s.filter === target));
      for (const s of stack) state.set(s.filter, 'done');
      return { chains: on.map((s) => s.filter), jumps: on.map((s) => s.jump!) };
    }
    if (seen === undefined) {
      top.jump = rule;
      state.set(target, 'open');
      stack.push({ filter: target, next: 0 });
    }
  }
  return undefined;
}
