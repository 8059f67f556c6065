/**
 * A YAML emitter for the compose files this project generates: maps, lists, strings, numbers,
 * booleans. Strings are always double-quoted (JSON escapes are valid YAML), so `${VAR:-x}`,
 * `127.0.0.1:8080:8080` and `"yes"` mean exactly what they say to compose 1.29 and 2.x.
 */
export type YamlValue = string | number | boolean | null | readonly YamlValue[] | { readonly [key: string]: YamlValue };

function scalar(v: string | number | boolean | null): string {
  if (v === null) return 'null';
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

const plainKey = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const key = (k: string) => (plainKey.test(k) ? k : JSON.stringify(k));
const isScalar = (v: YamlValue): v is string | number | boolean | null => v === null || typeof v !== 'object';
const isEmpty = (v: YamlValue) => !isScalar(v) && (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0);

function emit(v: YamlValue, indent: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  if (Array.isArray(v)) {
    for (const item of v as readonly YamlValue[]) {
      if (isScalar(item) || isEmpty(item)) out.push(`${pad}- ${isScalar(item) ? scalar(item) : Array.isArray(item) ? '[]' : '{}'}`);
      else {
        const inner: string[] = [];
        emit(item, indent + 2, inner);
        out.push(`${pad}- ${inner[0]!.trimStart()}`, ...inner.slice(1));
      }
    }
    return;
  }
  for (const [k, item] of Object.entries(v as Record<string, YamlValue>)) {
    if (isScalar(item)) out.push(`${pad}${key(k)}: ${scalar(item)}`);
    else if (isEmpty(item)) out.push(`${pad}${key(k)}: ${Array.isArray(item) ? '[]' : '{}'}`);
    // Short lists of scalars read best inline (exec-form commands, healthcheck tests).
    else if (Array.isArray(item) && item.every(isScalar) && JSON.stringify(item).length < 100) out.push(`${pad}${key(k)}: [${item.map((s) => scalar(s as string)).join(', ')}]`);
    else {
      out.push(`${pad}${key(k)}:`);
      emit(item, indent + 2, out);
    }
  }
}

export function toYaml(v: YamlValue): string {
  const out: string[] = [];
  emit(v, 0, out);
  return `${out.join('\n')}\n`;
}
