// Suite `names` (issue 15's figures): registrations per second and p50/p99 latency of the namestore
// on three eon processes on loopback through POST /v1/names/{name} — one client, many uncontended
// clients, 8 clients racing per name, and the same uncontended load with one of three nodes killed.

import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { oneSettledRing } from '../../src/cluster/view/cluster-view.js';
import { readClusterView } from '../../src/cli/status.js';
import { startLocalNode, stopLocalNode } from '../../src/cli/local-cluster.js';
import type { LocalNode } from '../../src/cli/local-cluster.js';
import type { LocalClusterConfig } from '../../src/cli/args.js';
import { freePort, onInterrupt, sleep } from '../process.js';
import { formatNumber, machineInfo } from '../report.js';
import type { ReportTable, SuiteReport } from '../report.js';
import { percentile } from '../stats.js';
import type { Suite, SuiteOptions } from '../suite.js';

/** Real nodes (every name's replica set is all three). */
const NODES = 3;
/** Concurrent clients of the uncontended runs (spread over the nodes). */
export const UNCONTENDED_CLIENTS = 16;
/** Registrations per client in each uncontended run. */
export const REGISTRATIONS_PER_CLIENT = 100;
/** Sequential registrations of the one-client run. */
export const SINGLE_CLIENT_REGISTRATIONS = 300;
/** Clients racing for each name in the contended run. */
export const RACERS_PER_NAME = 8;
/** Names raced for in the contended run (one race at a time per racing group). */
export const CONTENDED_NAMES = 100;
/** Racing groups running at once. */
const CONTENDED_GROUPS = 2;
/** Waits for the cluster to form, bounded. */
const FORM_WAIT_MS = 60_000;
/** One poll of a node's view gives up after this long. */
const VIEW_TIMEOUT_MS = 2_000;
const REQUEST_TIMEOUT_MS = 10_000;

interface Sample {
  readonly ms: number;
  /** 'registered' (201), 'taken' (409 with taken:false), else the error's SQLSTATE or HTTP status. */
  readonly outcome: string;
}

interface Run {
  readonly label: string;
  readonly samples: Sample[];
  readonly wallMs: number;
}

async function post(node: LocalNode, name: string): Promise<Sample> {
  const t0 = performance.now();
  try {
    const r = await fetch(`http://127.0.0.1:${node.httpPort}/v1/names/${encodeURIComponent(name)}`, { method: 'POST', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const body = (await r.json().catch(() => null)) as { taken?: unknown; error?: { code?: string } } | null;
    const ms = performance.now() - t0;
    if (r.status === 201) return { ms, outcome: 'registered' };
    if (r.status === 409 && body?.taken === false) return { ms, outcome: 'taken' };
    return { ms, outcome: `${r.status} ${body?.error?.code ?? ''}`.trim() };
  } catch {
    return { ms: performance.now() - t0, outcome: 'no answer' };
  }
}

/** Waits until the nodes see each other alive on one decided ring (names are placed by it). */
async function allAlive(nodes: readonly LocalNode[]): Promise<void> {
  const deadline = Date.now() + FORM_WAIT_MS;
  while (Date.now() < deadline) {
    const views = await Promise.all(nodes.map((n) => readClusterView(`127.0.0.1:${n.httpPort}`, undefined, VIEW_TIMEOUT_MS).catch(() => null)));
    if (oneSettledRing(views, nodes.length)) return;
    await sleep(100);
  }
  throw new Error(`the ${nodes.length} nodes did not settle on one ring within ${FORM_WAIT_MS} ms`);
}

/** `clients` loops, client c on node c % nodes, each registering `each` fresh names. */
async function uncontended(label: string, nodes: readonly LocalNode[], clients: number, each: number, prefix: string): Promise<Run> {
  const samples: Sample[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; i < each; i++) samples.push(await post(nodes[c % nodes.length]!, `${prefix}:${c}:${i}`));
    }),
  );
  return { label, samples, wallMs: performance.now() - t0 };
}

/** Groups of RACERS_PER_NAME clients (spread over the nodes) race for one name at a time. */
async function contended(nodes: readonly LocalNode[]): Promise<{ run: Run; winnersWrong: number }> {
  const samples: Sample[] = [];
  let winnersWrong = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONTENDED_GROUPS }, async (_, g) => {
      for (let i = g; i < CONTENDED_NAMES; i += CONTENDED_GROUPS) {
        const race = await Promise.all(Array.from({ length: RACERS_PER_NAME }, (_, k) => post(nodes[k % nodes.length]!, `race:${i}`)));
        samples.push(...race);
        if (race.filter((s) => s.outcome === 'registered').length !== 1 || race.some((s) => s.outcome !== 'registered' && s.outcome !== 'taken')) winnersWrong++;
      }
    }),
  );
  return { run: { label: `${RACERS_PER_NAME} clients racing per name (${CONTENDED_GROUPS} races at a time)`, samples, wallMs: performance.now() - t0 }, winnersWrong };
}

/** Three free base ports whose ranges base..base+NODES-1 do not overlap (free ports often come in sequence). */
async function basePorts(): Promise<[number, number, number]> {
  const ports: number[] = [];
  for (let tries = 0; ports.length < 3 && tries < 50; tries++) {
    const p = await freePort();
    if (ports.every((q) => Math.abs(q - p) >= NODES)) ports.push(p);
  }
  if (ports.length < 3) throw new Error('no three non-overlapping port ranges found');
  return [ports[0]!, ports[1]!, ports[2]!];
}

