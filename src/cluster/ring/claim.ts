// The claim function: a pure, deterministic map from (current ring, member weights) to the next
// ring. It founds a ring with owners cycling round the members, and on joins, leaves and weight
// changes moves the fewest partitions that bring every node within one partition of its
// weighted share, choosing which partitions to move so that TARGET_N consecutive partitions keep
// distinct owners (Riak's target_n_val) and a node's partitions spread round the ring.

import { EonError } from '../../errors/index.js';
import type { NodeId } from '../runtime.js';
import { effectiveTargetN } from './replica-spread.js';
import { RING_SIZE_DEFAULT, checkRingSize } from './ring-size.js';
import { RingState, compareNodeIds, isValidNodeId, isValidWeight } from './ring-state.js';

/** Partitions of one donor looked at per move, sampled evenly over its partitions... */
export const CLAIM_CANDIDATES_PER_DONOR = 16;
/** ...unless it owns at most this many: then all of them (small rings get the best spread). */
export const CLAIM_FULL_SCAN_PARTITIONS_MAX = 64;
/** Equally loaded donors (or receivers) considered per move: more choice, better spread. */
export const CLAIM_TIED_NODES_MAX = 16;
/** Swap candidates the founding spread repair may evaluate, in all (bounds huge rings). */
export const SPREAD_REPAIR_EVALUATIONS_MAX = 1 << 16;
/** Slack when comparing fractional targets (weights are floats). */
const targetEpsilon = 1e-9;

/** One node's share and holdings while a claim is computed. Ex-members have target 0. */
interface Slot {
  readonly id: NodeId;
  readonly member: boolean;
  readonly target: number;
  readonly lo: number;
  readonly hi: number;
  /** Owned partitions, ascending. */
  readonly parts: number[];
}

/**
 * The next ring for `members` (node id → weight). `current` null founds a ring of `q` partitions
 * (default RING_SIZE_DEFAULT); otherwise `q`, if given, must equal the current size — changing Q
 * makes a new cluster. Same inputs, same ring: Map insertion order does not matter. Returns
 * `current` itself when nothing changes; otherwise the version is bumped.
 */
export function claim(current: RingState | null, members: ReadonlyMap<NodeId, number>, q?: number): RingState {
  const weights = checkedMembers(members);
  if (current === null) {
    const partitions = checkRingSize(q ?? RING_SIZE_DEFAULT);
    // Founding shares are exact, so there is nothing to balance; the repair keeps counts.
    const owners = foundingOwners(partitions, weights);
    repairSpread(owners, weights.size);
    return new RingState(partitions, owners, weights, 1);
  }
  if (q !== undefined && q !== current.partitions) {
    throw new EonError(
      'invalid_parameter_value',
      `the ring has ${current.partitions} partitions; changing the ring size (to ${q}) makes a new cluster`,
    );
  }
  const owners = [...current.owners];
  const slots = slotsFor(current.partitions, current.ownedIndex(), weights);
  const moved = balance(owners, slots, weights.size);
  if (moved === 0 && sameWeights(current.members, weights)) return current;
  return new RingState(current.partitions, owners, weights, current.version + 1, ownedOf(slots));
}

function sameWeights(a: ReadonlyMap<NodeId, number>, b: ReadonlyMap<NodeId, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, w] of a) if (b.get(id) !== w) return false;
  return true;
}

/** The members in id order, each weight checked. */
function checkedMembers(members: ReadonlyMap<NodeId, number>): Map<NodeId, number> {
  if (members.size === 0) throw new Error('claim: a ring needs at least one member');
  const out = new Map<NodeId, number>();
  const ids = [...members.keys()];
  if (!ids.every((id, i) => i === 0 || compareNodeIds(ids[i - 1]!, id) < 0)) ids.sort(compareNodeIds);
  for (const id of ids) {
    if (!isValidNodeId(id)) throw new Error(`claim: bad node id ${JSON.stringify(id)}`);
    const w = members.get(id);
    if (!isValidWeight(w)) {
      throw new EonError('invalid_parameter_value', `node ${id}: weight must be a positive number, got ${String(w)}`);
    }
    out.set(id, w);
  }
  return out;
}

/** Integer shares summing to q, proportional to weight (largest remainder, ties in id order). */
function quotas(q: number, weights: ReadonlyMap<NodeId, number>): number[] {
  const ws = [...weights.values()];
  const total = ws.reduce((a, b) => a + b, 0);
  const exact = ws.map((w) => (q * w) / total);
  const out = exact.map((t) => Math.floor(t + targetEpsilon));
  let rest = q - out.reduce((a, b) => a + b, 0);
  const byFraction = exact.map((t, i) => ({ i, f: t - Math.floor(t + targetEpsilon) }))
    .sort((a, b) => b.f - a.f || a.i - b.i);
  for (let k = 0; rest > 0; k = (k + 1) % byFraction.length, rest--) out[byFraction[k]!.i]!++;
  return out;
}

