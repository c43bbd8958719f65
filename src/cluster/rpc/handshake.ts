// Mutual authentication of two nodes with the cluster secret: both send a fresh nonce, the client
// proves knowledge of the secret first (so an anonymous connector never gets a MAC to attack
// offline), then the server proves it back. MACs bind both nonces, both node ids and the direction.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NodeId } from '../runtime.js';
import { RPC_PROTOCOL_VERSION } from './frame.js';

export const NONCE_BYTES = 32;
export const NODE_ID_CHARS_MAX = 256;
const MAC_BYTES = 32;
const MAC_LABEL = 'eon-rpc-v1';

/** 'none' only between nodes that both run without a secret (loopback or --insecure). */
export type AuthMode = 'hmac-sha256' | 'none';
export type ProofDirection = 'client-to-server' | 'server-to-client';

export function authModeOf(secret: string | null): AuthMode {
  return secret === null ? 'none' : 'hmac-sha256';
}

export function newNonce(): Buffer {
  return randomBytes(NONCE_BYTES);
}

/** client → server, first frame. */
export interface Hello {
  readonly version: number;
  readonly nodeId: NodeId;
  readonly nonce: Uint8Array;
  readonly auth: AuthMode;
}
/** server → client. */
export interface Challenge {
  readonly nodeId: NodeId;
  readonly nonce: Uint8Array;
  readonly auth: AuthMode;
}
/** client → server (proof) and server → client (welcome): a MAC, empty in 'none' mode. */
export interface Proof {
  readonly mac: Uint8Array;
}

export function helloBody(nodeId: NodeId, nonce: Uint8Array, auth: AuthMode): Hello {
  return { version: RPC_PROTOCOL_VERSION, nodeId, nonce, auth };
}

export function parseHello(v: unknown): Hello | undefined {
  if (!isRecord(v) || v.version !== RPC_PROTOCOL_VERSION) return undefined;
  if (!isNodeId(v.nodeId) || !isNonce(v.nonce) || !isAuthMode(v.auth)) return undefined;
  return { version: v.version, nodeId: v.nodeId, nonce: v.nonce, auth: v.auth };
}

export function parseChallenge(v: unknown): Challenge | undefined {
  if (!isRecord(v) || !isNodeId(v.nodeId) || !isNonce(v.nonce) || !isAuthMode(v.auth)) return undefined;
  return { nodeId: v.nodeId, nonce: v.nonce, auth: v.auth };
}

export function parseProof(v: unknown): Proof | undefined {
  if (!isRecord(v) || !(v.mac instanceof Uint8Array) || (v.mac.byteLength !== 0 && v.mac.byteLength !== MAC_BYTES)) return undefined;
  return { mac: v.mac };
}

export interface Transcript {
  readonly clientId: NodeId;
  readonly serverId: NodeId;
  readonly clientNonce: Uint8Array;
  readonly serverNonce: Uint8Array;
}

/** HMAC-SHA256 over label, direction, both nonces and both ids (ids length-prefixed so no two transcripts collide). */
export function proofMac(secret: string | null, direction: ProofDirection, t: Transcript): Buffer {
  if (secret === null) return Buffer.alloc(0);
  const h = createHmac('sha256', secret);
  h.update(MAC_LABEL);
  h.update(direction === 'client-to-server' ? 'C' : 'S');
  h.update(t.clientNonce);
  h.update(t.serverNonce);
  for (const id of [t.clientId, t.serverId]) {
    const bytes = Buffer.from(id, 'utf8');
    const len = Buffer.allocUnsafe(2);
    len.writeUInt16BE(bytes.byteLength, 0);
    h.update(len);
    h.update(bytes);
  }
  return h.digest();
}

/** Constant-time comparison of the expected MAC with the one received. */
export function proofMatches(secret: string | null, direction: ProofDirection, t: Transcript, got: Proof): boolean {
  const expected = proofMac(secret, direction, t);
  if (expected.byteLength !== got.mac.byteLength) return false;
  return expected.byteLength === 0 || timingSafeEqual(expected, got.mac);
}


function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
function isNodeId(v: unknown): v is NodeId {
  return typeof v === 'string' && v.length > 0 && v.length <= NODE_ID_CHARS_MAX;
}
function isNonce(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array && v.byteLength === NONCE_BYTES;
}
function isAuthMode(v: unknown): v is AuthMode {
  return v === 'hmac-sha256' || v === 'none';
}
