// The consensus wire protocol (version 1): prepare/promise, propose/accepted and commit for one
// key, as an immutable kind-tagged union, and the validator every arriving message passes.

import type { Ballot } from './ballot.js';

export const CONSENSUS_PROTOCOL_VERSION = 1;
/** Longest register key, in UTF-16 code units. */
export const CONSENSUS_KEY_CHARS_MAX = 1024;
/** Longest register value, in UTF-16 code units (1 Mi): registers hold catalog entries and names, not data. */
export const CONSENSUS_VALUE_CHARS_MAX = 1024 * 1024;
/** Longest proposer or proposal id, in UTF-16 code units. */
export const CONSENSUS_ID_CHARS_MAX = 256;

/** A register's value: a string the caller encodes (JSON, base64, a name), or null for "absent". */
export type ConsensusValue = string | null;

/** What a caller sees of a register: version 0 is the absent register (value null). */
export interface Versioned {
  readonly version: number;
  readonly value: ConsensusValue;
}

/** A committed version, with the id of the proposal that wrote it (null for version 0), so a proposer recognises its own write. */
export interface Committed extends Versioned {
  readonly id: string | null;
}

/** An accepted proposal for Paxos instance `instance` (= the version it would create). */
export interface Proposal {
  readonly ballot: Ballot;
  readonly instance: number;
  readonly value: ConsensusValue;
  /** Unique per proposal; identifies the CAS that proposed it. */
  readonly id: string;
}

export const COMMITTED_ABSENT: Committed = { version: 0, value: null, id: null };

export interface PrepareMessage {
  readonly v: typeof CONSENSUS_PROTOCOL_VERSION;
  readonly kind: 'prepare';
  readonly key: string;
  readonly ballot: Ballot;
}

export interface PromiseMessage {
  readonly v: typeof CONSENSUS_PROTOCOL_VERSION;
  readonly kind: 'promise';
  readonly key: string;
  /** The prepare's ballot, echoed. */
  readonly ballot: Ballot;
  /** false: the acceptor had promised a higher ballot (`promised`). */
  readonly ok: boolean;
  readonly promised: Ballot;
  /** The acceptor's accepted proposal for instance committed.version + 1, if any. */
  readonly accepted: Proposal | null;
  readonly committed: Committed;
}

export interface ProposeMessage {
  readonly v: typeof CONSENSUS_PROTOCOL_VERSION;
  readonly kind: 'propose';
  readonly key: string;
  readonly proposal: Proposal;
  /** The committed version proposal.instance - 1, so a lagging acceptor catches up in the same message. */
  readonly prior: Committed;
}

export interface AcceptedMessage {
  readonly v: typeof CONSENSUS_PROTOCOL_VERSION;
  readonly kind: 'accepted';
  readonly key: string;
  /** The proposal's ballot and instance, echoed. */
  readonly ballot: Ballot;
  readonly instance: number;
  /** false: a higher ballot was promised, or the instance was already decided. */
  readonly ok: boolean;
  readonly promised: Ballot;
  readonly committed: Committed;
}

export interface CommitMessage {
  readonly v: typeof CONSENSUS_PROTOCOL_VERSION;
  readonly kind: 'commit';
  readonly key: string;
  readonly committed: Committed;
}

export type ConsensusMessage = PrepareMessage | PromiseMessage | ProposeMessage | AcceptedMessage | CommitMessage;

type Fields = Record<string, unknown>;

function isObject(x: unknown): x is Fields {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function isShortString(x: unknown, max: number): x is string {
  return typeof x === 'string' && x.length <= max;
}

function isValue(x: unknown): x is ConsensusValue {
  return x === null || isShortString(x, CONSENSUS_VALUE_CHARS_MAX);
}

function isBallot(x: unknown): x is Ballot {
  return isObject(x) && isCount(x.round) && isShortString(x.proposer, CONSENSUS_ID_CHARS_MAX);
}

function isCommitted(x: unknown): x is Committed {
  if (!isObject(x) || !isCount(x.version) || !isValue(x.value)) return false;
  return x.version === 0 ? x.id === null && x.value === null : isShortString(x.id, CONSENSUS_ID_CHARS_MAX);
}

function isProposal(x: unknown): x is Proposal {
  return isObject(x) && isBallot(x.ballot) && isCount(x.instance) && x.instance >= 1 && isValue(x.value) && isShortString(x.id, CONSENSUS_ID_CHARS_MAX);
}

/** The message if x is a well-formed version-1 consensus message, else null (the caller drops and counts it). */
export function validateConsensusMessage(x: unknown): ConsensusMessage | null {
  if (!isObject(x) || x.v !== CONSENSUS_PROTOCOL_VERSION || !isShortString(x.key, CONSENSUS_KEY_CHARS_MAX)) return null;
  const kind = x.kind;
  switch (kind) {
    case 'prepare':
      return isBallot(x.ballot) ? (x as unknown as PrepareMessage) : null;
    case 'promise':
      return isBallot(x.ballot) && typeof x.ok === 'boolean' && isBallot(x.promised) && (x.accepted === null || isProposal(x.accepted)) && isCommitted(x.committed)
        ? (x as unknown as PromiseMessage)
        : null;
    case 'propose':
      return isProposal(x.proposal) && isCommitted(x.prior) && x.prior.version === x.proposal.instance - 1 ? (x as unknown as ProposeMessage) : null;
    case 'accepted':
      return isBallot(x.ballot) && isCount(x.instance) && typeof x.ok === 'boolean' && isBallot(x.promised) && isCommitted(x.committed)
        ? (x as unknown as AcceptedMessage)
        : null;
    case 'commit':
      return isCommitted(x.committed) && x.committed.version >= 1 ? (x as unknown as CommitMessage) : null;
    default:
      return null;
  }
}