function row(run: Run): string[] {
  const ms = run.samples.map((s) => s.ms);
  const errors = new Map<string, number>();
  for (const s of run.samples) if (s.outcome !== 'registered' && s.outcome !== 'taken') errors.set(s.outcome, (errors.get(s.outcome) ?? 0) + 1);
  const failed = errors.size === 0 ? '0' : [...errors].map(([what, n]) => `${n} × ${what}`).join(', ');
  return [
    run.label,
    String(run.samples.length),
    formatNumber((run.samples.length * 1_000) / run.wallMs),
    `${formatNumber(percentile(ms, 50))} ms`,
    `${formatNumber(percentile(ms, 99))} ms`,
    String(run.samples.filter((s) => s.outcome === 'registered').length),
    failed,
  ];
}

export const namesSuite: Suite = {
  name: 'names',
  description: 'namestore registrations/s and latency on three local processes: uncontended, 8 racing per name, one node down',
  defaultRows: 0,
  async run(options: SuiteOptions): Promise<SuiteReport> {
    const dir = await mkdtemp(path.join(tmpdir(), 'eon-bench-names-'));
    const [pgPort, httpPort, peerPort] = await basePorts();
    const config: LocalClusterConfig = { nodes: NODES, dataDir: dir, host: '127.0.0.1', pgPort, httpPort, peerPort, logLevel: 'warn' };
    const nodes: LocalNode[] = [];
    const cleanup = async (): Promise<void> => {
      for (const n of nodes) await stopLocalNode(n);
      await rm(dir, { recursive: true, force: true });
    };
    const unregister = onInterrupt(cleanup);
    const runs: Run[] = [];
    let winnersWrong = 0;
    try {
      for (let i = 0; i < NODES; i++) nodes.push(await startLocalNode(config, i));
      await allAlive(nodes);
      options.log('names: warm-up');
      await uncontended('warm-up', nodes, NODES, 20, 'warm');
      options.log('names: one client');
      runs.push(await uncontended('1 client, sequential, fresh names', nodes.slice(0, 1), 1, SINGLE_CLIENT_REGISTRATIONS, 'single'));
      options.log('names: uncontended');
      runs.push(await uncontended(`${UNCONTENDED_CLIENTS} clients, fresh names (uncontended)`, nodes, UNCONTENDED_CLIENTS, REGISTRATIONS_PER_CLIENT, 'free'));
      options.log('names: already taken');
      runs.push(await uncontended(`${UNCONTENDED_CLIENTS} clients, names already taken (409)`, nodes, UNCONTENDED_CLIENTS, REGISTRATIONS_PER_CLIENT, 'free'));
      options.log('names: contended');
      const race = await contended(nodes);
      runs.push(race.run);
      winnersWrong = race.winnersWrong;
      options.log('names: one node killed');
      nodes[NODES - 1]!.process.kill('SIGKILL');
      await stopLocalNode(nodes[NODES - 1]!);
      runs.push(await uncontended(`${UNCONTENDED_CLIENTS} clients on the 2 live nodes, 1 of 3 killed`, nodes.slice(0, NODES - 1), UNCONTENDED_CLIENTS, REGISTRATIONS_PER_CLIENT, 'minority'));
    } finally {
      await cleanup();
      unregister();
    }
    const failures = runs.reduce((n, r) => n + r.samples.filter((s) => s.outcome !== 'registered' && s.outcome !== 'taken').length, 0);
    const table: ReportTable = {
      title: 'Namestore on three eon processes on loopback (POST /v1/names/{name}, N = 3 replicas, majority 2)',
      columns: ['run', 'requests', 'requests/s', 'p50', 'p99', '201 taken now', 'errors'],
      rows: runs.map(row),
      notes: [
        'Round trips per operation (uncontended, replicas in step): register of a fresh name = ONE compare-and-set = 2 (prepare, propose; the commit is sent after the answer); already taken = 1 (the rejected CAS learns the holder from the promise); check = 1 (a read); release = 3 (read, then CAS). Cassandra LWT: 4.',
        `Latency is per HTTP request, client-side, including the REST hop; ${RACERS_PER_NAME} racers per name hit all three nodes.`,
        'Errors are HTTP status and SQLSTATE: 503 57P03 = no majority in time, 504 40003 = outcome unknown (retry with an Idempotency-Key), 503 40001 = lost every ballot to concurrent proposers.',
        `Every acceptor state change is an LMDB putSync (a synced commit) on the event loop before the reply: two synced writes per replica per registration, which bounds throughput on one disk. Machine load average at the end: ${loadavg()[0]!.toFixed(1)}.`,
      ],
    };
    const problems: string[] = [];
    if (winnersWrong > 0) problems.push(`${winnersWrong} contended names did not get exactly one 201 and otherwise 409`);
    if (failures > 0) problems.push(`${failures} requests got no definite answer (see the errors column)`);
    return {
      suite: 'names',
      date: new Date().toISOString(),
      machine: machineInfo(),
      parameters: { nodes: NODES, 'uncontended clients': UNCONTENDED_CLIENTS, 'racers per name': RACERS_PER_NAME, 'contended names': CONTENDED_NAMES },
      engines: [{ name: 'eon', description: 'the namestore over the consensus register, three local processes' }],
      tables: [table],
      agreement: { ok: problems.length === 0, checks: ['exactly one 201 per raced name, 409 for the others', 'no request failed'], problems },
      data: { runs: runs.map((r) => ({ label: r.label, row: row(r) })) },
    };
  },
};
