import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { openTable } from './dist/src/data/table.js';
const word = fc.string({ unit: fc.constantFrom('a', 'É', ' ', ';', '"', '\n', '=', '0', '😀', '\u202f', '<'), maxLength: 12 });
const cell = fc.oneof(word, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.date({ min: new Date('1900-03-01'), max: new Date('2100-01-01'), noInvalidDate: true }), fc.constant(null));
let found = 0, n = 0;
const race = (p) => Promise.race([p, new Promise((r) => setTimeout(() => r('HANG'), 3000))]);
await fc.assert(fc.asyncProperty(fc.array(fc.array(cell, { maxLength: 6 }), { minLength: 1, maxLength: 8 }), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 10, maxLength: 10 }), fc.nat(), async (rows, flips, cut) => {
  const wb = new ExcelJS.Workbook(); const ws = wb.addWorksheet('Feuil1'); for (const r of rows) ws.addRow(r);
  await wb.xlsx.writeFile('/tmp/f.xlsx');
  const intact = readFileSync('/tmp/f.xlsx');
  const read = async (p) => { try { const t = await openTable(p); for await (const _ of t.rows); return 'ok'; } catch (e) { return e.constructor.name + ':' + e.message.slice(0, 80); } };
  const r0 = await race(read('/tmp/f.xlsx')); if (r0 === 'HANG') { console.log('intact hang', n); writeFileSync(`/tmp/hang-intact-${found++}.xlsx`, intact); }
  const damaged = [...flips.map(([at, value]) => Buffer.from(intact).fill(value, at % intact.length, (at % intact.length) + 1)), intact.subarray(0, Math.max(1, cut % intact.length))];
  for (const b of damaged) { n++; writeFileSync('/tmp/g.xlsx', b); const r = await race(read('/tmp/g.xlsx')); if (r === 'HANG' || !/^(ok|RelaisError)/.test(r)) { console.log('case', n, r); writeFileSync(`/tmp/hang-${found++}.xlsx`, b); } }
  if (found >= 2) return false;
}), { numRuns: 750, seed: 20200410 }).catch((e) => console.log('stopped', e.message.slice(0, 100)));
console.log('cases', n, 'found', found);
process.exit(0);
