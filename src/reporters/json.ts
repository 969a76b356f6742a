import type { Report } from '../report/report.js';

/** The JSON report, as documented in the README and schemas/report.schema.json. */
export function formatJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
