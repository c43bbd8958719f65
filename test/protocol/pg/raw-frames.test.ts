// The PostgreSQL server driven by hand-made frames: framing, extended-protocol rules, malformed input, shutdown.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serialize } from 'pg-protocol';
import { PgServer } from '../../../protocol/pg/index.js';
import { MESSAGE_BYTES_MAX } from '../../../protocol/pg/index.js';
import { FakeSessionFactory, abortCount } from './fake-session.js';
import { RawClient, dataRowBytes, dataRowTexts, errorFields, frame } from './raw-client.js';


const sessions = new FakeSessionFactory();
const server = new PgServer({ host: '127.0.0.1', port: 0, sessions });
let port = 0;
const open: RawClient[] = [];

async function ready(): Promise<RawClient> {
  const c = await RawClient.ready(port);
  open.push(c);
  return c;
}

async function connectRaw(): Promise<RawClient> {
  const c = await RawClient.connect(port);
  open.push(c);
  return c;
}

/** A fresh connection still answers: the server survived whatever the last test sent. */
async function expectServerAlive(): Promise<void> {
  const c = await ready();
  c.send(serialize.query('select 11'));
  await c.waitFor('Z');
  expect(dataRowTexts(c.messages.find((m) => m.type === 'D')!)).toEqual(['11']);
  c.close();
}

function errorOf(c: RawClient): Record<string, string> {
  const e = c.messages.find((m) => m.type === 'E');
  expect(e, `no ErrorResponse in ${c.types()}`).toBeDefined();
  return errorFields(e!);
}

beforeAll(async () => {
  port = (await server.listen()).port;
});
afterAll(async () => {
  for (const c of open) c.close();
  await server.close({ graceMs: 500 });
});

describe('startup', () => {
  it('answers SSLRequest and GSSENCRequest with N, then accepts a plain startup', async () => {
    const c = await connectRaw();
    c.expectRaw(1);
    c.send(serialize.requestSsl());
    const gss = Buffer.alloc(8);
    gss.writeInt32BE(8, 0);
    gss.writeInt32BE(80877104, 4);
    await vi.waitFor(() => expect(c.rawBytes.toString()).toBe('N'), { timeout: 2000 });
    c.expectRaw(1);
    c.send(gss);
    await vi.waitFor(() => expect(c.rawBytes.toString()).toBe('NN'), { timeout: 2000 });
    c.send(serialize.startup({ user: 'eon', database: 'eon', application_name: 'raw-test' }));
    await c.waitFor('Z');
    expect(c.types()).toMatch(/^RS+KZ$/);
    const params = new Map(
      c.messages
        .filter((m) => m.type === 'S')
        .map((m) => {
          const [k, v] = m.body.toString('utf8').split('\0');
          return [k, v];
        }),
    );
    expect(params.get('server_version')).toBe('15.0');
    expect(params.get('application_name')).toBe('raw-test');
    expect(params.get('session_authorization')).toBe('eon');
    expect(params.get('integer_datetimes')).toBe('on');
    expect(c.messages.at(-1)!.body.toString()).toBe('I');
  });

  it('refuses protocol 2.0 with FATAL 08P01', async () => {
    const c = await connectRaw();
    const b = Buffer.alloc(8);
    b.writeInt32BE(8, 0);
    b.writeInt32BE(2 << 16, 4);
    c.send(b);
    await c.waitForEnd();
    expect(errorOf(c)).toMatchObject({ S: 'FATAL', C: '08P01' });
    await expectServerAlive();
  });

  it('answers a 3.2 startup with NegotiateProtocolVersion 3.0 and carries on', async () => {
    const c = await connectRaw();
    const params = Buffer.from('user\0eon\0_pq_.future\0x\0\0');
    const head = Buffer.alloc(8);
    head.writeInt32BE(8 + params.length, 0);
    head.writeInt32BE((3 << 16) | 2, 4);
    c.send(Buffer.concat([head, params]));
    await c.waitFor('Z');
    expect(c.types()).toMatch(/^vRS+KZ$/);
    const v = c.messages[0]!.body;
    expect(v.readInt32BE(0)).toBe(0);
    expect(v.readInt32BE(4)).toBe(1);
    expect(v.toString('utf8', 8)).toBe('_pq_.future\0');
  });

  it('requires a user name', async () => {
    const c = await connectRaw();
    c.send(serialize.startup({ database: 'eon' }));
    await c.waitForEnd();
    expect(errorOf(c)).toMatchObject({ S: 'FATAL', C: '28000' });
  });
});

