import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityPath, loadOrCreateIdentity, saveIdentity } from '../../../../src/cluster/node/identity.js';
import { EonError } from '../../../../src/errors/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eon-identity-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('node identity', () => {
  it('is created once, then kept with a higher incarnation on every start', () => {
    const first = loadOrCreateIdentity(dir, 1000);
    expect(first.created).toBe(true);
    expect(first.identity).toMatchObject({ incarnation: 1, joinedAtMs: 1000, peers: [] });
    expect(first.identity.nodeId).toMatch(/^n-[0-9a-f]{8}$/);
    saveIdentity(dir, { ...first.identity, peers: ['127.0.0.1:9434'] });
    const second = loadOrCreateIdentity(dir, 5000);
    expect(second.created).toBe(false);
    expect(second.identity).toEqual({ nodeId: first.identity.nodeId, incarnation: 2, joinedAtMs: 1000, peers: ['127.0.0.1:9434'] });
    expect(JSON.parse(readFileSync(identityPath(dir), 'utf8'))).toMatchObject({ incarnation: 2 });
    expect(loadOrCreateIdentity(dir, 6000).identity.incarnation).toBe(3);
  });

  it('refuses a damaged file instead of starting as someone else', () => {
    writeFileSync(identityPath(dir), '{"version":1,"nodeId":"x y"');
    expect(() => loadOrCreateIdentity(dir, 0)).toThrow(EonError);
    writeFileSync(identityPath(dir), JSON.stringify({ version: 1, nodeId: 'bad id!', incarnation: 1, joinedAtMs: 0, peers: [] }));
    expect(() => loadOrCreateIdentity(dir, 0)).toThrow(/does not hold a node identity/);
  });
});
