// npx just audit verify [node|gateway]: checks the keyed chain (audit.key beside each log) of each
// audit log in the data directory; exits 1 naming the first bad line of the first log that fails.
import { existsSync } from 'node:fs';
import { parseCliArgs, runCli, UsageError } from '../common/cli-usage.ts';
import { loadConfig } from '../config.ts';
import { auditKeyPath, auditLogPath, readAuditKey } from './audit-log.ts';
import { verifyAuditFile } from './audit-verify.ts';

await runCli(async () => {
  const { positionals } = parseCliArgs(process.argv.slice(2), {});
  const [command, which] = positionals;
  if (command !== 'verify') throw new UsageError('usage: npx just audit verify [node|gateway]');
  const config = loadConfig();
  const names = which ? [which] : [...config.nodes.map((n) => n.id), 'gateway'];
  let failed = false;
  for (const name of names) {
    const path = auditLogPath(config.dataDirAbs, name);
    if (!existsSync(path)) {
      if (which) throw new UsageError(`no audit log for ${name} at ${path}`);
      continue;
    }
    const key = readAuditKey(config.dataDirAbs, name);
    if (key === null) {
      console.log(`${name}: BAD: no audit key at ${auditKeyPath(config.dataDirAbs, name)}, so the chain cannot be checked`);
      failed = true;
      continue;
    }
    const v = verifyAuditFile(path, key);
    if (v.ok) console.log(`${name}: ok, ${v.lines} lines (${path})`);
    else {
      console.log(`${name}: BAD at line ${v.badLine} of ${v.lines}: ${v.reason} (${path}:${v.badLine})`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
});