describe('simple query', () => {
  it('handles a frame split byte by byte and many frames in one chunk', async () => {
    const c = await ready();
    const q = serialize.query('select 4');
    for (const byte of q) c.send(Buffer.from([byte]));
    await c.waitFor('Z');
    expect(c.types()).toBe('TDCZ');
    c.messages.length = 0;
    c.send(Buffer.concat([serialize.query('select 1'), serialize.query('select 2'), serialize.query('select 3')]));
    await c.waitForCount('Z', 3);
    expect(c.messages.filter((m) => m.type === 'D').map((m) => dataRowTexts(m)[0])).toEqual(['1', '2', '3']);
  });

  it('answers thousands of pipelined queries in order (input is paused and resumed)', async () => {
    const c = await ready();
    const n = 3000;
    const frames: Buffer[] = [];
    for (let i = 0; i < n; i++) frames.push(serialize.query(`select ${i}`));
    c.send(Buffer.concat(frames));
    await c.waitForCount('Z', n, 20_000);
    const values = c.messages.filter((m) => m.type === 'D').map((m) => Number(dataRowTexts(m)[0]));
    expect(values).toHaveLength(n);
    expect(values.every((v, i) => v === i)).toBe(true);
  });

  it('streams a large result in pieces', async () => {
    const c = await ready();
    c.send(serialize.query('series 200000'));
    await c.waitFor('Z', 20_000);
    expect(c.messages.filter((m) => m.type === 'D')).toHaveLength(200_000);
    expect(c.messages.at(-2)!.body.toString('utf8')).toBe('SELECT 200000\0');
  });

  it('answers an empty query with EmptyQueryResponse and tracks the transaction status', async () => {
    const c = await ready();
    c.send(serialize.query('  '));
    await c.waitFor('Z');
    expect(c.types()).toBe('IZ');
    c.messages.length = 0;
    c.send(serialize.query('begin'));
    await c.waitFor('Z');
    expect(c.types()).toBe('CZ');
    expect(c.messages[0]!.body.toString('utf8')).toBe('BEGIN\0');
    expect(c.messages[1]!.body.toString()).toBe('T');
  });

  it('reports a changed setting with ParameterStatus before ReadyForQuery', async () => {
    const c = await ready();
    c.send(Buffer.concat([serialize.query('set datestyle to German, DMY'), serialize.query('select 1')]));
    await c.waitForCount('Z', 2);
    expect(c.types()).toBe('CSZTDCZ');
    expect(c.messages[1]!.body.toString('utf8')).toBe('DateStyle\0German, DMY\0');
  });

  it('rejects invalid UTF-8 with 22021 and keeps the connection', async () => {
    const c = await ready();
    c.send(frame('Q', Buffer.from([0x73, 0xff, 0xfe, 0x00])));
    await c.waitFor('Z');
    expect(errorOf(c)).toMatchObject({ S: 'ERROR', C: '22021' });
    c.messages.length = 0;
    c.send(serialize.query('select 5'));
    await c.waitFor('Z');
    expect(c.types()).toBe('TDCZ');
  });
});

