// Fragments on other nodes' data engines: coverage plans (which replica reads each partition of a
// statement's table), the fragment.run protocol, the server that answers it and the coordinator's
// client, which the query engine sees as its RemoteEngines.

export { COVERAGE_POLICIES, coverageCost, coveragePlan, type CoverageInput, type CoveragePolicy } from './coverage-plan.js';
export {
  FRAGMENT_ARGS_INLINE_BYTES_MAX,
  FRAGMENT_ARGS_RPC_TYPE,
  FRAGMENT_PROTOCOL_VERSION,
  FRAGMENT_RUN_RPC_TYPE,
  argsRequest,
  decodeArgs,
  decodeResult,
  decodeWork,
  encodeArgs,
  encodeResult,
  encodeWork,
  parseArgsRequest,
  parseRunReply,
  parseRunRequest,
  runRequest,
} from './messages.js';
export type { ArgsRequest, FragmentWork, RunRefusal, RunReply, RunRequest } from './messages.js';
export { FRAGMENT_ARGS_KEPT_BYTES_MAX, FRAGMENT_ARGS_KEPT_MAX, FRAGMENT_ARGS_KEPT_MS, FRAGMENT_HEAP_FRACTION_MAX, FRAGMENT_RESULT_BYTES_MAX, FragmentServer, FragmentStats, heapPressure, type FragmentHost } from './fragment-server.js';
export { FRAGMENT_REQUEST_TIMEOUT_MS, ClusterRemoteEngines, FragmentRefused, type FragmentCluster } from './remote-engines.js';
export { startFragments, type Fragments } from './fragment-service.js';
export { DIGEST_REQUEST_TIMEOUT_MS, DigestReads, DigestReadStats, REPAIRS_IN_FLIGHT_MAX, REPAIR_REQUEST_TIMEOUT_MS, ReadersUnavailable, type DigestCluster, type ScanRead } from './digest-reads.js';
