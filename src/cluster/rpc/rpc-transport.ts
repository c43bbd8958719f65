// The bridge between the synchronous protocol state machines (SWIM, Paxos) and real sockets: a
// Transport<M> whose send is a one-way RPC message of one type, and the receiving half that
// validates arriving messages of that type and hands them to a MessageHandler<M>.

import type { MessageHandler, NodeId, Transport } from '../runtime.js';
import type { PeerPool } from './peer-pool.js';
import type { PeerServer } from './peer-server.js';

/** Sends each message as a one-way RPC of `type`; a node without an address is dropped and counted. */
export function rpcTransport<M>(pool: PeerPool, type: string, addressOf: (id: NodeId) => string | undefined): Transport<M> {
  return {
    send(to: NodeId, message: M): void {
      const address = addressOf(to);
      if (address === undefined) return pool.recordDrop('dropped_unknown_node');
      pool.send(address, type, message);
    },
  };
}

/**
 * Delivers one-way messages of `type` to handler, with `from` the authenticated node id of the
 * sender. A body that fails isMessage is dropped and counted (`invalid`), never delivered.
 */
export function routeMessages<M>(
  server: PeerServer,
  type: string,
  isMessage: (body: unknown) => body is M,
  handler: MessageHandler<M>,
  invalid: () => void = () => {},
): void {
  server.onMessage(type, (body, from) => {
    if (!isMessage(body)) return invalid();
    handler(from, body);
  });
}
