// V8 flags an eon node runs with (package.json's start script passes the same).

/**
 * A 64 MiB young generation (V8's default is 16): the coordinator builds many short-lived rows
 * per query, and with a small young generation they are promoted to the old one and collected
 * there, at several times the cost (TPC-H SF 1 joins ran 10–25 % faster).
 */
export const EON_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
