// Free TCP ports and bounded waits for servers that test suites start as child processes: the
// benchmark's helpers (bench/process.ts) serve both.
export { connectPollIntervalMs, freePort, sleep, waitForPort } from '../../bench/process.js';
