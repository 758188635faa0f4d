// Real OpenClaw upstream captures (test/fixtures/openclaw-upstream, see its README), parsed for tests.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChatRequestBody } from '../../shared/wire/openai.ts';

const here = dirname(fileURLToPath(import.meta.url));
const candidates = [resolve(here, '../fixtures/openclaw-upstream')];

export function sampleBody(name: string): ChatRequestBody {
  for (const dir of candidates) {
    try {
      const file = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
      return typeof file.body === 'string' ? JSON.parse(file.body) : file.body;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw new Error(`sample ${name} not found in ${candidates.join(' or ')}`);
}
