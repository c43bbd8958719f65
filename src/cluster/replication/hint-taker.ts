// The fallback's side of sloppy quorum: validates a replica.hint request and keeps its apply
// request durably as a hint for the down replica it names, before answering; its hint replayer
// hands it over once that replica is back. A hint naming this node itself (the coordinator
// thought it down) is simply applied.

import { EonError } from '../../errors/index.js';
import type { NodeId } from '../runtime.js';
import { REPLICA_HINT_PROTOCOL_VERSION, REPLICA_HINT_RPC_TYPE, parseHintRequest } from './hint-messages.js';
import type { HintReply, ReceivedHint } from './hint-messages.js';
import type { ApplyReply, ApplyRequest } from './messages.js';
import type { ReplicationStats } from './stats.js';

/** Where taken hints are kept (src/cluster/handoff's HintStore). */
export interface DurableHints {
  /** Resolves once the hint is on disk; false when the target has too many hints already. */
  addDurable(target: NodeId, request: unknown): Promise<boolean>;
}

export interface HintTakerOptions {
  readonly self: NodeId;
  readonly hints: DurableHints;
  /** Whether the node is a member this node knows (a hint for a stranger could never be handed over). */
  readonly isMember: (id: NodeId) => boolean;
  /** Applies a request to this node's own store (the replica.apply handler). */
  readonly applyLocal: (request: ApplyRequest) => Promise<ApplyReply>;
  readonly stats: ReplicationStats;
}

export class HintTaker {
  constructor(private readonly o: HintTakerOptions) {}

  /** Handles one replica.hint body. Malformed requests are counted and refused (protocol_violation). */
  async take(body: unknown): Promise<HintReply> {
    let hint: ReceivedHint;
    try {
      hint = parseHintRequest(body);
    } catch (e) {
      this.o.stats.malformed++;
      if (e instanceof EonError && e.code === 'protocol_violation') throw e;
      throw new EonError('protocol_violation', `malformed ${REPLICA_HINT_RPC_TYPE} message: ${e instanceof Error ? e.message : String(e)}`);
    }
    const { standsInFor, request, body: wire } = hint;
    if (standsInFor === this.o.self) {
      // This node is the replica itself: it holds the write once it applied every table of it.
      const reply = await this.o.applyLocal(request);
      return reply.refused.length === 0 ? stored(true) : stored(false);
    }
    if (!this.o.isMember(standsInFor)) return stored(false);
    // Kept as it came (an older or newer build's format alike), so the replica parses it as sent.
    const kept = await this.o.hints.addDurable(standsInFor, wire);
    if (kept) this.o.stats.hintsTaken++;
    return stored(kept);
  }
}

function stored(value: boolean): HintReply {
  return { kind: 'hinted', v: REPLICA_HINT_PROTOCOL_VERSION, stored: value };
}
