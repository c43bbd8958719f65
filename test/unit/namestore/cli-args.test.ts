import { describe, expect, it } from 'vitest';
import { UsageError, parseCommandLine } from '../../../src/cli/args.js';

describe('eon names on the command line', () => {
  it('parses register and check with --http and an idempotency key', () => {
    expect(parseCommandLine(['names', 'register', 'user:julian', '--http', '127.0.0.1:9000', '--idempotency-key', 'k1'], {})).toEqual({
      kind: 'names-register',
      http: '127.0.0.1:9000',
      name: 'user:julian',
      idempotencyKey: 'k1',
    });
    expect(parseCommandLine(['names', 'check', 'slug'], {})).toEqual({ kind: 'names-check', http: '127.0.0.1:8080', name: 'slug' });
  });

  it('refuses a missing or invalid name, extra arguments and foreign flags as usage errors', () => {
    for (const argv of [
      ['names'],
      ['names', 'register'],
      ['names', 'register', ''],
      ['names', 'register', 'x'.repeat(256)],
      ['names', 'check', 'a', 'b'],
      ['names', 'check', 'a', '--idempotency-key', 'k'],
      ['names', 'take', 'a'],
    ]) {
      expect(() => parseCommandLine(argv, {}), argv.join(' ')).toThrow(UsageError);
    }
  });
});
