// npx just token create --role read|write|admin [--name NAME] | list | revoke <id|name>
// Works on the cluster's data directory (cluster/config.ts); running nodes and the gateway see
// a change at their next request, with no restart.
import { parseCliArgs, runCli, UsageError } from '../common/cli-usage.ts';
import { loadConfig } from '../config.ts';
import { createToken, isRole, listTokens, revokeToken, roles } from './token-store.ts';

await runCli(async () => {
  const { values, positionals } = parseCliArgs(process.argv.slice(2), { role: { type: 'string' }, name: { type: 'string' } });
  const config = loadConfig();
  const dir = config.dataDirAbs;
  const [command, arg] = positionals;
  if (command === 'create') {
    if (!isRole(values.role)) throw new UsageError(`--role must be one of ${roles.join(', ')}`);
    const name = values.name ?? `${values.role}-${new Date().toISOString().slice(0, 10)}`;
    if (!/^[\w.-]{1,64}$/.test(name)) throw new UsageError('--name: 1-64 letters, digits, "_", "." or "-"');
    const { token, record } = createToken(dir, values.role, name);
    console.error(`created token ${record.id} "${record.name}" (role ${record.role}); it is shown only now:`);
    console.log(token);
    return 0;
  }
  if (command === 'list') {
    const tokens = listTokens(dir);
    if (tokens.length === 0) console.log(`no tokens in ${dir} (the first \`npx just up\` creates the admin token)`);
    for (const t of tokens) {
      const state = t.revokedAtMs === undefined ? 'active' : `revoked ${new Date(t.revokedAtMs).toISOString()}`;
      console.log(`${t.id}  ${t.role.padEnd(5)}  ${t.name.padEnd(20)}  created ${new Date(t.createdAtMs).toISOString()}  ${state}`);
    }
    return 0;
  }
  if (command === 'revoke') {
    if (!arg) throw new UsageError('which token? npx just token revoke <id|name>');
    for (const t of revokeToken(dir, arg)) console.log(`revoked ${t.id} "${t.name}" (role ${t.role})`);
    return 0;
  }
  throw new UsageError('usage: npx just token create --role read|write|admin [--name NAME] | list | revoke <id|name>');
});
