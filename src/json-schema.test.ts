import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { compileSchema, describeSchemaError, packageRoot, validatorPath } from './json-schema.js';

const require = createRequire(import.meta.url);
const PROFILE_SCHEMA = 'schemas/site-profile.schema.json';

describe('compileSchema', () => {
  it('uses the validator the build compiled, and it validates as the schema says', () => {
    const built = validatorPath(packageRoot(), PROFILE_SCHEMA);
    // `npm test` builds first; the validator then exists and is the very function compileSchema returns.
    expect(existsSync(built)).toBe(true);
    const validate = compileSchema<unknown>(PROFILE_SCHEMA);
    expect(validate).toBe(require(built));
    expect(validate({ deviceRole: 'edge-host' })).toBe(true);
    expect(validate({ deviceRole: 'router' })).toBe(false);
    expect(describeSchemaError(validate.errors)).toBe('/deviceRole must be equal to one of the allowed values (edge-host, network-firewall)');
  });
});
