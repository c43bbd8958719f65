// oneSettledRing / transfersSettled: what tests and benches wait for before writing or cutting
// links — one decided ring, every member alive in it, every member holding what it was given.

import { describe, expect, it } from 'vitest';
import { oneSettledRing, transfersSettled } from '../../../../src/cluster/view/cluster-view.js';
import type { ClusterView, MemberView } from '../../../../src/cluster/view/cluster-view.js';

function member(id: string, stats: MemberView['stats'], over: Partial<MemberView> = {}): MemberView {
  return { id, peer: `127.0.0.1:${id}`, state: 'alive', incarnation: 0, pgPort: null, httpPort: null, partitionsOwned: 4, partitionsHeld: 8, stats, ...over };
}

const ready = (version: number): MemberView['stats'] => ({ ringReady: version, transfersPending: 0, transfersActive: 0 });

function view(self: string, ringVersion: number, members: MemberView[]): ClusterView {
  return { self, partitions: 8, replicas: 3, ringVersion, members };
}

describe('a settled ring', () => {
  const settled = (id: string): ClusterView => view(id, 5, [member('a', ready(5)), member('b', ready(5))]);

  it('holds when every node uses one ring and every member has received its partitions', () => {
    expect(oneSettledRing([settled('a'), settled('b')], 2)).toBe(true);
    expect(transfersSettled([settled('a'), settled('b')])).toBe(true);
  });

  it('does not hold while a member still receives partitions of the ring in use', () => {
    const pulling = view('a', 5, [member('a', ready(5)), member('b', { ringReady: 4, transfersPending: 3, transfersActive: 1 })]);
    expect(oneSettledRing([pulling, settled('b')], 2)).toBe(false);
    const active = view('a', 5, [member('a', ready(5)), member('b', { ringReady: 5, transfersPending: 0, transfersActive: 1 })]);
    expect(transfersSettled([active])).toBe(false);
  });

  it('does not hold when the nodes use different rings, or none is decided', () => {
    expect(oneSettledRing([settled('a'), view('b', 6, [member('a', ready(6)), member('b', ready(6))])], 2)).toBe(false);
    expect(oneSettledRing([view('a', 0, [member('a', ready(0)), member('b', ready(0))])], 2)).toBe(false);
  });

  it('does not hold while a node does not answer, a member is missing or not alive, or owns nothing', () => {
    expect(oneSettledRing([settled('a'), null], 2)).toBe(false);
    expect(oneSettledRing([settled('a')], 3)).toBe(false);
    expect(oneSettledRing([view('a', 5, [member('a', ready(5)), member('b', ready(5), { state: 'suspect' })])], 2)).toBe(false);
    expect(oneSettledRing([view('a', 5, [member('a', ready(5)), member('b', ready(5), { partitionsOwned: 0 })])], 2)).toBe(false);
  });

  it('ignores dead members when only transfers are asked about', () => {
    expect(transfersSettled([view('a', 5, [member('a', ready(5)), member('c', {}, { state: 'dead' })])])).toBe(true);
  });
});
