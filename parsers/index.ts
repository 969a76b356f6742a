import type { Device } from '../src/model/rule-graph.js';
import { iptablesParser } from './iptables/index.js';

/** One vendor's parser: recognizes its export format from content alone, and turns it into the rule graph. */
export interface VendorParser {
  readonly vendor: string;
  detect(text: string): boolean;
  parse(text: string, file: string): Device;
}

export const PARSERS: readonly VendorParser[] = [iptablesParser];

export function detectParser(text: string): VendorParser | undefined {
  return PARSERS.find((p) => p.detect(text));
}

export { ParseError } from './parse-error.js';
