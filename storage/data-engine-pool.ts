// The node's pool of data-engine worker threads (piscina); a task runs one fragment over some partitions.

import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { ERROR_CODES, EonError, toEonError } from '../src/errors/index.js';
import type { ErrorCode } from '../src/errors/index.js';
import { FRAGMENT_TASK_VERSION, WORKER_READY_MESSAGE } from './data-engine-task.js';
import type { FragmentMessage, FragmentTask } from './data-engine-task.js';

export const DATA_ENGINE_IDLE_TIMEOUT_MS = 30_000;
/** Tasks waiting for a thread before run() refuses more (back-pressure, not a silent pile-up). */
export const DATA_ENGINE_QUEUE_MAX = 4096;
/** How long close() waits for threads still loading their module. */
export const DATA_ENGINE_READY_WAIT_MS = 10_000;
const DATA_ENGINE_READY_POLL_MS = 10;

function workerFile(): string {
  // Compiled next to this file in dist/storage; under a TS runner, fall back to the compiled copy.
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return fileURLToPath(new URL('./data-engine-worker.js', import.meta.url));
  return fileURLToPath(new URL('../dist/storage/data-engine-worker.js', import.meta.url));
}

export class DataEnginePool {
  readonly dir: string;
  /** Worker threads the pool runs (started eagerly and kept). */
  readonly threads: number;
  private readonly piscina: Piscina;
  /** Threads that reported their module loaded. */
  private readyThreads = 0;

  constructor(opts: { dir: string; threads?: number }) {
    this.dir = opts.dir;
    const threads = opts.threads ?? Math.max(1, availableParallelism());
    this.threads = threads;
    this.piscina = new Piscina({
      filename: workerFile(),
      name: 'runFragment',
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: DATA_ENGINE_IDLE_TIMEOUT_MS,
      maxQueue: DATA_ENGINE_QUEUE_MAX,
    });
    this.piscina.on('message', (m: unknown) => {
      if (m === WORKER_READY_MESSAGE) this.readyThreads++;
    });
  }

  /** Runs one fragment in a worker; aborting `signal` drops it if it has not started yet. */
  async run(task: FragmentTask, opts: { signal?: AbortSignal } = {}): Promise<unknown> {
    const message: FragmentMessage = { v: FRAGMENT_TASK_VERSION, dir: this.dir, task };
    try {
      return await this.piscina.run(message, opts.signal === undefined ? {} : { signal: opts.signal });
    } catch (e) {
      // Errors are cloned across threads as plain Errors: restore the code from the message.
      const m = e instanceof Error ? /^\[eon:([a-z_]+)\] ([\s\S]*)$/.exec(e.message) : null;
      if (m !== null && Object.hasOwn(ERROR_CODES, m[1]!)) {
        throw new EonError(m[1] as ErrorCode, m[2]!, { cause: e });
      }
      if (opts.signal?.aborted === true) throw new EonError('query_canceled', 'canceling statement due to user request', { cause: e });
      throw toEonError(e);
    }
  }

  /**
   * Waits (bounded) until every thread has loaded its module, then stops them: terminating a
   * worker in the middle of its module import is a fatal V8 error in Node 20.
   */
  async close(): Promise<void> {
    const deadline = Date.now() + DATA_ENGINE_READY_WAIT_MS;
    while (this.readyThreads < this.threads && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, DATA_ENGINE_READY_POLL_MS));
    }
    await this.piscina.destroy();
  }
}
