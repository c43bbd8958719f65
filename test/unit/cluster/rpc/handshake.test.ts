import { isLoopbackHost } from '../../../../src/cluster/loopback.js';
import { describe, expect, it } from 'vitest';
import {
  newNonce,
  parseChallenge,
  parseHello,
  parseProof,
  proofMac,
  proofMatches,
  type Transcript,
} from '../../../../src/cluster/rpc/handshake.js';
import { RPC_PROTOCOL_VERSION } from '../../../../src/cluster/rpc/frame.js';

const transcript: Transcript = { clientId: 'a', serverId: 'b', clientNonce: newNonce(), serverNonce: newNonce() };

describe('handshake', () => {
  it('binds the MAC to the secret, the direction, the nonces and the ids', () => {
    const mac = proofMac('s', 'client-to-server', transcript);
    expect(proofMatches('s', 'client-to-server', transcript, { mac })).toBe(true);
    expect(proofMatches('other', 'client-to-server', transcript, { mac })).toBe(false);
    // A server cannot reflect the client's proof back as its own.
    expect(proofMatches('s', 'server-to-client', transcript, { mac })).toBe(false);
    expect(proofMatches('s', 'client-to-server', { ...transcript, serverNonce: newNonce() }, { mac })).toBe(false);
    expect(proofMatches('s', 'client-to-server', { ...transcript, clientId: 'ab', serverId: '' }, { mac })).toBe(false);
    expect(proofMatches('s', 'client-to-server', transcript, { mac: new Uint8Array(0) })).toBe(false);
    expect(proofMatches(null, 'client-to-server', transcript, { mac: new Uint8Array(0) })).toBe(true);
  });

  it('validates handshake bodies', () => {
    const nonce = newNonce();
    expect(parseHello({ version: RPC_PROTOCOL_VERSION, nodeId: 'a', nonce, auth: 'none' })).toBeDefined();
    expect(parseHello({ version: RPC_PROTOCOL_VERSION + 1, nodeId: 'a', nonce, auth: 'none' })).toBeUndefined();
    expect(parseHello({ version: RPC_PROTOCOL_VERSION, nodeId: '', nonce, auth: 'none' })).toBeUndefined();
    expect(parseHello({ version: RPC_PROTOCOL_VERSION, nodeId: 'a', nonce: nonce.subarray(1), auth: 'none' })).toBeUndefined();
    expect(parseHello({ version: RPC_PROTOCOL_VERSION, nodeId: 'a', nonce, auth: 'plain' })).toBeUndefined();
    expect(parseHello(null)).toBeUndefined();
    expect(parseChallenge({ nodeId: 'x'.repeat(300), nonce, auth: 'none' })).toBeUndefined();
    expect(parseProof({ mac: new Uint8Array(5) })).toBeUndefined();
    expect(parseProof({ mac: 'abc' })).toBeUndefined();
  });

  it('recognises loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.1', 'example.com', '128.0.0.1']) expect(isLoopbackHost(h)).toBe(false);
  });
});
