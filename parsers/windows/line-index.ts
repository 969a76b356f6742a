import type { SourceRef } from './model.js';

/**
 * Character offset → 1-based line number, for readers whose parser reports offsets (XML, JSON) or whose records
 * span several lines (quoted CSV fields). Built once per file; each lookup is a binary search.
 */
export class LineIndex {
  /** Offsets at which each line starts; starts[0] = 0. */
  private readonly starts: number[];

  constructor(private readonly text: string) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.starts = starts;
  }

  /** The 1-based line holding `offset`. A CR before its LF belongs to the line it ends. */
  lineAt(offset: number): number {
    return lastAtOrBelow(this.starts, offset) + 1;
  }

  /** The offset at which 1-based `line` starts (the end of the text for lines past it). */
  offsetOf(line: number): number {
    return this.starts[Math.min(Math.max(line, 1), this.starts.length) - 1]!;
  }

  /**
   * The text in [start, end) as evidence: where it starts, and its lines verbatim, the first one from its start
   * when only indentation precedes `start`, every line ended by LF (Windows writes CRLF). The text is cut from the
   * file's only when asked for: a report quotes a few rules, and copies of all 100,000 would take more memory than
   * the file.
   */
  source(start: number, end: number): SourceRef {
    const line = this.lineAt(start);
    const lineStart = this.starts[line - 1]!;
    const from = /^[ \t]*$/.test(this.text.slice(lineStart, start)) ? lineStart : start;
    return new LazySource(line, this.text, from, end);
  }
}

/** A class, not an object literal with a getter: V8 would keep each literal in a dictionary with a closure of its own. */
class LazySource implements SourceRef {
  readonly #document: string;
  readonly #from: number;
  readonly #end: number;

  constructor(
    readonly line: number,
    document: string,
    from: number,
    end: number,
  ) {
    this.#document = document;
    this.#from = from;
    this.#end = end;
  }

  get text(): string {
    return this.#document.slice(this.#from, this.#end).replace(/\r\n/g, '\n');
  }

  toJSON(): SourceRef {
    return { line: this.line, text: this.text };
  }
}

/** The index of the last value of `sorted` (ascending, sorted[0] <= value) that is at most `value`. */
export function lastAtOrBelow(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (sorted[mid]! <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
