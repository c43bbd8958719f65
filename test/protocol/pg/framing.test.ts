// FrameReader and MessageWriter in isolation: frames survive any chunking, lengths are back-filled, SCRAM verifies.

import { describe, expect, it } from 'vitest';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { serialize } from 'pg-protocol';
import { FrameReader } from '../../../protocol/pg/frame-reader.js';
import { MessageWriter } from '../../../protocol/pg/message-writer.js';
import { ScramExchange, makeScramVerifier } from '../../../protocol/pg/scram.js';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('FrameReader', () => {
  it('yields the same frames however the stream is cut', () => {
    const frames = [
      serialize.query('select 1'),
      serialize.parse({ name: 'x', text: 'select $1', types: [23] }),
      serialize.bind({ statement: 'x', values: ['y'.repeat(70_000)] }),
      serialize.execute({ rows: 5 }),
      serialize.sync(),
    ];
    const stream = Buffer.concat(frames);
    const rand = seeded(42);
    for (let round = 0; round < 50; round++) {
      const reader = new FrameReader();
      reader.startupPhase = false;
      const got: string[] = [];
      let at = 0;
      while (at < stream.length) {
        const n = 1 + Math.floor(rand() * (round % 2 === 0 ? 7 : 40_000));
        reader.push(stream.subarray(at, at + n), (type, body) => {
          got.push(String.fromCharCode(type) + body.toString('hex'));
        });
        at += n;
      }
      expect(got).toEqual(frames.map((f) => String.fromCharCode(f[0]!) + f.subarray(5).toString('hex')));
      expect(reader.pendingBytes).toBe(0);
    }
  });

  it('reads startup packets without a type byte, then typed frames', () => {
    const reader = new FrameReader();
    const seen: number[] = [];
    reader.push(Buffer.concat([serialize.startup({ user: 'u' }), serialize.query('q')]), (type) => {
      seen.push(type);
      reader.startupPhase = false;
    });
    expect(seen).toEqual([0, 'Q'.charCodeAt(0)]);
  });

  it('throws protocol_violation on impossible lengths', () => {
    const reader = new FrameReader();
    reader.startupPhase = false;
    expect(() => reader.push(Buffer.from([0x51, 0, 0, 0, 3]), () => {})).toThrow(/invalid message length 3/);
  });
});

describe('MessageWriter', () => {
  it('back-fills lengths and grows past its initial size', () => {
    const w = new MessageWriter();
    w.begin(0x44);
    w.int16(1);
    w.lengthPrefixedUtf8('é'.repeat(20_000));
    w.end();
    w.begin(0x5a);
    w.int8(0x49);
    w.end();
    const out = w.take();
    expect(out[0]).toBe(0x44);
    const len = out.readInt32BE(1);
    expect(len).toBe(4 + 2 + 4 + 40_000);
    expect(out.readInt32BE(7)).toBe(40_000);
    expect(out.subarray(1 + len)).toEqual(Buffer.from([0x5a, 0, 0, 0, 5, 0x49]));
    expect(w.length).toBe(0);
  });
});

describe('ScramExchange', () => {
  /** The client side of RFC 5802, written independently of the server code. */
  function clientProof(password: string, clientFirstBare: string, serverFirst: string, finalWithoutProof: string): string {
    const attrs = new Map(serverFirst.split(',').map((p) => [p[0], p.slice(2)] as [string, string]));
    const salted = pbkdf2Sync(password, Buffer.from(attrs.get('s')!, 'base64'), Number(attrs.get('i')), 32, 'sha256');
    const clientKey = createHmac('sha256', salted).update('Client Key').digest();
    const storedKey = createHash('sha256').update(clientKey).digest();
    const sig = createHmac('sha256', storedKey).update(`${clientFirstBare},${serverFirst},${finalWithoutProof}`).digest();
    return Buffer.from(clientKey.map((b, i) => b ^ sig[i]!)).toString('base64');
  }

  it('accepts the right proof and rejects a wrong one', () => {
    const verifier = makeScramVerifier('pw', 16);
    for (const [password, ok] of [['pw', true], ['nope', false]] as const) {
      const x = new ScramExchange(verifier, 'u');
      const nonce = randomBytes(9).toString('base64');
      const bare = `n=*,r=${nonce}`;
      const serverFirst = x.start(`n,,${bare}`);
      expect(serverFirst.startsWith(`r=${nonce}`)).toBe(true);
      const r = serverFirst.split(',')[0]!.slice(2);
      const without = `c=biws,r=${r}`;
      const final = `${without},p=${clientProof(password, bare, serverFirst, without)}`;
      if (ok) expect(x.finish(final)).toMatch(/^v=/);
      else expect(() => x.finish(final)).toThrow('password authentication failed for user "u"');
    }
  });
});