/**
 * Founding: each node's partitions at evenly spaced points round the ring (its k-th at
 * (k + (i + ½)/n) / share of the way round), merged in order. Equal shares (n divides Q) give
 * p mod n in id order; unequal ones keep every node's partitions about Q/share apart, wrap
 * included, where plain p mod n would put two of a node's partitions side by side across it.
 */
function foundingOwners(q: number, weights: ReadonlyMap<NodeId, number>): NodeId[] {
  const ids = [...weights.keys()];
  const share = quotas(q, weights);
  const n = ids.length;
  const node = new Uint32Array(q);
  const at = new Float64Array(q);
  let slot = 0;
  for (let i = 0; i < n; i++) {
    const c = share[i]!;
    for (let k = 0; k < c; k++, slot++) {
      node[slot] = i;
      at[slot] = (k + (i + 0.5) / n) / c;
    }
  }
  const order = Array.from({ length: q }, (_, j) => j);
  order.sort((x, y) => at[x]! - at[y]! || node[x]! - node[y]!);
  return order.map((j) => ids[node[j]!]!);
}

/** Each member's share and holdings; owners no longer members get a slot with share 0. */
function slotsFor(
  q: number,
  owned: ReadonlyMap<NodeId, readonly number[]>,
  weights: ReadonlyMap<NodeId, number>,
): Map<NodeId, Slot> {
  let total = 0;
  for (const w of weights.values()) total += w;
  const slots = new Map<NodeId, Slot>();
  for (const [id, w] of weights) {
    const target = (q * w) / total;
    slots.set(id, {
      id, member: true, target,
      lo: Math.floor(target + targetEpsilon), hi: Math.ceil(target - targetEpsilon), parts: [...(owned.get(id) ?? [])],
    });
  }
  // A former member keeps its partitions until the balance below hands them over; in id order so
  // the outcome does not depend on how the index was built.
  const formers = [...owned.keys()].filter((id) => !weights.has(id)).sort(compareNodeIds);
  for (const id of formers) slots.set(id, { id, member: false, target: 0, lo: 0, hi: 0, parts: [...owned.get(id)!] });
  return slots;
}

/** The final holdings of the members, for the new ring's index. */
function ownedOf(slots: ReadonlyMap<NodeId, Slot>): Map<NodeId, readonly number[]> {
  const out = new Map<NodeId, readonly number[]>();
  for (const s of slots.values()) if (s.parts.length > 0) out.set(s.id, s.parts);
  return out;
}

/**
 * Moves partitions one at a time until every member holds between floor and ceil of its share
 * and former members hold nothing. A move goes from the most over-share node to the most
 * under-share one, so every move is necessary: a join moves about Q/(n+1), a leave the leaver's.
 */
function balance(owners: NodeId[], slots: Map<NodeId, Slot>, memberCount: number): number {
  const all = [...slots.values()];
  const width = effectiveTargetN(memberCount);
  let moved = 0;
  // Each move shrinks the total distance outside the bands by at least one: bounded by 2·Q.
  for (let guard = 2 * owners.length + 1; guard > 0; guard--) {
    let anyUnder = false;
    let anyOver = false;
    for (const s of all) {
      if (s.member && s.parts.length < s.lo) anyUnder = true;
      if (s.parts.length > s.hi) anyOver = true;
    }
    if (!anyUnder && !anyOver) return moved;
    const donors = tiedBest(all, (s) => (anyOver ? s.parts.length > s.hi : s.parts.length > s.lo), (s) => s.parts.length - s.target);
    const receivers = tiedBest(
      all,
      (s) => s.member && (anyUnder ? s.parts.length < s.lo : s.parts.length < s.hi),
      (s) => s.target - s.parts.length,
    );
    if (donors.length === 0 || receivers.length === 0) return moved;
    const move = bestMove(owners, donors, receivers, width, moved);
    const { donor, receiver, partition } = move;
    owners[partition] = receiver.id;
    donor.parts.splice(lowerBound(donor.parts, partition), 1);
    receiver.parts.splice(lowerBound(receiver.parts, partition), 0, partition);
    moved++;
  }
  throw new Error('claim: balance did not converge');
}

