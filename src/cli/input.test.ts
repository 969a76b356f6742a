import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SkippedFile } from '../report/report.js';
import { inputSources, recognizedExports } from './input.js';

const FORTIGATE = 'fixtures/fortigate/policy-nat/compliant.conf';

describe('recognizedExports', () => {
  it('hands a text-only parser (FortiGate) the text, and lets the bytes read for it go', () => {
    const stdin = readFileSync(FORTIGATE);
    const [found, ...more] = [...recognizedExports(inputSources(['-'], 'fortigate', () => stdin), 'fortigate', [] as SkippedFile[])];
    expect(more).toEqual([]);
    expect(found!.parser.vendor).toBe('fortigate');
    expect(found!.input.text).toBe(readFileSync(FORTIGATE, 'utf8'));
    expect(found!.input.bytes).toBeUndefined();
    expect(stdin.byteLength).toBe(0); // its memory was handed back
    expect(found!.parser.parse(found!.input, {}).length).toBeGreaterThan(0);
  });

  it('leaves bytes it does not own alone: a view into a larger buffer keeps its data', () => {
    const whole = Buffer.concat([readFileSync(FORTIGATE), Buffer.from('\n')]);
    const view = whole.subarray(0, whole.length - 1);
    [...recognizedExports(inputSources(['-'], 'fortigate', () => view), 'fortigate', [])];
    expect(view.toString('utf8')).toBe(readFileSync(FORTIGATE, 'utf8'));
  });
});
