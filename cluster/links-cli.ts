// Regenerate the root toxiproxy.json from the default configuration, or print the links of the
// current one (env overrides applied): node --import tsx cluster/links-cli.ts [--print]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, repoRoot } from './config.ts';
import { defaultToxiproxyJson, linkSpecs } from './links.ts';

if (process.argv.includes('--print')) {
  console.log(JSON.stringify(linkSpecs(loadConfig()), null, 2));
} else {
  writeFileSync(join(repoRoot, 'toxiproxy.json'), defaultToxiproxyJson());
  console.log('wrote toxiproxy.json');
}