/** The eligible slots sharing the highest score (up to CLAIM_TIED_NODES_MAX, in slot order). */
function tiedBest(slots: readonly Slot[], eligible: (s: Slot) => boolean, score: (s: Slot) => number): Slot[] {
  let best = -Infinity;
  for (const s of slots) if (eligible(s)) best = Math.max(best, score(s));
  const out: Slot[] = [];
  for (const s of slots) {
    if (!eligible(s) || score(s) < best - targetEpsilon) continue;
    out.push(s);
    if (out.length === CLAIM_TIED_NODES_MAX) break;
  }
  return out;
}

interface Move {
  readonly donor: Slot;
  readonly receiver: Slot;
  readonly partition: number;
}

/**
 * Of a sample of each donor's partitions, the one whose move breaks the fewest TARGET_N windows
 * (or mends the most), then the one farthest from the receiver's own partitions (spreads them).
 */
function bestMove(owners: NodeId[], donors: readonly Slot[], receivers: readonly Slot[], width: number, round: number): Move {
  let best: Move | undefined;
  let bestDelta = Infinity;
  let bestGap = -1;
  for (const donor of donors) {
    const parts = donor.parts;
    const step = parts.length <= CLAIM_FULL_SCAN_PARTITIONS_MAX ? 1 : parts.length / CLAIM_CANDIDATES_PER_DONOR;
    // The sample's offset turns with each move so successive moves look at different partitions.
    const offset = step === 1 ? 0 : (round * 0.618034 * step) % step;
    for (let k = 0; k * step + offset < parts.length; k++) {
      const partition = parts[Math.floor(k * step + offset)]!;
      for (const receiver of receivers) {
        const delta = windowDelta(owners, partition, receiver.id, width);
        if (delta > bestDelta) continue;
        const gap = gapTo(receiver.parts, partition, owners.length);
        if (delta < bestDelta || gap > bestGap) {
          best = { donor, receiver, partition };
          bestDelta = delta;
          bestGap = gap;
        }
      }
    }
  }
  if (best === undefined) throw new Error('claim: no move from a donor with partitions');
  return best;
}

/**
 * Change in same-owner pairs closer than `width` if partition p passed to `to`: the pairs it
 * breaks with its old owner's nearby partitions minus those it makes with the new owner's. Each
 * such pair is what makes a TARGET_N window repeat, and counting them is O(width).
 */
function windowDelta(owners: readonly NodeId[], p: number, to: NodeId, width: number): number {
  const q = owners.length;
  const from = owners[p]!;
  let delta = 0;
  for (let d = 1; d < width; d++) {
    const before = owners[(p - d + q) % q];
    const after = owners[(p + d) % q];
    if (before === to) delta++;
    if (after === to) delta++;
    if (before === from) delta--;
    if (after === from) delta--;
  }
  return delta;
}

/** Clockwise-or-back distance from p to the nearest of `parts` (sorted); q if there are none. */
function gapTo(parts: readonly number[], p: number, q: number): number {
  if (parts.length === 0) return q;
  const i = lowerBound(parts, p);
  const next = parts[i % parts.length]!;
  const prev = parts[(i - 1 + parts.length) % parts.length]!;
  return Math.min((next - p + q) % q, (p - prev + q) % q);
}

/** First index in sorted `xs` whose value is ≥ x. */
function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Founding only (no data yet, so swaps are free): where a partition's owner also owns one fewer
 * than TARGET_N away, swap its owner with a farther partition's when that breaks fewer close
 * pairs than it mends. Counts per node are unchanged; evaluations are bounded. (Tried after joins
 * too, with a swap allowance: greedy swaps cost moves and did not lower violations.)
 */
function repairSpread(owners: NodeId[], memberCount: number): void {
  const width = effectiveTargetN(memberCount);
  if (width <= 1) return;
  const q = owners.length;
  let budget = SPREAD_REPAIR_EVALUATIONS_MAX;
  for (let p = 0; p < q && budget > 0; p++) {
    if (!hasCloseTwin(owners, p, width)) continue;
    // Skip partners within 2·width of p: their windows overlap p's and the pair count would lie.
    for (let k = 2 * width; k <= q - 2 * width && budget > 0; k++, budget--) {
      const r = (p + k) % q;
      const a = owners[p]!;
      const b = owners[r]!;
      if (a === b) continue;
      if (windowDelta(owners, p, b, width) + windowDelta(owners, r, a, width) < 0) {
        owners[p] = b;
        owners[r] = a;
        break;
      }
    }
  }
}

/** True when p's owner owns another partition fewer than `width` away. */
function hasCloseTwin(owners: readonly NodeId[], p: number, width: number): boolean {
  const q = owners.length;
  const o = owners[p];
  for (let d = 1; d < width; d++) if (owners[(p + d) % q] === o || owners[(p - d + q) % q] === o) return true;
  return false;
}
