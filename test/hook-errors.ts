// Preloaded by run-all (node --import) into every test file: uvu runs `test.before` hooks inside a
// try whose `finally` returns, so an error there (a cluster that did not start) vanishes and the
// file shows only "(0 / N)". Each before hook is wrapped to print its error as one marked line
// plus the stack, and the file exits non-zero. Suites made with uvu's `suite()` are not wrapped.
import { test } from 'uvu';

export const hookErrorMarker = '[before-hook failed]';

let failed = false;
const before = test.before;
const wrapped = ((fn: Parameters<typeof before>[0]) => before(async (state) => {
  try {
    await fn(state);
  } catch (err) {
    failed = true;
    const e = err instanceof Error ? err : new Error(String(err));
    console.error(`${hookErrorMarker} ${e.message.split('\n')[0]}`);
    console.error(e.stack ?? e.message);
    throw err;
  }
})) as typeof before;
wrapped.each = before.each;
test.before = wrapped;

// uvu sets the exit code when it ends (0: it saw no failed test); 'exit' listeners run after.
process.on('exit', () => { if (failed) process.exitCode = 1; });
