// Paxos ballots: (round, proposer) ordered lexicographically, so two proposers never share one and
// a proposer that sees a higher round can always pick a higher ballot.

export interface Ballot {
  readonly round: number;
  /** A proposer identity unique per proposer incarnation (node id plus a salt), so ballots stay unique across restarts. */
  readonly proposer: string;
}

/** Below every real ballot: an acceptor that never promised holds it. */
export const BALLOT_ZERO: Ballot = { round: 0, proposer: '' };

export function compareBallots(a: Ballot, b: Ballot): number {
  if (a.round !== b.round) return a.round < b.round ? -1 : 1;
  if (a.proposer === b.proposer) return 0;
  return a.proposer < b.proposer ? -1 : 1;
}

export function ballotsEqual(a: Ballot, b: Ballot): boolean {
  return a.round === b.round && a.proposer === b.proposer;
}

/** A map key for a ballot. */
export function ballotKey(b: Ballot): string {
  return `${b.round}\u0000${b.proposer}`;
}