describe('extended query', () => {
  it('suspends a portal at the row limit and resumes it', async () => {
    const c = await ready();
    c.send(
      Buffer.concat([
        serialize.parse({ name: 's1', text: 'series $1', types: [23] }),
        serialize.describe({ type: 'S', name: 's1' }),
        serialize.bind({ portal: 'p1', statement: 's1', values: ['5'] }),
        serialize.execute({ portal: 'p1', rows: 2 }),
        serialize.execute({ portal: 'p1', rows: 2 }),
        serialize.execute({ portal: 'p1', rows: 2 }),
        serialize.sync(),
      ]),
    );
    await c.waitFor('Z');
    expect(c.types()).toBe('1tT2DDsDDsDCZ');
    const pd = c.messages[1]!.body;
    expect(pd.readInt16BE(0)).toBe(1);
    expect(pd.readUInt32BE(2)).toBe(23);
    const rows = c.messages.filter((m) => m.type === 'D').map((m) => dataRowTexts(m)[0]);
    expect(rows).toEqual(['1', '2', '3', '4', '5']);
    expect(c.messages.find((m) => m.type === 'C')!.body.toString('utf8')).toBe('SELECT 1\0');
  });

  it('sends binary results for the formats asked for', async () => {
    const c = await ready();
    c.send(
      Buffer.concat([
        serialize.parse({ text: 'series $1' }),
        serialize.bind({ values: ['2'], binary: true }),
        serialize.describe({ type: 'P', name: '' }),
        serialize.execute({}),
        serialize.sync(),
      ]),
    );
    await c.waitFor('Z');
    expect(c.types()).toBe('12TDDCZ');
    const second = dataRowBytes(c.messages.filter((m) => m.type === 'D')[1]!);
    expect(second[0]!.readInt32BE(0)).toBe(2);
    expect(second[1]!.readBigInt64BE(0)).toBe(20_000_000_000n);
    expect(second[2]!.toString('utf8')).toBe('row 2');
    expect([...second[3]!]).toEqual([1]);
    // RowDescription reports format code 1 for every column.
    const t = c.messages.find((m) => m.type === 'T')!.body;
    expect(t.readInt16BE(t.length - 2)).toBe(1);
  });

  it('decodes binary parameters and sends binary numeric', async () => {
    const c = await ready();
    const four = Buffer.alloc(4);
    four.writeInt32BE(77, 0);
    c.send(
      Buffer.concat([
        serialize.parse({ name: 'echo', text: 'select $1', types: [23] }),
        serialize.bind({ statement: 'echo', values: [four] }),
        serialize.execute({}),
        serialize.parse({ name: 'num', text: 'select $1', types: [1700] }),
        serialize.bind({ statement: 'num', values: ['-1.5'], binary: true }),
        serialize.execute({}),
        serialize.sync(),
      ]),
    );
    await c.waitFor('Z');
    expect(c.types()).toBe('12DC12DCZ');
    expect(dataRowTexts(c.messages[2]!)).toEqual(['77']);
    // ndigits 2, weight 0, sign negative, dscale 1, digits 1 and 5000 (base 10000).
    expect(dataRowBytes(c.messages[6]!)[0]!.toString('hex')).toBe('00020000400000010001' + '1388');
  });

  it('refuses a second named portal of the same name with 42P03', async () => {
    const c = await ready();
    const bind = serialize.bind({ portal: 'cur', statement: 's', values: ['3'] });
    c.send(Buffer.concat([serialize.parse({ name: 's', text: 'select $1' }), serialize.query('begin')]));
    await c.waitFor('Z');
    c.messages.length = 0;
    c.send(Buffer.concat([bind, serialize.sync(), bind, serialize.sync()]));
    await c.waitForCount('Z', 2);
    expect(c.types()).toBe('2ZEZ');
    expect(errorOf(c)).toMatchObject({ C: '42P03', M: 'portal "cur" already exists' });
  });

  it('discards messages after an error until Sync, then works again', async () => {
    const c = await ready();
    c.send(
      Buffer.concat([
        serialize.parse({ text: 'nonsense $1' }),
        serialize.bind({ values: ['1'] }),
        serialize.execute({}),
        serialize.sync(),
        serialize.parse({ text: 'select $1' }),
        serialize.bind({ values: ['8'] }),
        serialize.execute({}),
        serialize.sync(),
      ]),
    );
    await c.waitForCount('Z', 2);
    expect(c.types()).toBe('EZ12DCZ');
    expect(errorOf(c)).toMatchObject({ C: '42601', P: '1' });
  });

  it('reports unknown statements and portals, duplicate statements, and closes', async () => {
    const c = await ready();
    c.send(Buffer.concat([serialize.bind({ statement: 'nope' }), serialize.sync()]));
    await c.waitFor('Z');
    expect(errorOf(c)).toMatchObject({ C: '26000', M: 'prepared statement "nope" does not exist' });
    c.messages.length = 0;
    c.send(Buffer.concat([serialize.execute({ portal: 'nope' }), serialize.sync()]));
    await c.waitFor('Z');
    expect(errorOf(c)).toMatchObject({ C: '34000', M: 'portal "nope" does not exist' });
    c.messages.length = 0;
    const parse = serialize.parse({ name: 'dup', text: 'select $1' });
    c.send(Buffer.concat([parse, serialize.sync(), parse, serialize.sync()]));
    await c.waitForCount('Z', 2);
    expect(c.types()).toBe('1ZEZ');
    expect(errorOf(c)).toMatchObject({ C: '42P05', M: 'prepared statement "dup" already exists' });
    c.messages.length = 0;
    c.send(Buffer.concat([serialize.close({ type: 'S', name: 'dup' }), parse, serialize.sync()]));
    await c.waitFor('Z');
    expect(c.types()).toBe('31Z');
  });

  it('answers statements without rows with NoData and their tag', async () => {
    const c = await ready();
    c.send(
      Buffer.concat([
        serialize.parse({ text: 'insert into t values (1)' }),
        serialize.describe({ type: 'S', name: '' }),
        serialize.bind({}),
        serialize.execute({}),
        serialize.parse({ text: '' }),
        serialize.bind({}),
        serialize.execute({}),
        serialize.sync(),
      ]),
    );
    await c.waitFor('Z');
    expect(c.types()).toBe('1tn2C12IZ');
    expect(c.messages[4]!.body.toString('utf8')).toBe('INSERT 0 1\0');
  });

  it('flushes on Flush without waiting for Sync', async () => {
    const c = await ready();
    c.send(Buffer.concat([serialize.parse({ text: 'select $1' }), serialize.flush()]));
    await c.waitFor('1');
    expect(c.types()).toBe('1');
  });
});

