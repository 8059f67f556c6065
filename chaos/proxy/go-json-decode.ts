// Stores parsed JSON into flat "Go structs" with the same rules and error texts as encoding/json
// (Go 1.19): keys match exactly, else case-insensitively; unknown keys and nulls are ignored; a
// value of the wrong kind gives "json: cannot unmarshal <kind> into Go struct field
// <Struct>.<path> of type <type>", and decoding goes on so that the first such error is the one
// reported. Integers are kept as JS numbers (exact up to 2^53).
import type { GoJsonNode } from './go-json-parse.ts';

export type GoScalarType = 'string' | 'bool' | 'int64' | 'int' | 'float32';
export type GoValue = string | boolean | number;

export interface GoStruct {
  /** Struct name as Go prints it in errors ("Proxy", "LatencyToxic"; "" for anonymous structs). */
  name: string;
  fields: Record<string, GoScalarType>;
}

export class GoJsonTypeError extends Error {
  readonly code = 'GO_JSON_TYPE';
}

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

function kindWord(node: GoJsonNode): string {
  return node.kind === 'bool' ? 'bool' : node.kind;
}

/** The error a value of the wrong kind gives, or undefined when the value fits. */
function convert(node: GoJsonNode, type: GoScalarType): { value: GoValue } | { badValue: string } | undefined {
  if (node.kind === 'null') return undefined;
  switch (type) {
    case 'string':
      return node.kind === 'string' ? { value: node.value } : { badValue: kindWord(node) };
    case 'bool':
      return node.kind === 'bool' ? { value: node.value } : { badValue: kindWord(node) };
    case 'int':
    case 'int64': {
      if (node.kind !== 'number') return { badValue: kindWord(node) };
      if (!/^-?\d+$/.test(node.raw)) return { badValue: `number ${node.raw}` };
      const big = BigInt(node.raw);
      if (big < int64Min || big > int64Max) return { badValue: `number ${node.raw}` };
      return { value: Number(big) };
    }
    case 'float32': {
      if (node.kind !== 'number') return { badValue: kindWord(node) };
      const f = Math.fround(Number(node.raw));
      if (!Number.isFinite(f)) return { badValue: `number ${node.raw}` };
      return { value: f };
    }
  }
}

export class GoDecoder {
  private firstError: GoJsonTypeError | undefined;

  fieldError(struct: string, path: string[], badValue: string, type: string): void {
    this.firstError ??= new GoJsonTypeError(
      `json: cannot unmarshal ${badValue} into Go struct field ${struct}.${path.join('.')} of type ${type}`,
    );
  }

  valueError(badValue: string, type: string): void {
    this.firstError ??= new GoJsonTypeError(`json: cannot unmarshal ${badValue} into Go value of type ${type}`);
  }

  /**
   * Stores an object's known fields into `target` (which holds the defaults, so this merges).
   * `path` is where the object sits (["attributes"] for a toxic's attributes). Returns the keys of
   * `extra` that were present, for fields the caller handles itself.
   */
  decodeStruct(
    node: GoJsonNode,
    struct: GoStruct,
    target: Record<string, GoValue>,
    path: string[] = [],
    extra: string[] = [],
  ): Map<string, GoJsonNode> {
    const found = new Map<string, GoJsonNode>();
    if (node.kind !== 'object') return found;
    const names = [...Object.keys(struct.fields), ...extra];
    for (const [key, value] of node.entries) {
      const name = names.find((n) => n === key) ?? names.find((n) => n.toLowerCase() === key.toLowerCase());
      if (name === undefined) continue;
      const type = struct.fields[name];
      if (type === undefined) { found.set(name, value); continue; }
      const result = convert(value, type);
      if (result === undefined) continue;
      if ('badValue' in result) this.fieldError(struct.name, [...path, name], result.badValue, type);
      else target[name] = result.value;
    }
    return found;
  }

  /** Throws the first type error met, as json.Decoder.Decode returns it after decoding. */
  finish(): void {
    if (this.firstError) throw this.firstError;
  }
}
