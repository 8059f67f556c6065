// Toxiproxy's JSON shapes, in its key order. "Logger":{} is an exported, untagged field of
// upstream's Proxy struct that its encoder prints; clients ignore it, but byte-exact it is.
import { GoFloat32, GoInt, type GoJson } from './go-json-encode.ts';
import type { Proxy, Toxic } from './proxy.ts';

export function toxicJson(toxic: Toxic): GoJson {
  const attributes: Record<string, GoJson> = {};
  for (const field of Object.keys(toxic.kind.fields)) attributes[field] = new GoInt(toxic.attributes[field] ?? 0);
  return {
    attributes,
    name: toxic.name,
    type: toxic.type,
    stream: toxic.stream,
    toxicity: new GoFloat32(toxic.toxicity),
  };
}

export function proxyJson(proxy: Proxy): GoJson {
  return {
    name: proxy.name,
    listen: proxy.listen,
    upstream: proxy.upstream,
    enabled: proxy.enabled,
    Logger: {},
    toxics: proxy.allToxics().map(toxicJson),
  };
}
