import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../audit/result.js';
import { packageRoot } from '../json-schema.js';
import { FORMAT_NAMES } from '../reporters/index.js';
import { CONFIG_FILE_NAME, ConfigError, ENVIRONMENT, findConfigFile, resolveSettings } from './config.js';

/** A repository (a folder with .git) holding `files`; returns its root. */
function repo(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'edge-audit-config-'));
  mkdirSync(join(root, '.git'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

const waiver = { id: '1dfca0942d586796', justification: 'j', approvedBy: 'a', expires: '2031-01-01' };

describe('findConfigFile', () => {
  it('looks in the working directory, then upward, and stops at the repository root', () => {
    const root = repo({ [CONFIG_FILE_NAME]: {}, 'a/b/.keep': '' });
    expect(findConfigFile(join(root, 'a', 'b'))).toBe(join('..', '..', CONFIG_FILE_NAME));
    expect(findConfigFile(root)).toBe(CONFIG_FILE_NAME);
    writeFileSync(join(root, 'a', CONFIG_FILE_NAME), '{}');
    expect(findConfigFile(join(root, 'a', 'b'))).toBe(join('..', CONFIG_FILE_NAME));
    // A configuration above the repository root belongs to something else.
    const outer = mkdtempSync(join(tmpdir(), 'edge-audit-outer-'));
    writeFileSync(join(outer, CONFIG_FILE_NAME), '{}');
    mkdirSync(join(outer, 'project', '.git'), { recursive: true });
    expect(findConfigFile(join(outer, 'project'))).toBeUndefined();
  });
});

describe('resolveSettings', () => {
  const file = { format: ['sarif', 'junit'], output: 'out/edge', failOn: 'medium', softFail: true, profile: 'net/site.json', packs: ['lync2013-xmpp-federation'], baseline: 'baseline.json', waivers: [waiver] };

  it('takes each value from the command line, else the environment, else the file, else the default, and says which', () => {
    const root = repo({ [CONFIG_FILE_NAME]: file });
    const fromFile = resolveSettings({}, {}, root);
    expect(fromFile).toMatchObject({ format: ['sarif', 'junit'], output: join('out', 'edge'), failOn: 'medium', softFail: true, configFile: CONFIG_FILE_NAME });
    expect(fromFile.origins.failOn).toBe(`config ${CONFIG_FILE_NAME}`);

    const env = { EDGE_AUDIT_FAIL_ON: 'low', EDGE_AUDIT_FORMAT: 'markdown, html', EDGE_AUDIT_SOFT_FAIL: 'false', EDGE_AUDIT_OUTPUT: '' };
    const fromEnv = resolveSettings({}, env, root);
    expect(fromEnv).toMatchObject({ failOn: 'low', format: ['markdown', 'html'], softFail: false, output: join('out', 'edge') });
    expect(fromEnv.origins).toMatchObject({ failOn: 'environment EDGE_AUDIT_FAIL_ON', softFail: 'environment EDGE_AUDIT_SOFT_FAIL', output: `config ${CONFIG_FILE_NAME}` });

    const fromCli = resolveSettings({ failOn: 'critical', format: ['json'] }, env, root);
    expect(fromCli).toMatchObject({ failOn: 'critical', format: ['json'], softFail: false });
    expect(fromCli.origins).toMatchObject({ failOn: 'command line', format: 'command line' });

    const defaults = resolveSettings({}, {}, repo({}));
    expect(defaults).toEqual({ failOn: 'high', failOnUncertain: false, softFail: false, origins: { failOn: 'default', failOnUncertain: 'default', softFail: 'default' } });
  });

  it('resolves failOnUncertain like the other settings: command line, EDGE_AUDIT_FAIL_ON_UNCERTAIN, file, default false', () => {
    const root = repo({ [CONFIG_FILE_NAME]: { failOnUncertain: true } });
    expect(resolveSettings({}, {}, root)).toMatchObject({ failOnUncertain: true, origins: { failOnUncertain: `config ${CONFIG_FILE_NAME}` } });
    const env = { EDGE_AUDIT_FAIL_ON_UNCERTAIN: '0' };
    expect(resolveSettings({}, env, root)).toMatchObject({ failOnUncertain: false, origins: { failOnUncertain: 'environment EDGE_AUDIT_FAIL_ON_UNCERTAIN' } });
    expect(resolveSettings({ failOnUncertain: true }, env, root)).toMatchObject({ failOnUncertain: true, origins: { failOnUncertain: 'command line' } });
    expect(resolveSettings({}, { EDGE_AUDIT_FAIL_ON_UNCERTAIN: '' }, repo({})).failOnUncertain).toBe(false);
  });

  it('reads paths in the file relative to its folder, and gives them relative to the working directory', () => {
    const root = repo({ [CONFIG_FILE_NAME]: { ...file, waivers: 'policy/waivers.json' }, 'sub/dir/.keep': '' });
    const s = resolveSettings({}, {}, join(root, 'sub', 'dir'));
    expect(s.configFile).toBe(join('..', '..', CONFIG_FILE_NAME));
    expect(s).toMatchObject({ profile: join('..', '..', 'net', 'site.json'), baseline: join('..', '..', 'baseline.json'), waivers: { file: join('..', '..', 'policy', 'waivers.json') } });
    // Environment and command-line paths are the user's own: relative to the working directory, untouched.
    expect(resolveSettings({}, { EDGE_AUDIT_BASELINE: 'b.json', EDGE_AUDIT_WAIVERS: 'w.json' }, join(root, 'sub'))).toMatchObject({ baseline: 'b.json', waivers: { file: 'w.json' } });
  });

  it('takes waivers written in the file itself, validated as a waivers file, pointing back at the file', () => {
    const root = repo({ [CONFIG_FILE_NAME]: { waivers: [waiver] } });
    expect(resolveSettings({}, {}, root).waivers).toEqual({ entries: [{ waiver, source: { file: CONFIG_FILE_NAME, entry: 1 } }] });
    const broken = repo({ [CONFIG_FILE_NAME]: { waivers: [{ ...waiver, expires: 'soon' }] } });
    expect(() => resolveSettings({}, {}, broken)).toThrow(`${CONFIG_FILE_NAME}: /waivers/0/expires must match pattern`);
  });

  it('uses --config, else EDGE_AUDIT_CONFIG, instead of searching', () => {
    const root = repo({ [CONFIG_FILE_NAME]: { failOn: 'low' }, 'ci.json': { failOn: 'critical' }, 'env.json': { failOn: 'medium' } });
    expect(resolveSettings({}, { EDGE_AUDIT_CONFIG: 'env.json' }, root, 'ci.json').failOn).toBe('critical');
    expect(resolveSettings({}, { EDGE_AUDIT_CONFIG: 'env.json' }, root).failOn).toBe('medium');
    expect(() => resolveSettings({}, {}, root, 'missing.json')).toThrow('missing.json: no such file');
  });

  it('refuses a bad file, naming the file and the field', () => {
    const cases: [unknown, string][] = [
      [{ failOn: 'severe' }, '/failOn must be equal to one of the allowed values (none, info, low, medium, high, critical)'],
      [{ format: ['sarif', 'pdf'] }, '/format/1 must be equal to one of the allowed values (table, json, sarif, junit, markdown, html)'],
      [{ format: 'pdf' }, '/format must be equal to one of the allowed values (table, json, sarif, junit, markdown, html)'],
      [{ fail_on: 'high' }, '/ must NOT have additional properties (fail_on)'],
      [{ softFail: 'yes' }, '/softFail must be boolean'],
      [{ failOnUncertain: 1 }, '/failOnUncertain must be boolean'],
      ['{ "failOn": ', 'not valid JSON'],
    ];
    for (const [content, message] of cases) {
      const root = repo({ [CONFIG_FILE_NAME]: content });
      expect(() => resolveSettings({}, {}, root)).toThrow(ConfigError);
      expect(() => resolveSettings({}, {}, root)).toThrow(`${CONFIG_FILE_NAME}: ${message}`);
    }
  });

  it('refuses a bad environment value, naming the variable', () => {
    const root = repo({});
    expect(() => resolveSettings({}, { EDGE_AUDIT_FAIL_ON: 'severe' }, root)).toThrow('EDGE_AUDIT_FAIL_ON: /failOn must be equal to one of the allowed values');
    expect(() => resolveSettings({}, { EDGE_AUDIT_FORMAT: 'sarif,pdf' }, root)).toThrow('EDGE_AUDIT_FORMAT: /format/1 must be equal to one of the allowed values');
    expect(() => resolveSettings({}, { EDGE_AUDIT_SOFT_FAIL: 'maybe' }, root)).toThrow('EDGE_AUDIT_SOFT_FAIL: "maybe" is not true or false');
    expect(() => resolveSettings({}, { EDGE_AUDIT_FAIL_ON_UNCERTAIN: 'maybe' }, root)).toThrow('EDGE_AUDIT_FAIL_ON_UNCERTAIN: "maybe" is not true or false');
  });
});

describe('config schema', () => {
  it('lists the same formats and thresholds as the code, and every setting has its environment variable', () => {
    const schema = JSON.parse(readFileSync(join(packageRoot(), 'schemas', 'config.schema.json'), 'utf8'));
    expect(schema.definitions.format.enum).toEqual(FORMAT_NAMES);
    expect(new Set(schema.properties.failOn.enum)).toEqual(new Set(['none', ...SEVERITIES]));
    expect(Object.keys(schema.properties).filter((k) => k !== '$schema').sort()).toEqual(Object.keys(ENVIRONMENT).sort());
  });
});
