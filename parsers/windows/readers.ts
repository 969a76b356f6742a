/**
 * Every Windows Firewall export format edge-audit reads, in the order they are tried: formats recognized by magic
 * bytes or a fixed first line before the plain-text ones.
 */
import type { WindowsFormatReader } from './model.js';
import { ruleTextReader } from './rule-text.js';

export const READERS: readonly WindowsFormatReader[] = [ruleTextReader];
