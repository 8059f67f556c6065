// just images [--offline|--online]: the containers' images (cluster/containers/images.ts).
import { runCli } from '../common/cli-usage.ts';
import { dockerCli } from './cli.ts';

await runCli(async () => {
  const [verb, ...rest] = process.argv.slice(2);
  return dockerCli(verb, rest);
});