describe('cancel and disconnect', () => {
  it('aborts the running statement when the client goes away, and closes its session', async () => {
    const closedBefore = sessions.log.closed;
    const abortedBefore = abortCount.value;
    const c = await ready();
    c.send(serialize.query('sleep 5000'));
    await new Promise((r) => setTimeout(r, 50));
    c.close();
    await vi.waitFor(() => expect(abortCount.value).toBe(abortedBefore + 1), { timeout: 2000 });
    await vi.waitFor(() => expect(sessions.log.closed).toBe(closedBefore + 1), { timeout: 2000 });
  });

  it('ignores a CancelRequest with the wrong secret key', async () => {
    const c = await RawClient.connect(port);
    open.push(c);
    c.send(serialize.startup({ user: 'eon', database: 'eon' }));
    await c.waitFor('Z');
    const k = c.messages.find((m) => m.type === 'K')!.body;
    c.messages.length = 0;
    c.send(serialize.query('sleep 300'));
    await new Promise((r) => setTimeout(r, 50));
    const canceller = await connectRaw();
    canceller.send(serialize.cancel(k.readInt32BE(0), k.readInt32BE(4) ^ 1));
    await canceller.waitForEnd();
    await c.waitFor('Z');
    expect(c.types()).toBe('TDCZ');
  });

  it('refuses the function call protocol with 0A000 and stays usable', async () => {
    const c = await ready();
    c.send(Buffer.concat([frame('F', Buffer.from([0, 0, 0, 1, 0, 0, 0, 0, 0, 0])), serialize.query('select 1')]));
    await c.waitForCount('Z', 2);
    expect(c.types()).toBe('EZTDCZ');
    expect(errorOf(c)).toMatchObject({ C: '0A000' });
  });
});

describe('latency', () => {
  it('measures a prepared point query round trip over a raw socket (server cost without a driver)', async () => {
    const c = await ready();
    c.send(Buffer.concat([serialize.parse({ name: 'pt', text: 'point $1' }), serialize.sync()]));
    await c.waitFor('Z');
    const iterationsWarm = 500;
    const iterations = 5000;
    const us: number[] = [];
    for (let i = 0; i < iterationsWarm + iterations; i++) {
      c.messages.length = 0;
      const t0 = process.hrtime.bigint();
      c.send(Buffer.concat([serialize.bind({ statement: 'pt', values: [String(i)] }), serialize.execute({}), serialize.sync()]));
      await c.waitFor('Z');
      if (i >= iterationsWarm) us.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    expect(c.types()).toBe('2DCZ');
    us.sort((a, b) => a - b);
    const p50 = us[Math.floor(iterations * 0.5)] as number;
    const p99 = us[Math.floor(iterations * 0.99)] as number;
    console.log(`prepared point query, raw socket: p50 ${p50.toFixed(0)} µs, p99 ${p99.toFixed(0)} µs`);
    expect(p50).toBeLessThan(5000);
  });
});

describe('throughput', () => {
  it('measures pipelined prepared point queries (server cost per statement)', async () => {
    const c = await ready();
    c.send(Buffer.concat([serialize.parse({ name: 'pt', text: 'point $1' }), serialize.sync()]));
    await c.waitFor('Z');
    const n = 20_000;
    const batch: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      batch.push(serialize.bind({ statement: 'pt', values: [String(i)] }), serialize.execute({}), serialize.sync());
    }
    const bytes = Buffer.concat(batch);
    c.messages.length = 0;
    const t0 = process.hrtime.bigint();
    c.send(bytes);
    await c.waitForCount('Z', n, 30_000);
    const us = Number(process.hrtime.bigint() - t0) / 1000;
    console.log(`pipelined point queries: ${(us / n).toFixed(1)} µs each, ${Math.round((n / us) * 1e6)} per second`);
    expect(c.messages.filter((m) => m.type === 'D')).toHaveLength(n);
  });
});

