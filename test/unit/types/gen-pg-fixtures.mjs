// Regenerates pg-fixtures.ts (inputs with the outputs a real PostgreSQL 15 gives for them):
//   PGHOST=/path/to/socket/dir PGPORT=55432 node test/unit/types/gen-pg-fixtures.mjs
// Review the diff afterwards: every changed expectation is a behaviour change to check.
import pg from 'pg';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const target = fileURLToPath(new URL('./pg-fixtures.ts', import.meta.url));
const c = new pg.Client({ host: process.env.PGHOST, port: Number(process.env.PGPORT ?? 5432), user: process.env.PGUSER ?? 'postgres', database: 'postgres', types: { getTypeParser: () => (v) => v } });
await c.connect();
await c.query("set timezone='UTC'");
const ver = (await c.query('show server_version')).rows[0].server_version;
async function q(sql, params = []) {
  try { const r = await c.query(`select ${sql} as v`, params); const v = r.rows[0].v; return v === null ? 'NULL' : v; }
  catch (e) { return `ERROR ${e.code}: ${e.message}`; }
}
const lit = (k, s) => k === 'unknown' ? `'${s.replace(/'/g, "''")}'` : `'${s.replace(/'/g, "''")}'::${k}`;
const out = [];
const table = async (name, doc, rows, sqlOf) => {
  const res = [];
  for (const r of rows) res.push([...r, await q(sqlOf(...r))]);
  out.push(`/** ${doc} */\nexport const ${name}: ReadonlyArray<readonly [${rows[0].map((x) => typeof x === 'number' ? 'number' : 'string').join(', ')}, string]> = [\n${res.map((r) => '  ' + JSON.stringify(r) + ',').join('\n')}\n];\n`);
};
await table('numericIn', "numeric input → text output: [input, output]", ['1.50', '-0.001', '1e3', ' 12 ', '1.5e-3', '0.000', '-0', '+5', '.5', '5.', '1E+2', '12a', '', ' ', '1e', '.', '-.5e1', '123456789012345678901234567890.123', '0001.10', '1.5e-10', '-1.20e1', 'NaN x', '1 2'].map((s) => [s]), (s) => `${lit('numeric', s)}::text`);
const bin = [['1.0','3'],['10','4'],['1','3'],['2','3'],['100','7'],['1','7'],['0.001','7'],['123456','0.001'],['1','0'],['5.5','2.25'],['-7','2'],['7','-2'],['1','30000'],['12345678','3'],['9999','9999'],['10000','9999'],['0','5'],['1.000000000000000000000000001','3'],['2','0.5'],['-1','3'],['0.5','0.0001'],['99999999','1'],['1','99999999'],['-5.5','-2'],['2.675','1'],['1.00','1.0']];
const arith = [];
for (const [a, b] of bin) for (const op of ['+', '-', '*', '/', '%']) arith.push([a, op, b]);
await table('numericArith', 'numeric op numeric: [a, op, b, result]', arith, (a, op, b) => `(${a}::numeric ${op} ${b}::numeric)::text`);
const rnd = [];
for (const [a, s] of [['2.5',0],['-2.5',0],['1.2345',2],['1.235',2],['-1.235',2],['1234.5',-2],['1250',-2],['-1250',-2],['0.5',0],['1.5',5],['12345',-5],['55555',-5],['0.0049',2]]) for (const f of ['round', 'trunc']) rnd.push([f, a, s]);
for (const a of ['2.5','-2.5','2.0','-2.0','0.1','-0.1','0','3','-0.00']) for (const f of ['ceil', 'floor', 'abs', 'neg']) rnd.push([f, a, 0]);
await table('numericRound', 'numeric functions: [fn, a, scale arg (round/trunc only), result]', rnd, (f, a, s) => f === 'neg' ? `(-(${a}::numeric))::text` : f === 'round' || f === 'trunc' ? `${f}(${a}::numeric, ${s})::text` : `${f}(${a}::numeric)::text`);
await table('numericTypmod', 'numeric → numeric(p,s): [a, p, s, result]', [['123.456',5,2],['999.995',5,2],['-999.995',5,2],['0.5',1,0],['9.5',1,0],['12',2,0],['123',2,0],['0.001',3,3],['1',3,3],['0.9995',3,3],['-0.9994',3,3],['99.99',4,1]], (a, p, s) => `(${a})::numeric(${p},${s})::text`);
await table('numericPower', 'numeric ^ numeric with integral exponents, and sqrt: [a, b (empty for sqrt), result]', [['2','10'],['1.5','2'],['2','-2'],['10','20'],['0.1','3'],['1.000001','1000000'],['12345.678','3'],['3','-1'],['0.001','5'],['2','100'],['10','-20'],['2.5','20'],['1.12345678901234567890','2'],['0','0'],['0','2'],['-2','3'],['2.50','1'],['1.5','-3'],['9.99','40'],['1.0','2.0'],['0','-1'],['0.999','5000'],['1.1','-1000'],['-1.5','7'],['2',''],['100',''],['0.0001',''],['123456789.123',''],['0',''],['1e-20',''],['1.00',''],['1e20',''],['-1',''],['2.25','']], (a, b) => b === '' ? `sqrt(${a}::numeric)::text` : `(${a}::numeric ^ ${b}::numeric)::text`);
const trans = [];
for (const a of ['1', '2', '10', '0.5', '1.0001', '0.9999', '1.1', '0.9', '1e-10', '12345.6789', '1e100', '1.000000000000000000001', '123456789012345678901234567890', '0', '-1', '0.1']) trans.push(['ln', a, '']);
for (const a of ['0', '1', '-1', '2.5', '-10', '100', '0.001', '-1000', '1.000', '6000', '-6000', '1e-20', '5999.9', '-37.5', '0.1234567890123456789']) trans.push(['exp', a, '']);
for (const [a, b] of [['2','0.5'],['3','0.5'],['10','20.5'],['0.01','2.5'],['1.5','2.5'],['100','-0.5'],['2','-1.5'],['0.5','0.5'],['1.0001','10000.5'],['123.456','3.21'],['1e10','0.1'],['0.9','100.5'],['2','-1000.5'],['1.00','0.50'],['16','0.25'],['10','6000.5'],['10','-6000.5'],['0.1','2600.5'],['-2','0.5'],['0','-0.5'],['0','0.5']]) trans.push(['power', a, b]);
for (const [b, x] of [['10','100'],['2','8'],['2','1024.5'],['10','2'],['10','0.001'],['1.0001','10'],['0.5','8'],['3','1e100'],['10','1e-50'],['1','5'],['0','5'],['10','-1'],['10.00','100.000'],['2','1.5'],['1.1','1.21']]) trans.push(['log', b, x]);
await table('numericTranscendental', 'ln(a), exp(a), a ^ b with b not integral, log(a, b): [fn, a, b, result]', trans, (f, a, b) => f === 'power' ? `(${a}::numeric ^ ${b}::numeric)::text` : f === 'log' ? `log(${a}::numeric, ${b}::numeric)::text` : `${f}(${a}::numeric)::text`);
const floats = ['1e15','123456789012345','0.0001','0.00001','0.1','1.5','100','1e14','99999999999999.9','1e16','1e100','1.7976931348623157e308','5e-324','2.2250738585072014e-308','-0','0','-1.5e-7','123.456','0.30000000000000004','1e22','4.35','9007199254740993','1234567.0','0.000123456','-1e15','9.999999999999999e14','NaN','Infinity','-Infinity','1e39','1e-46','3.4028235e38','1.17549435e-38','1e-45','16777217','1234567','123456','1e6','999999','1e-5','3.14159265358979','abc',' 1.5 ','1e400','-1e400','1e-400','inf','-inf','+Infinity','  nan','1.5x','','0.1e1','.5','5.','1e+05'];
await table('float8In', 'float8 input → output: [input, output]', floats.map((s) => [s]), (s) => `${lit('float8', s)}::text`);
await table('float4In', 'float4 input → output: [input, output]', floats.map((s) => [s]), (s) => `${lit('float4', s)}::text`);
await table('floatToNumeric', 'float → numeric: [kind, input, output]', [['float8','0.1'],['float8','0.3333333333333333'],['float8','1e20'],['float8','1e-7'],['float8','123.456'],['float8','1152921504606846976'],['float8','5e-324'],['float8','-0.5'],['float4','0.1'],['float4','3.4028235e38'],['float4','1.1754944e-38'],['float8','NaN']], (k, s) => `${lit(k, s)}::numeric::text`);
const intRows = [];
for (const s of ['  42 ', 'abc', '2147483648', '-2147483648', '2147483647', '+7', '-0', '', ' ', '1.5', '1e3', '0x10', '00012', '99999999999999999999', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '32768', '-32768', '4 2', '\t5\n', '+', '-']) for (const k of ['int2', 'int4', 'int8']) intRows.push([k, s]);
await table('intIn', 'integer input: [kind, input, output]', intRows, (k, s) => `${lit(k, s)}::text`);
await table('boolIn', "boolean input → boolout ('t'/'f'): [input, output]", ['yes','on','1','t','true','TRUE',' t ','of','off','no','n','0','f','false','y','tr','o','maybe','','yess','on ','fal'].map((s) => [s]), (s) => `case when ${lit('bool', s)} then 't' else 'f' end`);
const dates = ['2024-01-02', ' 2024-01-02 ', '2024-1-2', '2024-02-30', '2024-13-01', '2023-02-29', '2024-02-29', 'abc', '20240102', '2024-01-02 03:04:05', '0001-01-01', '0001-01-01 BC', '1970-01-01', '1900-03-01', '2024/01/02', '2024-01-02T10:00', 'epoch', '2024-00-10', '2024-01-00', '1-02-03', '69-01-01', '2024/1/2', '1600-02-29', '1700-02-29', '5874898-01-01', '5874897-12-31', '4714-11-24 BC', '4714-11-23 BC'];
await table('dateIn', 'date input → output: [input, output]', dates.map((s) => [s]), (s) => `${lit('date', s)}::text`);
const tss = ['2024-01-02 03:04:05', '2024-01-02 03:04:05.5', '2024-01-02T03:04:05.123456', '2024-01-02 03:04:05.1234567', '2024-01-02', '2024-01-02 24:00:00', '2024-01-02 25:00:00', '2024-01-02 23:60:00', '2024-01-02 23:59:60', '2024-01-02 03:04', '1969-12-31 23:59:59.999999', '1900-01-01 00:00:00', '0044-03-15 12:00:00 BC', '2024-01-02 03:04:05+02', '2024-01-02 03:04:05Z', 'garbage', '2024-01-02 3:4:5', '2024-01-02 03:04:05.', '2024-01-02 03:04:05 -05:30', 'epoch', '2024-02-30 00:00', '294277-01-01', '294276-12-31 00:00:00', '4714-11-23 BC', '4714-11-24 BC'];
const tsRows = [];
for (const s of tss) for (const k of ['timestamp', 'timestamptz']) tsRows.push([k, s]);
await table('timestampIn', 'timestamp input → output (TimeZone UTC): [kind, input, output]', tsRows, (k, s) => `${lit(k, s)}::text`);
const ivs = ['1 day', '2 hours', '1 year 2 mons 3 days 04:05:06', '3 months', '-1 day', '1 day -02:00:00', '0', '00:00:00', '1.5 days', '1.5 months', '1.5 years', '-1 year -2 mons', '1 year -2 mons', '@ 1 day ago', '1 day ago', '10:00', '-10:00', '90 minutes', '1 week', '100000 hours', 'P1D', 'P1Y2M3DT4H5M6S', 'PT1.5S', 'PT', 'P', 'P1W', 'abc', '', '1 fortnight', '0.5 sec', '1 millisecond', '1 microsecond', '-00:00:01', '2 days 25:00:00', '1 decade', '1 century', '1 year 1 year', '12 mons', '-1 mons 1 day', '1:2:3.456789', '+1 day', '1 h 30 m', '1 week 1 day', '1 hour 10:00', '5 5', '5', '1.5', '1 2 days', '1 days 2', '1.123456789 seconds', '1e3 sec', '-1 days +02:00:00'];
await table('intervalIn', 'interval input → output (IntervalStyle postgres): [input, output]', ivs.map((s) => [s]), (s) => `${lit('interval', s)}::text`);
const dt = [];
for (const t of ['2024-01-31 10:00:00', '2024-02-29 00:00:00', '2023-03-31 23:59:59.5', '1960-05-31 01:02:03']) for (const iv of ['1 mon', '-1 mon', '1 year', '1 mon 1 day', '25 hours', '-1 day 02:00:00', '1.5 mons', '13 mons -3 days 12:00:00']) for (const o of ['+', '-']) dt.push(['timestamp', t, o, 'interval', iv]);
for (const d of ['2024-01-31', '2024-02-29']) for (const iv of ['1 mon', '1 year', '1 day 01:00']) { dt.push(['date', d, '+', 'interval', iv]); dt.push(['date', d, '-', 'interval', iv]); dt.push(['interval', iv, '+', 'date', d]); }
for (const [a, b] of [['2024-03-01', '2024-02-01'], ['2024-02-01', '2024-03-01']]) { dt.push(['date', a, '-', 'date', b]); dt.push(['date', a, '+', 'int4', '5']); dt.push(['date', a, '-', 'int4', '5']); dt.push(['int4', '5', '+', 'date', a]); }
for (const [a, b] of [['2024-03-01 10:00', '2024-02-01 12:30'], ['2024-02-01', '2024-03-01 00:00:01'], ['2024-01-01 00:00', '2023-01-01 00:00'], ['2024-01-01 00:00:00.5', '2024-01-01 00:00:01'], ['2024-01-02 01:00', '2024-01-01 02:00']]) { dt.push(['timestamp', a, '-', 'timestamp', b]); dt.push(['timestamptz', a, '-', 'timestamptz', b]); dt.push(['date', a.slice(0, 10), '-', 'timestamp', b]); }
for (const [a, b] of [['1 mon', '30 days'], ['1 day', '24 hours'], ['1 year', '360 days'], ['1 mon', '31 days'], ['1 day 1 hour', '25 hours']]) for (const o of ['=', '<', '>', '+', '-']) dt.push(['interval', a, o, 'interval', b]);
for (const iv of ['1 mon', '1 year 2 mons 3 days 04:05:06', '-1 day 03:00', '7 mons', '00:00:01']) for (const n of ['2', '0.5', '1.5', '3', '-1', '7']) for (const o of ['*', '/']) dt.push(['interval', iv, o, 'float8', n]);
dt.push(['interval', '1 day', '/', 'int4', '0']);
dt.push(['int4', '3', '*', 'interval', '1 mon 1 day']);
dt.push(['timestamp', '294276-12-31', '+', 'interval', '1 day']);
dt.push(['date', '5874897-12-31', '+', 'int4', '1']);
dt.push(['date', '2024-01-01', '+', 'int4', '2147483647']);
dt.push(['date', '300000-01-01', '+', 'interval', '1 day']);
dt.push(['date', '2024-01-01', '<', 'timestamp', '2024-01-01 00:00:01']);
dt.push(['date', '2024-01-01', '=', 'timestamptz', '2024-01-01 00:00']);
await table('dateTimeOps', 'date/time operators: [left kind, left, op, right kind, right, result text]', dt, (lk, ls, o, rk, rs) => `(${lit(lk, ls)} ${o} ${lit(rk, rs)})::text`);
const ex = [];
const fields = ['microseconds','milliseconds','second','minute','hour','day','month','quarter','year','decade','century','millennium','dow','isodow','doy','week','isoyear','epoch','julian'];
for (const t of ['2024-01-02 03:04:05.5', '2020-12-31 23:59:59.999999', '1969-07-20 20:17:40', '0044-03-15 12:00:00 BC', '2008-12-29', '2010-01-03', '2001-01-01']) for (const f of fields) ex.push(['timestamp', t, f]);
for (const iv of ['1 year 2 mons 3 days 04:05:06.5', '-1 year -2 mons', '-3 days -04:05:06.5', '27 mons']) for (const f of ['microseconds','milliseconds','second','minute','hour','day','month','quarter','year','decade','century','millennium','epoch']) ex.push(['interval', iv, f]);
await table('datePart', 'date_part(field, value) (float8): [kind, value, field, result]', ex, (k, v, f) => `date_part('${f}', ${lit(k, v)})::text`);
const tr = [];
for (const t of ['2024-05-17 13:14:15.678912', '1969-12-31 23:59:59.5', '2001-01-01', '0044-03-15 12:00:00 BC']) for (const u of ['microseconds','milliseconds','second','minute','hour','day','week','month','quarter','year','decade','century','millennium']) tr.push([u, t]);
await table('dateTrunc', 'date_trunc(unit, timestamp): [unit, value, result]', tr, (u, t) => `date_trunc('${u}', ${lit('timestamp', t)})::text`);
const casts = [];
for (const x of ['2.5', '3.5', '-2.5', '0.5', '-0.5', '2147483647.4', '2147483647.5', '-2147483648.5', '1e10', '32767.5', '-32768.4', '9223372036854775807.5', 'NaN', 'Infinity']) for (const from of ['float8', 'numeric']) for (const to of ['int2', 'int4', 'int8']) casts.push([from, x, to]);
for (const r of [['bool','true','int4'],['int4','0','bool'],['int4','5','bool'],['bool','true','text'],['bool','false','varchar'],['numeric','1.50','text'],['float4','0.1','float8'],['float4','0.1','numeric'],['float8','1e39','float4'],['float8','1e-50','float4'],['int8','12345678901234567','float8'],['int8','12345678901234567','float4'],['int8','12345678901234567','numeric'],['timestamp','2024-03-04 05:06:07','date'],['timestamp','1960-03-04 05:06:07','date'],['date','2024-03-04','timestamp'],['date','2024-03-04','timestamptz'],['timestamptz','2024-03-04 05:06:07','timestamp'],['date','2024-03-04','text'],['interval','1 day','text'],['numeric','123.456','numeric(5,2)'],['numeric','1234.5','numeric(5,2)'],['int4','12','numeric(5,2)'],['float8','1.5','numeric(3,0)'],['text','abc','int4'],['text',' 12 ','int4'],['text','12.5','numeric(3,0)'],['text','abcdefg','varchar(5)'],['text','abc  ','varchar(2)'],['date','2024-01-02','int4'],['int4','1','date'],['bool','true','int8'],['numeric','1.5','bool'],['int8','1','bool'],['float8','-0','text'],['int2','7','float4'],['interval','1 day','date'],['date','300000-01-01','timestamp'],['date','294276-12-31','timestamp']]) casts.push(r);
await table('casts', 'explicit casts: [from kind, value text, to type, result text]', casts, (f, v, t) => `(${lit(f, v)}::${t})::text`);
const ops = [];
const ints = [['int2','32767'],['int2','-32768'],['int4','2147483647'],['int4','-2147483648'],['int8','9223372036854775807'],['int8','-9223372036854775808'],['int4','7'],['int4','-7'],['int8','-3'],['int4','0']];
for (const [lk, ls] of ints) for (const [rk, rs] of ints) for (const o of ['+','-','*','/','%']) ops.push([lk, ls, o, rk, rs]);
const nums = [['int4','7'],['int8','-3'],['numeric','2.50'],['float8','0.1'],['float4','0.1'],['float8','1e308'],['float8','NaN'],['float8','Infinity'],['numeric','0'],['float4','3e38']];
for (const [lk, ls] of nums) for (const [rk, rs] of nums) for (const o of ['+','-','*','/','%','=','<']) ops.push([lk, ls, o, rk, rs]);
for (const [lk, ls, rk, rs] of [['text','abc','varchar','abc'],['text','abc','unknown','abd'],['unknown','b','unknown','a'],['varchar','a','varchar','B'],['text','é','text','z'],['bool','true','bool','false'],['int4','5','unknown','5'],['numeric','1.0','unknown','1.00'],['int8','5','int4','5'],['numeric','1.10','float8','1.1'],['float4','0.1','float8','0.1'],['float4','0.1','numeric','0.1'],['interval','1 day','unknown','24 hours'],['text','','text','a'],['text','abc','text','ab'],['float8','NaN','float8','NaN'],['float8','NaN','float8','Infinity'],['float8','-0','float8','0']]) for (const o of ['=','<','>=','<>']) ops.push([lk, ls, o, rk, rs]);
for (const [lk, ls, rk, rs] of [['text','a','text','b'],['text','a','int4','5'],['int4','5','text','a'],['text','x','numeric','1.50'],['text','x','bool','true'],['text','x','date','2024-01-01'],['unknown','x','int4','1'],['varchar','a','varchar','b'],['text','x','float8','0.1'],['unknown','a','unknown','b'],['int4','1','bool','true'],['int4','1','int4','1']]) ops.push([lk, ls, '||', rk, rs]);
for (const [lk, o, rk] of [['int4','+','bool'],['text','+','int4'],['date','*','int4'],['int4','=','text'],['bool','<','int4'],['bool','+','bool'],['date','=','interval'],['timestamp','+','timestamp'],['interval','/','interval'],['int4','-','date']]) ops.push([lk, lk === 'text' ? 'a' : lk === 'bool' ? 'true' : lk === 'date' ? '2024-01-01' : lk === 'timestamp' ? '2024-01-01' : lk === 'interval' ? '1 day' : '1', o, rk, rk === 'text' ? 'a' : rk === 'bool' ? 'true' : rk === 'date' ? '2024-01-01' : rk === 'timestamp' ? '2024-01-01' : rk === 'interval' ? '1 day' : '1']);
await table('binaryOps', 'binary operators: [left kind, left, op, right kind, right, result text]', ops, (lk, ls, o, rk, rs) => `(${lit(lk, ls)} ${o} ${lit(rk, rs)})::text`);
const kinds = ['int2','int4','int8','numeric','float4','float8'];
const ot = [];
for (const a of kinds) for (const b of kinds) for (const o of ['+','/','%','^','<']) ot.push([a, o, b]);
await table('operatorTypes', 'result types: [left kind, op, right kind, pg_typeof]', ot, (a, o, b) => `pg_typeof(null::${a} ${o} null::${b})::text`);
const ks = ['int2','int4','int8','numeric','float4','float8','text','varchar','bool','date','timestamp','timestamptz','interval','unknown'];
const ct = [];
for (const a of ks) for (const b of ks) if (!((a === 'unknown') && ['date','timestamp','timestamptz','interval','bool'].includes(b)) && !((b === 'unknown') && ['date','timestamp','timestamptz','interval','bool'].includes(a)) && !(a === 'unknown' && kinds.includes(b)) && !(b === 'unknown' && kinds.includes(a))) ct.push([`${a},${b}`]);
for (const l of ['int4,int8,numeric','unknown,unknown','float4,int8','varchar,text','date,timestamptz,timestamp','numeric,float4','text,unknown,varchar']) ct.push([l]);
const sqlKind = (k) => k === 'unknown' ? `'1'` : `null::${k}`;
await table('commonTypes', 'UNION column types: [comma-separated kinds, pg_typeof or error]', ct, (l) => `(select pg_typeof(x)::text from (${l.split(',').map((k) => `select ${sqlKind(k)} as x`).join(' union all ')}) s limit 1)`);
const sendFn = { bool: 'boolsend', int2: 'int2send', int4: 'int4send', int8: 'int8send', float4: 'float4send', float8: 'float8send', numeric: 'numeric_send', text: 'textsend', varchar: 'varcharsend', date: 'date_send', timestamp: 'timestamp_send', timestamptz: 'timestamptz_send', interval: 'interval_send' };
const bins = { bool: ['t', 'f'], int2: ['0', '-32768', '32767'], int4: ['-2147483648', '42'], int8: ['-9223372036854775808', '9223372036854775807'], float4: ['0.1', '-0', 'NaN', 'Infinity'], float8: ['0.1', '1e308', '-Infinity', '5e-324'], numeric: ['0', '0.00', '1.50', '-0.001', '123456789.123456789', '10000', '1e20', '0.0001', '-12345678901234567890.5', '1.0e-10', '12.3400'], text: ['héllo', ''], varchar: ['abc'], date: ['2024-01-02', '1999-12-31', '0044-03-15 BC'], timestamp: ['2024-01-02 03:04:05.5', '1960-01-01 00:00:00'], timestamptz: ['2000-01-01 00:00:00+00'], interval: ['1 year 2 mons 3 days 04:05:06.5', '-1 day'] };
const br = [];
for (const [k, vs] of Object.entries(bins)) for (const v of vs) br.push([k, v]);
await table('binaryFormats', "binary send format: [kind, input text, hex of the type's send function]", br, (k, v) => `encode(${sendFn[k]}(${lit(k, v)}), 'hex')`);
writeFileSync(target, `// Inputs with the outputs PostgreSQL ${ver.split(' ')[0]} gave for them (TimeZone UTC, DateStyle ISO, MDY),
// written by gen-pg-fixtures.mjs against a real server; errors read 'ERROR <sqlstate>: <message>'.

${out.join('\n')}`);
await c.end();
console.log('written', out.length, 'tables');
