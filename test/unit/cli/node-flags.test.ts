// `npm start` and the bench must run eon with the same V8 flags (src/cli/node-flags.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EON_NODE_FLAGS } from '../../../src/cli/node-flags.js';

describe('eon node flags', () => {
  it('are the ones package.json\'s start and eon scripts pass to node', () => {
    const scripts = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start', 'eon']) {
      const node = scripts[name]!.slice(scripts[name]!.indexOf('node '));
      expect(node.split(' ').filter((w) => w.startsWith('--')), name).toEqual([...EON_NODE_FLAGS]);
    }
  });
});
