// `eon node leave` after its request is accepted: follows the leaving node's own view (its
// `leaving` and `handoffsOutstanding` figures) until it stops answering — it stops once every
// node taking its place has received its partitions, or after its handoff timeout — and says so.

import { LEAVE_HANDOFF_TIMEOUT_MS } from '../cluster/transfer/ownership-transfer.js';
import { STATUS_TIMEOUT_MS, readClusterView } from './status.js';

/** How often the leaving node is asked how far its handoff is. */
export const LEAVE_POLL_MS = 500;
/** The CLI waits this long past the node's own handoff timeout before giving up on seeing it stop. */
export const LEAVE_WAIT_SLACK_MS = 30_000;

export type LeaveOutcome = 'stopped' | 'still-running';

/** Polls the node at `http` until it no longer answers; reports handoff progress through `say`. */
export async function followLeave(
  http: string,
  password: string | undefined,
  say: (line: string) => void,
  waitMs: number = LEAVE_HANDOFF_TIMEOUT_MS + LEAVE_WAIT_SLACK_MS,
): Promise<LeaveOutcome> {
  const deadline = Date.now() + waitMs;
  let last: string | null = null;
  while (Date.now() < deadline) {
    let line: string;
    try {
      const view = await readClusterView(http, password, STATUS_TIMEOUT_MS);
      const self = view.members.find((m) => m.id === view.self);
      const outstanding = self?.stats.handoffsOutstanding;
      line = typeof outstanding === 'number' ? `handing off: ${outstanding} partition replicas not yet received by the nodes taking its place` : 'waiting for a ring without it';
    } catch {
      return 'stopped';
    }
    if (line !== last) say(line);
    last = line;
    await new Promise((resolve) => setTimeout(resolve, LEAVE_POLL_MS));
  }
  return 'still-running';
}
