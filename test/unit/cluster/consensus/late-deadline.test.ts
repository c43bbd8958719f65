// A deadline that fires late because this process was not running (a long statement on the event
// loop) must not fail an operation whose replies are queued behind it: Node runs due timers before
// the I/O that arrived meanwhile, which the simulation (in-order replay after a pause) does not model.
import { describe, expect, it } from 'vitest';
import { CAS_STALLED_MS_MAX, CAS_TIMEOUT_MS, ConsensusRegister, DEADLINE_LATE_MS, MemoryAcceptorStore, type CasOutcome, type ConsensusMessage } from '../../../../src/cluster/consensus/index.js';
import type { NodeId, Runtime } from '../../../../src/cluster/runtime.js';

/** One node that is proposer and acceptor, with a clock, timers and a mailbox the test drives. */
class StalledNode {
  now = 0;
  private timers: { due: number; fn: () => void; cancelled: boolean }[] = [];
  private mailbox: { from: NodeId; message: ConsensusMessage }[] = [];
  readonly register: ConsensusRegister;

  constructor() {
    const runtime: Runtime = {
      clock: { now: () => this.now },
      scheduler: {
        after: (ms, fn) => {
          const t = { due: this.now + ms, fn, cancelled: false };
          this.timers.push(t);
          return { cancel: () => void (t.cancelled = true) };
        },
      },
      random: { next: () => 0.5, int: (n) => Math.floor(n / 2) },
    };
    this.register = new ConsensusRegister({
      self: 'a0',
      runtime,
      transport: { send: (_to, message) => this.mailbox.push({ from: 'a0', message }) },
      store: new MemoryAcceptorStore(),
    });
  }

  /** Runs the timers due now, in due order (what Node does first after a stall). */
  fireDueTimers(): void {
    for (;;) {
      const due = this.timers.filter((t) => !t.cancelled && t.due <= this.now).sort((a, b) => a.due - b.due)[0];
      if (due === undefined) return;
      due.cancelled = true;
      due.fn();
    }
  }

  /** Delivers queued messages (and the ones they cause), bounded. */
  deliverAll(): void {
    for (let i = 0; i < 1_000 && this.mailbox.length > 0; i++) {
      const m = this.mailbox.shift()!;
      this.register.handle(m.from, m.message);
    }
  }
}

describe('a CAS whose process stalled past its deadline', () => {
  it('is answered from the replies queued behind the late timer, not failed', () => {
    const node = new StalledNode();
    let outcome: CasOutcome | undefined;
    node.register.cas('catalog', ['a0'], 0, 'v1', (o) => (outcome = o));
    // The event loop was held for three deadlines' worth; the prepare sits in the mailbox.
    node.now = CAS_TIMEOUT_MS * 3 + DEADLINE_LATE_MS;
    node.fireDueTimers();
    expect(outcome).toBeUndefined();
    // The loop runs again: queued replies, then retries, within the extended deadline.
    const extendedEnd = node.now + CAS_TIMEOUT_MS;
    while (outcome === undefined && node.now < extendedEnd) {
      node.deliverAll();
      node.now += 1;
      node.fireDueTimers();
    }
    expect(outcome).toEqual({ kind: 'applied', version: 1 });
    expect(node.now).toBeLessThan(extendedEnd);
  });

  it('is extended again by a second stall, but not past CAS_STALLED_MS_MAX', () => {
    const node = new StalledNode();
    let outcome: CasOutcome | undefined;
    node.register.cas('catalog', ['a0', 'a1', 'a2'], 0, 'v1', (o) => (outcome = o));
    node.now = CAS_TIMEOUT_MS * 2 + DEADLINE_LATE_MS * 2;
    node.fireDueTimers();
    node.now += CAS_TIMEOUT_MS * 2 + DEADLINE_LATE_MS * 2; // stalled again
    node.fireDueTimers();
    expect(outcome).toBeUndefined();
    node.now = CAS_STALLED_MS_MAX + CAS_TIMEOUT_MS * 2; // stalled for good: no majority will come
    node.fireDueTimers();
    expect(outcome?.kind).toBe('unavailable');
  });

  it('still fails once the extended deadline passes without a majority', () => {
    const node = new StalledNode();
    let outcome: CasOutcome | undefined;
    node.register.cas('catalog', ['a0', 'a1', 'a2'], 0, 'v1', (o) => (outcome = o));
    node.now = CAS_TIMEOUT_MS * 3;
    node.fireDueTimers();
    node.deliverAll(); // only a0 answers: a1 and a2 are gone
    expect(outcome).toBeUndefined();
    node.now += CAS_TIMEOUT_MS;
    node.fireDueTimers();
    expect(outcome?.kind).toBe('unavailable');
  });
});
