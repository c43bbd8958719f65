// The linearizable compare-and-set register (single-decree Paxos per key and version) shared by
// catalog changes, ring changes and the namestore. An uncontended CAS answers after 2 round trips
// (5n messages with the asynchronous commit), a read after 1 (2n); see proposer.ts.

export { BALLOT_ZERO, ballotKey, ballotsEqual, compareBallots } from './ballot.js';
export type { Ballot } from './ballot.js';
export {
  COMMITTED_ABSENT,
  CONSENSUS_ID_CHARS_MAX,
  CONSENSUS_KEY_CHARS_MAX,
  CONSENSUS_PROTOCOL_VERSION,
  CONSENSUS_VALUE_CHARS_MAX,
  validateConsensusMessage,
} from './messages.js';
export type {
  AcceptedMessage,
  Committed,
  CommitMessage,
  ConsensusMessage,
  ConsensusValue,
  PrepareMessage,
  PromiseMessage,
  Proposal,
  ProposeMessage,
  Versioned,
} from './messages.js';
export { ACCEPTOR_STATE_EMPTY, LmdbAcceptorStore, MemoryAcceptorStore } from './acceptor-store.js';
export type { AcceptorDatabase, AcceptorState, AcceptorStore } from './acceptor-store.js';
export { Acceptor } from './acceptor.js';
export { BACKOFF_BASE_MS, BACKOFF_MAX_MS, CAS_ATTEMPTS_MAX, CAS_STALLED_MS_MAX, CAS_TIMEOUT_MS, DEADLINE_LATE_MS, Proposer, REPLICAS_MAX, ROUND_TIMEOUT_MS } from './proposer.js';
export type { CasOutcome, ReadOutcome } from './proposer.js';
export { ConsensusRegister, casAsync, readAsync } from './register.js';
export { consensusOutcomeError } from './outcome-error.js';
export type { ConsensusRegisterOptions, ConsensusRegisterStats } from './register.js';
