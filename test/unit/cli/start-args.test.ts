// `eon start`'s --anti-entropy-interval: how often replicas compare in the background, bounded.

import { describe, expect, it } from 'vitest';
import { UsageError, parseCommandLine } from '../../../src/cli/args.js';
import { ANTI_ENTROPY_INTERVAL_MS_MAX, ANTI_ENTROPY_INTERVAL_MS_MIN } from '../../../src/cluster/antientropy/index.js';

describe('eon start --anti-entropy-interval', () => {
  it('sets the interval in milliseconds, within its bounds', () => {
    expect(parseCommandLine(['start', '--anti-entropy-interval', '60000'], {})).toMatchObject({ kind: 'start', config: { antiEntropyIntervalMs: 60_000 } });
    expect(parseCommandLine(['start'], {})).not.toHaveProperty('config.antiEntropyIntervalMs');
    expect(() => parseCommandLine(['start', '--anti-entropy-interval', String(ANTI_ENTROPY_INTERVAL_MS_MIN - 1)], {})).toThrow(UsageError);
    expect(() => parseCommandLine(['start', '--anti-entropy-interval', String(ANTI_ENTROPY_INTERVAL_MS_MAX + 1)], {})).toThrow(UsageError);
    expect(() => parseCommandLine(['start', '--anti-entropy-interval', 'often'], {})).toThrow(UsageError);
  });
});
