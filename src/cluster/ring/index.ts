// The ring: ring state and its JSON form, the claim function, ring-size guidance, preference
// lists with sloppy-quorum fallbacks, replica-spread counting and the claim simulation.

export {
  BALANCE_MAX_OVER_AVG, BALANCE_NODES_MIN, PARTITIONS_PER_NODE_MIN, RING_SIZE_DEFAULT, RING_SIZE_DEFAULT_NODES_MAX,
  RING_SIZE_MAX, RING_SIZE_MIN, checkRingSize, isRingSize, ringSizeFor, ringSizeTable,
} from './ring-size.js';
export type { RingSizeRange } from './ring-size.js';
export {
  NODE_ID_CHARS_MAX, RING_FORMAT_VERSION, RING_MEMBERS_MAX, RingState, WEIGHT_DEFAULT, WEIGHT_MAX, compareNodeIds,
  decodeRing, encodeRing, isValidNodeId, isValidWeight, partitionsMoved, sameAssignment,
} from './ring-state.js';
export type { RingDecodeResult, RingJson } from './ring-state.js';
export { TARGET_N, effectiveTargetN, targetNViolations, windowRepeats } from './replica-spread.js';
export { CLAIM_CANDIDATES_PER_DONOR, CLAIM_FULL_SCAN_PARTITIONS_MAX, CLAIM_TIED_NODES_MAX, SPREAD_REPAIR_EVALUATIONS_MAX, claim } from './claim.js';
export {
  REPLICAS_DEFAULT, clampReplicas, fallbackCandidates, partitionsHeldBy, preferenceList, replicaSet, replicaTable,
} from './preference-list.js';
export type { Fallback, PreferenceList } from './preference-list.js';
export { SIMULATION_NODES_MAX, claimBalanceReport, simulateClaim, simulatedNodeId } from './claim-simulation.js';
export type { ClaimBalanceRow, ClaimChange, ClaimSimulationOptions } from './claim-simulation.js';
