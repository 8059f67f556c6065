// Regenerate the committed container files from the 3-node container configuration:
// docker-compose.yml, cluster/containers/toxiproxy.json, monitoring/containers/targets/*.json.
//   node --import tsx cluster/containers/generate-cli.ts
import { writeFileSync } from 'node:fs';
import { containerConfig } from './compose-file.ts';
import { committed, composeText, toxiproxyJsonText, writeTargets } from './generated-files.ts';

const config = containerConfig(3);
writeFileSync(committed.compose, composeText(config));
writeFileSync(committed.toxiproxyJson, toxiproxyJsonText(config));
writeTargets(committed.targetsDir, config);
console.log(`wrote ${committed.compose}, ${committed.toxiproxyJson}, ${committed.targetsDir}/`);
