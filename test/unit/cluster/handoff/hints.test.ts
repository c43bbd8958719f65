import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import type { Database, RootDatabase } from 'lmdb';
import { HintReplayer, HintStore, HINT_REPLAY_BATCH } from '../../../../src/cluster/handoff/index.js';
import type { HintKey } from '../../../../src/cluster/handoff/index.js';

let dir: string;
let env: RootDatabase;
let db: Database<unknown, HintKey>;

function openDb(): void {
  env = open({ path: dir, noSubdir: false, maxDbs: 2 });
  db = env.openDB<unknown, HintKey>({ name: 'hints', encoding: 'msgpack' });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eon-hints-'));
  openDb();
});
afterEach(async () => {
  await env.close();
  rmSync(dir, { recursive: true, force: true });
});

const quiet = (): void => {};

describe('hinted handoff', () => {
  it('keeps hints per target in order across a restart, and replays them to targets that are up', async () => {
    const hints = new HintStore(db);
    for (let i = 0; i < 3; i++) hints.add('b', { n: i, bytes: new Uint8Array([i]) });
    hints.add('c', { n: 99 });
    await db.committed;
    await env.close();
    openDb();
    const reopened = new HintStore(db);
    expect(reopened.targets().sort()).toEqual(['b', 'c']);
    expect(reopened.pending('b')).toBe(3);
    expect(reopened.oldest('b', 10).map((h) => (h.body as { n: number }).n)).toEqual([0, 1, 2]);
    const bytes = (reopened.oldest('b', 1)[0]!.body as { bytes: Uint8Array }).bytes;
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...bytes]).toEqual([0]);

    const delivered: string[] = [];
    const up = new Set(['b']);
    const replayer = new HintReplayer({
      hints: reopened,
      isUp: (id) => up.has(id),
      deliver: async (target, body) => {
        delivered.push(`${target}:${(body as { n: number }).n}`);
      },
      log: quiet,
    });
    await replayer.replay();
    expect(delivered).toEqual(['b:0', 'b:1', 'b:2']);
    expect(reopened.pending('b')).toBe(0);
    expect(reopened.pending('c')).toBe(1);
    up.add('c');
    await replayer.replay();
    expect(delivered.at(-1)).toBe('c:99');
    expect(reopened.total()).toBe(0);
    expect(reopened.stats).toMatchObject({ delivered: 4 });
  });

  it('stops a target at the first failed delivery and resumes from there, a batch per round', async () => {
    const hints = new HintStore(db);
    for (let i = 0; i < HINT_REPLAY_BATCH + 5; i++) hints.add('b', { n: i });
    await db.committed;
    let failAt = 3;
    const got: number[] = [];
    const replayer = new HintReplayer({
      hints,
      isUp: () => true,
      deliver: async (_t, body) => {
        const n = (body as { n: number }).n;
        if (n === failAt) throw new Error('connection reset');
        got.push(n);
      },
      log: quiet,
    });
    await replayer.replay();
    expect(got).toEqual([0, 1, 2]);
    failAt = -1;
    await db.committed;
    await replayer.replay();
    expect(got.length).toBe(3 + HINT_REPLAY_BATCH);
    await db.committed;
    await replayer.replay();
    expect(got).toEqual(Array.from({ length: HINT_REPLAY_BATCH + 5 }, (_, i) => i));
  });
});
