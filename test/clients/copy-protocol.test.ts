// COPY at the wire, against PostgreSQL 15 with the same frames: COPY through the extended
// protocol (Parse/Bind/Execute enters copy-in or copy-out mode; Sync during copy-in is ignored; an
// error or CopyFail skips to the next Sync), binary copy-in, and COPY's atomicity — a CopyFail or
// a dropped connection leaves none of its rows, and inside a transaction block COPY joins it.

import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startClientTarget, type ClientTarget } from '../support/target.js';
import type { ConnInfo } from '../support/postgres.js';
import { RawClient, dataRowTexts, errorFields, type BackendMessage } from '../protocol/pg/raw-client.js';

let target: ClientTarget;
let reference: ConnInfo;
const clients: RawClient[] = [];

async function connect(conn: ConnInfo): Promise<RawClient> {
  const c = await RawClient.ready(conn.port, { user: conn.user, database: conn.database });
  clients.push(c);
  return c;
}

/** Sends frames on a fresh connection and waits for `readies` ReadyForQuery messages. */
async function exchange(conn: ConnInfo, frames: Buffer[], readies = 1): Promise<BackendMessage[]> {
  const c = await connect(conn);
  c.send(Buffer.concat(frames));
  await c.waitForCount('Z', readies, 20_000);
  c.close();
  return c.messages.filter((m) => m.type !== 'S' && m.type !== 'N'); // ParameterStatus and notices aside
}

/** The same frames on both servers: message types, CommandComplete tags and SQLSTATEs must match. */
async function sameOnBoth(frames: Buffer[], readies = 1): Promise<BackendMessage[]> {
  const [eon, pg] = await Promise.all([exchange(target.conn, frames, readies), exchange(reference, frames, readies)]);
  const summary = (ms: BackendMessage[]): string[] =>
    ms.map((m) => (m.type === 'C' ? `C ${m.body.toString('utf8', 0, m.body.length - 1)}` : m.type === 'E' ? `E ${errorFields(m)['C']}` : m.type === 'D' ? `D ${JSON.stringify(dataRowTexts(m))}` : m.type));
  expect(summary(eon)).toEqual(summary(pg));
  return eon;
}

/** Runs SQL statements on both servers in one simple Query each (setup, checks). */
async function sql(...statements: string[]): Promise<BackendMessage[]> {
  return sameOnBoth(statements.map((text) => serialize.query(text)), statements.length);
}

const data = (s: string): Buffer => serialize.copyData(Buffer.from(s));

beforeAll(async () => {
  target = await startClientTarget();
  reference = inject('postgres');
  await sql('DROP TABLE IF EXISTS copyp_t', 'CREATE TABLE copyp_t (id int PRIMARY KEY, s text)');
});

afterAll(async () => {
  for (const c of clients) c.close();
  if (target !== undefined && reference !== undefined) await sql('DROP TABLE IF EXISTS copyp_t');
  await target?.stop();
});

const count = async (): Promise<string | null | undefined> => {
  const ms = await sql('SELECT count(*) FROM copyp_t');
  return dataRowTexts(ms.find((m) => m.type === 'D')!)[0];
};

