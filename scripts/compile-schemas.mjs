#!/usr/bin/env node
// Part of `npm run build`, after tsc: compiles every JSON Schema of the package (schemas/, policies/) into a
// standalone validator (ajv's own standalone code generation) where src/json-schema.ts looks for it, so the CLI
// does not compile schemas on every start (about 0.1 s); it compiles at run time only a schema newer than its
// validator.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { validatorPath } from '../dist/src/json-schema.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

for (const dir of ['schemas', 'policies']) {
  for (const name of readdirSync(join(ROOT, dir)).filter((n) => n.endsWith('.schema.json'))) {
    const relativePath = `${dir}/${name}`;
    // The same options as compileSchema in src/json-schema.ts.
    const ajv = new Ajv({ strict: true, strictRequired: false, code: { source: true } });
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, relativePath), 'utf8')));
    const out = validatorPath(ROOT, relativePath);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, standaloneCode(ajv, validate));
  }
}