describe('malformed input closes only that connection', () => {
  const cases: [string, () => Buffer][] = [
    ['an unknown message type', () => frame('~', Buffer.alloc(0))],
    ['a length below 4', () => Buffer.from([0x51, 0, 0, 0, 2])],
    [
      'a length above MESSAGE_BYTES_MAX',
      () => {
        const b = Buffer.from([0x51, 0, 0, 0, 0]);
        b.writeInt32BE(MESSAGE_BYTES_MAX + 1, 1);
        return b;
      },
    ],
    ['a Parse missing its terminators', () => frame('P', Buffer.from('s1\0select'))],
    [
      'a Bind whose parameter overruns the message',
      () => {
        const good = serialize.bind({ values: ['12345'] });
        const cut = Buffer.from(good.subarray(0, good.length - 4)); // drop the result-format count and 2 value bytes
        cut.writeInt32BE(cut.length - 1, 1);
        return cut;
      },
    ],
    ['a Query with trailing bytes after its string', () => frame('Q', Buffer.from('select 1\0xx'))],
  ];
  for (const [name, bytes] of cases) {
    it(`on ${name}: FATAL 08P01, then the server still serves`, async () => {
      const c = await ready();
      c.send(bytes());
      await c.waitForEnd();
      expect(errorOf(c)).toMatchObject({ S: 'FATAL', C: '08P01' });
      await expectServerAlive();
    });
  }

  it('answers the valid messages that came before a malformed one in the same chunk', async () => {
    const c = await ready();
    c.send(Buffer.concat([serialize.query('select 6'), frame('~', Buffer.alloc(0))]));
    await c.waitForEnd();
    expect(c.types()).toBe('TDCZE');
    expect(errorOf(c)).toMatchObject({ S: 'FATAL', C: '08P01' });
  });

  it('closes cleanly on Terminate and closes the session', async () => {
    const before = sessions.log.closed;
    const c = await ready();
    c.send(serialize.end());
    await c.waitForEnd();
    expect(c.messages).toEqual([]);
    await vi.waitFor(() => expect(sessions.log.closed).toBe(before + 1), { timeout: 2000 });
  });
});

describe('fuzz', () => {
  it('survives random frames: each connection answers or closes, and the server keeps serving', async () => {
    let s = 7;
    const rand = (n: number): number => {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      return s % n;
    };
    const types = 'QPBDESHCXFdcfp~\0';
    const connections = 40;
    const framesPerConnection = 8;
    for (let k = 0; k < connections; k++) {
      const c = await ready();
      const frames: Buffer[] = [];
      for (let i = 0; i < framesPerConnection; i++) {
        const body = Buffer.alloc(rand(24));
        for (let j = 0; j < body.length; j++) body[j] = rand(4) === 0 ? 0 : rand(256);
        frames.push(frame(types[rand(types.length)]!, body));
      }
      frames.push(serialize.sync(), serialize.query('select 12'));
      c.send(Buffer.concat(frames));
      // Either the connection was closed for a protocol violation, or it answers the final query.
      await c.waitUntil(() => c.ended || c.messages.some((m) => m.type === 'D' && dataRowTexts(m)[0] === '12'), 5000);
      if (c.ended && c.messages.some((m) => m.type === 'E')) {
        const fatal = c.messages.filter((m) => m.type === 'E').map(errorFields).find((f) => f.S === 'FATAL');
        if (fatal !== undefined) expect(fatal.C).toBe('08P01');
      }
      c.close();
    }
    await expectServerAlive();
  });
});

describe('close', () => {
  it('lets a running query finish, then ends connections with 57P01', async () => {
    const local = new PgServer({ host: '127.0.0.1', port: 0, sessions: new FakeSessionFactory() });
    const p = (await local.listen()).port;
    const busy = await RawClient.ready(p);
    const idle = await RawClient.ready(p);
    busy.send(serialize.query('sleep 300'));
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await local.close({ graceMs: 3000 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
    expect(busy.types()).toBe('TDCZE');
    expect(errorOf(busy)).toMatchObject({ S: 'FATAL', C: '57P01' });
    expect(errorOf(idle)).toMatchObject({ S: 'FATAL', C: '57P01' });
    busy.close();
    idle.close();
  });

  it('cuts a query that outlives the grace period', async () => {
    const local = new PgServer({ host: '127.0.0.1', port: 0, sessions: new FakeSessionFactory() });
    const p = (await local.listen()).port;
    const busy = await RawClient.ready(p);
    busy.send(serialize.query('sleep 5000'));
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await local.close({ graceMs: 200 });
    expect(Date.now() - t0).toBeLessThan(2000);
    await busy.waitForEnd();
    busy.close();
  });
});