describe('COPY in the extended query protocol', () => {
  it('Parse/Bind/Describe/Execute of COPY FROM STDIN enters copy-in mode; the Sync sent with it is ignored', async () => {
    await sql('TRUNCATE copyp_t');
    const ms = await sameOnBoth([
      serialize.parse({ text: 'COPY copyp_t FROM STDIN' }),
      serialize.bind({}),
      serialize.describe({ type: 'P' }),
      serialize.execute({}),
      serialize.sync(),
      data('1\tone\n2\t'),
      data('two\n'),
      serialize.copyDone(),
      serialize.sync(),
    ]);
    expect(ms.map((m) => m.type).join('')).toBe('12nGCZ');
    expect(await count()).toBe('2');
  });

  it('an error in the data, or CopyFail, skips to the next Sync and loads nothing', async () => {
    await sql('TRUNCATE copyp_t');
    const start = [serialize.parse({ text: 'COPY copyp_t FROM STDIN' }), serialize.bind({}), serialize.execute({})];
    const bad = await sameOnBoth([...start, data('1\tone\nx\ttwo\n'), serialize.copyDone(), serialize.parse({ text: 'SELECT 1' }), serialize.sync(), serialize.query('SELECT 2')], 2);
    expect(bad.map((m) => m.type).join('')).toBe('12GEZTDCZ');
    const failed = await sameOnBoth([...start, data('3\tthree\n'), serialize.copyFail('client gave up'), serialize.sync()]);
    expect(failed.map((m) => m.type).join('')).toBe('12GEZ');
    expect(await count()).toBe('0');
  });

  it('Execute of COPY TO STDOUT streams copy-out mode, then CommandComplete', async () => {
    await sql('TRUNCATE copyp_t', "INSERT INTO copyp_t VALUES (1, 'a'), (2, NULL)");
    const ms = await sameOnBoth([
      serialize.parse({ text: 'COPY (SELECT * FROM copyp_t ORDER BY id) TO STDOUT' }),
      serialize.bind({}),
      serialize.describe({ type: 'P' }),
      serialize.execute({ rows: 1 }),
      serialize.sync(),
    ]);
    expect(ms.map((m) => m.type).join('')).toBe('12nHddcCZ');
    expect(ms.filter((m) => m.type === 'd').map((m) => m.body.toString())).toEqual(['1\ta\n', '2\t\\N\n']);
  });

  it('binary COPY FROM STDIN announces the binary format and loads the tuples', async () => {
    await sql('TRUNCATE copyp_t');
    const header = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
    const tuple = Buffer.from('0002' + '00000004' + '00000007' + '00000003' + '736576', 'hex');
    const ms = await sameOnBoth([
      serialize.parse({ text: 'COPY copyp_t FROM STDIN (FORMAT binary)' }),
      serialize.bind({}),
      serialize.execute({}),
      serialize.sync(),
      serialize.copyData(Buffer.concat([header, tuple.subarray(0, 5)])),
      serialize.copyData(Buffer.concat([tuple.subarray(5), Buffer.from('ffff', 'hex')])),
      serialize.copyDone(),
      serialize.sync(),
    ]);
    const g = ms.find((m) => m.type === 'G')!;
    expect(g.body.toString('hex')).toBe('010002' + '0001' + '0001');
    const rows = await sql('SELECT * FROM copyp_t');
    expect(dataRowTexts(rows.find((m) => m.type === 'D')!)).toEqual(['7', 'sev']);
  });
});

describe('COPY FROM is all or nothing at the wire', () => {
  it('a connection dropped in the middle of a COPY leaves none of its rows', async () => {
    await sql('TRUNCATE copyp_t');
    await Promise.all(
      [target.conn, reference].map(async (conn) => {
        const c = await connect(conn);
        c.send(serialize.query('COPY copyp_t FROM STDIN'));
        await c.waitFor('G');
        c.send(Buffer.concat([data('1\ta\n2\tb\n'), data('3\tc\n')]));
        await new Promise((resolve) => setTimeout(resolve, 200));
        c.close();
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await count()).toBe('0');
  });

  it('inside a transaction block COPY joins the block: ROLLBACK undoes it, a failed COPY fails the block', async () => {
    await sql('TRUNCATE copyp_t');
    const copy = (rows: string): Buffer[] => [serialize.query('COPY copyp_t FROM STDIN'), data(rows), serialize.copyDone()];
    await sameOnBoth([serialize.query('BEGIN'), ...copy('1\ta\n2\tb\n'), serialize.query('SELECT count(*) FROM copyp_t'), serialize.query('ROLLBACK')], 4);
    expect(await count()).toBe('0');
    await sameOnBoth([serialize.query('BEGIN'), ...copy('1\ta\n'), ...copy('2\tb\nbad\n'), serialize.query('SELECT 1'), serialize.query('COMMIT')], 5);
    expect(await count()).toBe('0');
    await sameOnBoth([serialize.query('BEGIN'), ...copy('1\ta\n2\tb\n'), serialize.query('COMMIT')], 3);
    expect(await count()).toBe('2');
  });
});
