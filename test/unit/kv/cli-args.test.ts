// `eon kv`'s command line: its options, defaults and refusals.

import { describe, expect, it } from 'vitest';
import { UsageError, parseCommandLine } from '../../../src/cli/args.js';

describe('eon kv arguments', () => {
  it('takes --http, --table and --data with defaults', () => {
    expect(parseCommandLine(['kv'], {})).toEqual({ kind: 'kv', http: '127.0.0.1:8080', table: 'kv', dataDir: './cluster-data' });
    expect(parseCommandLine(['kv', '--http', '127.0.0.1:9001', '--table', 'carts', '--data', '/tmp/c'], {})).toEqual({
      kind: 'kv',
      http: '127.0.0.1:9001',
      table: 'carts',
      dataDir: '/tmp/c',
    });
  });

  it('refuses other options and extra arguments', () => {
    expect(() => parseCommandLine(['kv', '--nodes', '3'], {})).toThrow(UsageError);
    expect(() => parseCommandLine(['kv', 'extra'], {})).toThrow(UsageError);
    expect(() => parseCommandLine(['kv', '--table', ''], {})).toThrow(UsageError);
  });
});
