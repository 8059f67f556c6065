// The subset of EDN that Jepsen histories use: nil, booleans, numbers, "strings", :keywords,
// [vectors] and {maps} with keyword keys (a map comes back keyed by the keyword's name).

export class EdnKeyword {
  constructor(readonly name: string) {}
  toString(): string {
    return `:${this.name}`;
  }
}

export type Edn = null | boolean | number | string | EdnKeyword | Edn[] | { [key: string]: Edn };

export class EdnSyntaxError extends Error {
  constructor(message: string, readonly column: number) {
    super(`${message} at column ${column}`);
    this.name = 'EdnSyntaxError';
  }
}

const SYMBOL_CHAR = /[A-Za-z0-9*+!\-_?<>=./:#]/;

export function parseEdn(text: string): Edn {
  let pos = 0;
  const skipSpace = (): void => {
    while (pos < text.length && (text[pos] === ' ' || text[pos] === ',' || text[pos] === '\t' || text[pos] === '\n' || text[pos] === '\r')) pos++;
  };
  const fail = (message: string): never => {
    throw new EdnSyntaxError(message, pos + 1);
  };
  const parseValue = (): Edn => {
    skipSpace();
    const c = text[pos];
    if (c === undefined) return fail('unexpected end');
    if (c === '[') return parseSeq(']');
    if (c === '(') return parseSeq(')');
    if (c === '{') return parseMap();
    if (c === '"') return parseString();
    let end = pos;
    while (end < text.length && SYMBOL_CHAR.test(text[end]!)) end++;
    if (end === pos) return fail(`unexpected ${JSON.stringify(c)}`);
    const token = text.slice(pos, end);
    pos = end;
    if (token === 'nil') return null;
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (token.startsWith(':') && token.length > 1) return new EdnKeyword(token.slice(1));
    if (/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?N?M?$/.test(token)) return Number(token.replace(/[NM]$/, ''));
    return fail(`unsupported token ${JSON.stringify(token)}`);
  };
  const parseSeq = (close: string): Edn[] => {
    pos++;
    const items: Edn[] = [];
    for (;;) {
      skipSpace();
      if (pos >= text.length) return fail(`missing ${close}`);
      if (text[pos] === close) { pos++; return items; }
      items.push(parseValue());
    }
  };
  const parseMap = (): { [key: string]: Edn } => {
    pos++;
    const map: { [key: string]: Edn } = Object.create(null) as { [key: string]: Edn };
    for (;;) {
      skipSpace();
      if (pos >= text.length) return fail('missing }');
      if (text[pos] === '}') { pos++; return map; }
      const key = parseValue();
      if (!(key instanceof EdnKeyword)) return fail('map keys must be keywords');
      if (Object.hasOwn(map, key.name)) return fail(`duplicate key ${key}`);
      map[key.name] = parseValue();
    }
  };
  const parseString = (): string => {
    pos++;
    let out = '';
    for (;;) {
      // Copy the run up to the next quote or backslash in one slice (strings run to ~1 KB).
      let end = pos;
      while (end < text.length && text.charCodeAt(end) !== 34 && text.charCodeAt(end) !== 92) end++;
      out += text.slice(pos, end);
      pos = end;
      const c = text[pos++];
      if (c === undefined) return fail('unterminated string');
      if (c === '"') return out;
      const esc = text[pos++];
      if (esc === 'n') out += '\n';
      else if (esc === 't') out += '\t';
      else if (esc === 'r') out += '\r';
      else if (esc === '"' || esc === '\\') out += esc;
      else return fail(`unsupported escape \\${esc ?? ''}`);
    }
  };
  const value = parseValue();
  skipSpace();
  if (pos < text.length) fail('trailing text');
  return value;
}
