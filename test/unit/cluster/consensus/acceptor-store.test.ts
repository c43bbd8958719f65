import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ACCEPTOR_STATE_EMPTY,
  Acceptor,
  ConsensusRegister,
  LmdbAcceptorStore,
  MemoryAcceptorStore,
  type AcceptorState,
  type CasOutcome,
  type ConsensusMessage,
  type ReadOutcome,
} from '../../../../src/cluster/consensus/index.js';
import { RELIABLE_NETWORK, Simulation } from '../../../../src/cluster/sim/index.js';

const STATE: AcceptorState = {
  promised: { round: 7, proposer: 'n1~x' },
  accepted: { ballot: { round: 6, proposer: 'n2~y' }, instance: 4, value: '{"table":"t"}', id: 'n2~y.9' },
  committed: { version: 3, value: 'three', id: 'n3~z.1' },
};

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eon-consensus-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('MemoryAcceptorStore', () => {
  it('returns copies, so a caller cannot change what was saved', () => {
    const s = new MemoryAcceptorStore();
    expect(s.load('k')).toBeUndefined();
    const st = structuredClone(STATE);
    s.save('k', st);
    (st.committed as { version: number }).version = 99;
    expect(s.load('k')).toEqual(STATE);
    expect(s.keys()).toEqual(['k']);
  });
});

describe('LmdbAcceptorStore', () => {
  it('round-trips states per namespace and keeps them across a reopen', async () => {
    const dir = tempDir();
    let db = open({ path: dir, noSubdir: false });
    const catalog = new LmdbAcceptorStore(db, 'catalog');
    const names = new LmdbAcceptorStore(db, 'names');
    catalog.save('k', STATE);
    expect(catalog.load('k')).toEqual(STATE);
    expect(names.load('k')).toBeUndefined();
    names.save('k', ACCEPTOR_STATE_EMPTY);
    expect(catalog.load('k')).toEqual(STATE);
    await db.close();
    db = open({ path: dir, noSubdir: false });
    expect(new LmdbAcceptorStore(db, 'catalog').load('k')).toEqual(STATE);
    expect(new LmdbAcceptorStore(db, 'names').load('k')).toEqual(ACCEPTOR_STATE_EMPTY);
    await db.close();
  });

  it('refuses a namespace that could collide with another', () => {
    const db = open({ path: tempDir(), noSubdir: false });
    expect(() => new LmdbAcceptorStore(db, 'a\u0000b')).toThrow(/namespace/);
    void db.close();
  });

  it('an acceptor over LMDB answers only after its promise is on disk', async () => {
    const dir = tempDir();
    const db = open({ path: dir, noSubdir: false });
    const acceptor = new Acceptor(new LmdbAcceptorStore(db, 'ring'));
    const reply = acceptor.prepare({ v: 1, kind: 'prepare', key: 'r', ballot: { round: 5, proposer: 'p' } });
    expect(reply.ok).toBe(true);
    // A second handle on the same environment sees it at once: it was committed before the reply.
    const other = open({ path: dir, noSubdir: false });
    expect(new LmdbAcceptorStore(other, 'ring').load('r')?.promised).toEqual({ round: 5, proposer: 'p' });
    await other.close();
    await db.close();
  });

  it('runs a register whose acceptors share one LMDB database under separate namespaces, across a crash', async () => {
    const db = open({ path: tempDir(), noSubdir: false });
    const sim = new Simulation(21, RELIABLE_NETWORK);
    const acceptors = ['a0', 'a1', 'a2'];
    const nodes = new Map<string, ConsensusRegister>();
    const start = (id: string): void => {
      const reg = new ConsensusRegister({ self: id, runtime: sim.runtime(id), transport: sim.transport<ConsensusMessage>(id), store: new LmdbAcceptorStore(db, `names/${id}`) });
      nodes.set(id, reg);
      sim.register(id, reg.handle);
    };
    for (const id of [...acceptors, 'client']) start(id);
    let cas: CasOutcome | null = null;
    nodes.get('client')!.cas('user:ada', acceptors, 0, 'taken', (o) => (cas = o));
    sim.runFor(20);
    expect(cas).toEqual({ kind: 'applied', version: 1 });
    for (const id of acceptors) {
      sim.crash(id);
      start(id);
    }
    let read: ReadOutcome | null = null;
    nodes.get('client')!.read('user:ada', acceptors, (o) => (read = o));
    sim.runFor(20);
    expect(read).toEqual({ kind: 'current', current: { version: 1, value: 'taken' } });
    await db.close();
  });
});
