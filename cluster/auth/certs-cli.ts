// npx just certs: the cluster CA and a certificate per node in <dataDir>/tls (up does this too).
import { runCli } from '../common/cli-usage.ts';
import { loadConfig } from '../config.ts';
import { ensureClusterCerts, tlsDir } from './cluster-certs.ts';

await runCli(async () => {
  const config = loadConfig();
  const made = ensureClusterCerts(config.dataDirAbs, config.nodes.map((n) => n.id), config.host, config.clusterId);
  console.log(made.length === 0 ? `certificates already in ${tlsDir(config.dataDirAbs)}` : `made ${made.join(', ')} in ${tlsDir(config.dataDirAbs)}`);
  return 0;
});
