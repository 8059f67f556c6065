// Differential check against a real toxiproxy-server (a dev tool, run by hand; CI has no Go server):
//   node --import tsx chaos/proxy/compare-servers.ts --reference http://127.0.0.1:PORT
//        [--ours URL] [--port-base 21100] [--only TEXT] [--slow] [--show-equal]
// Sends the same raw HTTP exchanges (and wire probes) to both servers, case by case, and compares
// the answers byte for byte after masking Date, the request id's value and the proxies' listen
// ports. Without --ours it starts our server in this process. Listen ports come from --port-base
// (reference: base..base+39, ours: base+50..base+89), so both ranges must be free. Every case
// starts from an empty server (all proxies deleted). --slow adds the 15 s / 60 s timeout cases.
// Exit 1 when a case differs that is not a listed deviation (README.md, "Deviations").
import { compareCases } from './compare-cases.ts';
import { runComparison } from './compare-runner.ts';
import { startToxiproxyServer } from './server.ts';
import { intOption, parseCliArgs, runCli, UsageError } from '../../cluster/common/cli-usage.ts';

await runCli(async () => {
  const { values } = parseCliArgs(process.argv.slice(2), {
    reference: { type: 'string' },
    ours: { type: 'string' },
    'port-base': { type: 'string' },
    only: { type: 'string' },
    slow: { type: 'boolean' },
    'show-equal': { type: 'boolean' },
  });
  if (typeof values.reference !== 'string') throw new UsageError('--reference URL (a real toxiproxy-server 2.12) is required');
  const portBase = intOption('port-base', values['port-base'] as string | undefined, 21100, 1024, 65435);
  const only = values.only as string | undefined;
  const ours = typeof values.ours === 'string' ? undefined : await startToxiproxyServer({ host: '127.0.0.1', port: 0, seed: 1 });
  try {
    const cases = compareCases({ slow: values.slow === true }).filter((c) => !only || c.name.includes(only));
    const result = await runComparison({
      reference: values.reference,
      ours: typeof values.ours === 'string' ? values.ours : ours!.url,
      portBase,
      cases,
      showEqual: values['show-equal'] === true,
      print: (line) => process.stdout.write(`${line}\n`),
    });
    return result.unexplained > 0 ? 1 : 0;
  } finally {
    await ours?.close();
  }
});
