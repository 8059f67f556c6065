// Encodes values byte-for-byte as Go's encoding/json (Go 1.19) does for the types Toxiproxy sends:
// strings escape <, >, & and U+2028/9 and use \u00XX for control characters other than \n \r \t;
// float32 values print with the fewest digits that round-trip through float32 (0.1, not
// 0.10000000149011612). Key order is the caller's (Go emits struct fields in declaration order).

export type GoJson =
  | string
  | boolean
  | null
  | GoInt
  | GoFloat32
  | GoJson[]
  | Map<string, GoJson>
  | { [key: string]: GoJson };

/** Marks a number to print as an integer. */
export class GoInt {
  constructor(readonly value: number) {}
}

/** Marks a number stored as float32. */
export class GoFloat32 {
  constructor(readonly value: number) {}
}

export function goQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate is invalid UTF-8 to Go, which writes U+FFFD instead.
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) { out += s[i]! + s[i + 1]!; i++; }
      else out += '\ufffd';
    } else out += s[i];
  }
  return `${out}"`;
}

export function formatFloat32(value: number): string {
  const f = Math.fround(value);
  if (Object.is(f, -0)) return '-0';
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    // JS switches to exponent form at the same bounds Go uses (< 1e-6, >= 1e21) and writes the
    // exponent the way Go's cleanup leaves it (1e-7, 1e+21).
    if (Math.fround(candidate) === f) return String(candidate);
  }
  return String(f);
}

export function formatInt(value: number): string {
  return Number.isSafeInteger(value) ? String(value) : BigInt(Math.trunc(value)).toString();
}

export function goStringify(value: GoJson): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof GoInt) return formatInt(value.value);
  if (value instanceof GoFloat32) return formatFloat32(value.value);
  if (Array.isArray(value)) return `[${value.map(goStringify).join(',')}]`;
  const parts: string[] = [];
  // A Map keeps insertion order even for keys like "10" that a plain object would move first.
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  for (const [k, v] of entries) parts.push(`${goQuote(k)}:${goStringify(v)}`);
  return `{${parts.join(',')}}`;
}
