// Request bodies decoded the way Toxiproxy 2.12's handlers decode them, with its defaults and its
// error texts. Type names in messages are the Go types those handlers decode into.
import { apiErrors } from './errors.ts';
import { GoDecoder, type GoStruct, type GoValue } from './go-json-decode.ts';
import { GoJsonSyntaxError, parseGoJson, type GoJsonNode } from './go-json-parse.ts';
import type { StreamName } from './link.ts';
import { toxicKind } from './toxics/registry.ts';
import type { Attributes, ToxicKind } from './toxics/stage.ts';

export interface ProxySpec {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

export interface ToxicSpec {
  name: string;
  type: string;
  stream: string;
  direction: StreamName;
  toxicity: number;
  kind: ToxicKind;
  attributes: Attributes;
}

const proxyStruct: GoStruct = { name: 'Proxy', fields: { name: 'string', listen: 'string', upstream: 'string', enabled: 'bool' } };
const populateItemStruct: GoStruct = { ...proxyStruct, name: '' };
const populateItemType = 'struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }';
const wrapperStruct: GoStruct = {
  name: 'ToxicWrapper',
  fields: { name: 'string', type: 'string', stream: 'string', toxicity: 'float32' },
};
const toxicUpdateType = 'struct { Attributes interface {} "json:\\"attributes\\""; Toxicity float32 "json:\\"toxicity\\"" }';

function parse(body: string): GoJsonNode {
  try {
    return parseGoJson(body);
  } catch (err) {
    if (err instanceof GoJsonSyntaxError) throw apiErrors.badBody(err.message);
    throw err;
  }
}

function finish(decoder: GoDecoder): void {
  try {
    decoder.finish();
  } catch (err) {
    throw apiErrors.badBody((err as Error).message);
  }
}

function isStructLike(node: GoJsonNode): boolean {
  return node.kind === 'object' || node.kind === 'null';
}

/** POST /proxies: missing name or upstream is a 400; enabled defaults to true. */
export function decodeProxyCreate(body: string): ProxySpec {
  const node = parse(body);
  const decoder = new GoDecoder();
  const input: Record<string, GoValue> = { name: '', listen: '', upstream: '', enabled: true };
  if (isStructLike(node)) decoder.decodeStruct(node, proxyStruct, input);
  else decoder.valueError(node.kind, 'toxiproxy.Proxy');
  finish(decoder);
  const spec = input as unknown as ProxySpec;
  if (spec.name === '') throw apiErrors.missingField('name');
  if (spec.upstream === '') throw apiErrors.missingField('upstream');
  return spec;
}

/** PATCH|POST /proxies/{p}: fields absent from the body keep their current values. */
export function decodeProxyUpdate(body: string, current: Omit<ProxySpec, 'name'>): Omit<ProxySpec, 'name'> {
  const node = parse(body);
  const decoder = new GoDecoder();
  const input: Record<string, GoValue> = { name: '', ...current };
  if (isStructLike(node)) decoder.decodeStruct(node, proxyStruct, input);
  else decoder.valueError(node.kind, 'toxiproxy.Proxy');
  finish(decoder);
  return { listen: input.listen as string, upstream: input.upstream as string, enabled: input.enabled as boolean };
}

/** POST /populate: the whole batch is checked before anything is applied; N in messages is 1-based. */
export function decodePopulate(body: string): ProxySpec[] {
  const node = parse(body);
  const decoder = new GoDecoder();
  const items: ProxySpec[] = [];
  if (node.kind === 'array') {
    for (const element of node.items) {
      const input: Record<string, GoValue> = { name: '', listen: '', upstream: '', enabled: true };
      if (isStructLike(element)) decoder.decodeStruct(element, populateItemStruct, input);
      else decoder.valueError(element.kind, populateItemType);
      items.push(input as unknown as ProxySpec);
    }
  } else if (node.kind !== 'null') {
    decoder.valueError(node.kind, `[]${populateItemType}`);
  }
  finish(decoder);
  items.forEach((item, i) => {
    if (item.name === '') throw apiErrors.missingField(`name at proxy ${i + 1}`);
    if (item.upstream === '') throw apiErrors.missingField(`upstream at proxy ${i + 1}`);
  });
  return items;
}

function defaultAttributes(kind: ToxicKind): Attributes {
  return Object.fromEntries(Object.keys(kind.fields).map((f) => [f, 0]));
}

/**
 * POST /proxies/{p}/toxics. Checks in Toxiproxy's order: body syntax and types, stream, type,
 * duplicate name (`exists`), then the attributes against the type's own struct.
 */
export function decodeToxicCreate(body: string, exists: (name: string) => boolean): ToxicSpec {
  const node = parse(body);
  const decoder = new GoDecoder();
  const wrapper: Record<string, GoValue> = { name: '', type: '', stream: 'downstream', toxicity: 1 };
  let attributesNode: GoJsonNode | undefined;
  if (isStructLike(node)) {
    attributesNode = decoder.decodeStruct(node, wrapperStruct, wrapper, [], ['attributes']).get('attributes');
    if (attributesNode && !isStructLike(attributesNode)) {
      decoder.fieldError('ToxicWrapper', ['attributes'], attributesNode.kind, 'toxics.NoopToxic');
    }
  } else {
    decoder.valueError(node.kind, 'toxics.ToxicWrapper');
  }
  finish(decoder);
  // Go's stream.ParseDirection lowercases; the name and the stored stream keep the sender's case.
  const stream = wrapper.stream as string;
  const direction = goToLower(stream);
  if (direction !== 'upstream' && direction !== 'downstream') throw apiErrors.invalidStream();
  const type = wrapper.type as string;
  const name = (wrapper.name as string) || `${type}_${stream}`;
  const kind = toxicKind(type);
  if (!kind) throw apiErrors.invalidToxicType();
  if (exists(name)) throw apiErrors.toxicExists();
  const attributes = defaultAttributes(kind);
  const attrDecoder = new GoDecoder();
  if (attributesNode) attrDecoder.decodeStruct(attributesNode, { name: kind.goStruct, fields: kind.fields }, attributes, ['attributes']);
  finish(attrDecoder);
  return { name, type, stream, direction, toxicity: wrapper.toxicity as number, kind, attributes };
}

/** PATCH|POST /proxies/{p}/toxics/{t}: merges attributes and toxicity; other keys are ignored. */
export function decodeToxicUpdate(
  body: string,
  current: { kind: ToxicKind; attributes: Attributes; toxicity: number },
): { attributes: Attributes; toxicity: number } {
  const node = parse(body);
  const decoder = new GoDecoder();
  const update: Record<string, GoValue> = { toxicity: current.toxicity };
  const attributes: Attributes = { ...current.attributes };
  if (isStructLike(node)) {
    const found = decoder.decodeStruct(node, { name: '', fields: { toxicity: 'float32' } }, update, [], ['attributes']);
    const attributesNode = found.get('attributes');
    if (attributesNode && isStructLike(attributesNode)) {
      decoder.decodeStruct(attributesNode, { name: current.kind.goStruct, fields: current.kind.fields }, attributes, ['attributes']);
    } else if (attributesNode) {
      decoder.fieldError('', ['attributes'], attributesNode.kind, `toxics.${current.kind.goStruct}`);
    }
  } else {
    decoder.valueError(node.kind, toxicUpdateType);
  }
  finish(decoder);
  return { attributes, toxicity: update.toxicity as number };
}


/**
 * Go's strings.ToLower. JS differs only on a few characters (U+0130 becomes two code points), none
 * of which can lower to a letter of "upstream"/"downstream", so the stream check agrees.
 */
function goToLower(text: string): string {
  return text.toLowerCase();
}
