// Measuring what each relais process of a test run costs (not loaded by the suite itself):
//   RELAIS_SPAWN_CPU=/tmp/spawns.jsonl NODE_OPTIONS="--import $PWD/tests/helpers/spawn-cpu.mjs" npx vitest run tests/x.test.ts
// (an absolute path: some tests start relais from another folder, where ./tests/… is not found).
// appends one JSON line per relais process that ends by itself: its arguments (temporary folders
// shortened to <d>), its CPU seconds (threads included), its wall seconds and its exit code.
// RELAIS_TEST_CPU (tests/helpers/cpu.ts) says which files cost; this says which commands do.
// Plain JavaScript: it runs inside the compiled relais, before its own modules load.
import { appendFileSync } from 'node:fs';

if (process.env.RELAIS_SPAWN_CPU && /bin[/\\]relais\.js$/.test(process.argv[1] ?? '')) {
  const start = performance.now();
  process.on('exit', (code) => {
    const cpu = process.cpuUsage();
    const args = process.argv.slice(2).map((a) => a.replace(/\/tmp\/[^/\s]+/g, '<d>'));
    const line = { args, cpu: +((cpu.user + cpu.system) / 1e6).toFixed(3), wall: +((performance.now() - start) / 1000).toFixed(2), code };
    try {
      appendFileSync(process.env.RELAIS_SPAWN_CPU, `${JSON.stringify(line)}\n`);
    } catch {
      // A measurement never changes how relais ends.
    }
  });
}
