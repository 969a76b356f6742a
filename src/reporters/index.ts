import type { Report } from '../report/report.js';
import { formatHtml } from './html.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatMarkdown } from './markdown.js';
import { formatSarif } from './sarif.js';
import { formatTable } from './table.js';

export interface FormatOptions {
  /** ANSI colours: only ever true for the table on a terminal. */
  readonly color: boolean;
}

/** Every output format: how to write it, and the extension it gets when -o names a base for several formats. */
export const REPORTERS = {
  table: { format: formatTable, extension: '.txt' },
  json: { format: formatJson, extension: '.json' },
  sarif: { format: formatSarif, extension: '.sarif' },
  junit: { format: formatJunit, extension: '.xml' },
  markdown: { format: formatMarkdown, extension: '.md' },
  html: { format: formatHtml, extension: '.html' },
} as const satisfies Record<string, { format: (r: Report, o: FormatOptions) => string; extension: string }>;

export type FormatName = keyof typeof REPORTERS;
export const FORMAT_NAMES = Object.keys(REPORTERS) as FormatName[];
