// Parses one JSON value the way Go's json.Decoder reads a request body, so that syntax errors carry
// Go's exact texts ("invalid character 'n' looking for beginning of object key string", "EOF",
// "unexpected EOF"). Numbers keep their literal: Go reports "number 1.5" when it cannot store one.
// Like json.Decoder, bytes after the first complete value are never read.

export type GoJsonNode =
  | { kind: 'object'; entries: Array<[string, GoJsonNode]> }
  | { kind: 'array'; items: GoJsonNode[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; raw: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' };

export class GoJsonSyntaxError extends Error {
  readonly code = 'GO_JSON_SYNTAX';
}

type Context = 'value' | 'key' | 'after-key' | 'after-pair' | 'after-element';

const contextText: Record<Context, string> = {
  value: 'looking for beginning of value',
  key: 'looking for beginning of object key string',
  'after-key': 'after object key',
  'after-pair': 'after object key:value pair',
  'after-element': 'after array element',
};

/** Go's quoteChar: the offending byte as Go prints it inside single quotes. */
function quoteChar(code: number): string {
  if (code === 0x27) return "'\\''";
  if (code === 0x22) return "'\"'";
  if (code === 0x0a) return "'\\n'";
  if (code === 0x0d) return "'\\r'";
  if (code === 0x09) return "'\\t'";
  if (code < 0x20 || code === 0x7f) return `'\\x${code.toString(16).padStart(2, '0')}'`;
  return `'${String.fromCharCode(code)}'`;
}

type ObjectNode = Extract<GoJsonNode, { kind: 'object' }>;
type ArrayNode = Extract<GoJsonNode, { kind: 'array' }>;

/** Go's encoding/json scanner refuses a 10,001st open object or array ("exceeded max depth"). */
const maxNestingDepth = 10_000;

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  fail(message: string): never {
    throw new GoJsonSyntaxError(message);
  }

  invalid(code: number, where: string): never {
    this.fail(`invalid character ${quoteChar(code)} ${where}`);
  }

  /** Reaching the end inside a value is "unexpected EOF", as json.Decoder reports it. */
  peek(): number {
    if (this.pos >= this.text.length) this.fail('unexpected EOF');
    return this.text.charCodeAt(this.pos);
  }

  skipSpace(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else break;
    }
  }

  parseTop(): GoJsonNode {
    this.skipSpace();
    if (this.pos >= this.text.length) this.fail('EOF');
    return this.parseValue();
  }

  /**
   * One value, with an explicit stack of the objects and arrays open around it (no recursion:
   * Go's limit of 10,000 levels is deeper than a JS stack allows).
   */
  parseValue(): GoJsonNode {
    const open: Array<{ node: ObjectNode; key: string } | { node: ArrayNode }> = [];
    for (;;) {
      this.skipSpace();
      const c = this.peek();
      let value: GoJsonNode;
      if (c === 0x7b || c === 0x5b) {
        // Go's pushParseState: the 10,001st open container is a syntax error at its byte.
        if (open.length >= maxNestingDepth) this.invalid(c, 'exceeded max depth');
        this.pos++;
        this.skipSpace();
        const close = c === 0x7b ? 0x7d : 0x5d;
        if (this.peek() === close) {
          this.pos++;
          value = c === 0x7b ? { kind: 'object', entries: [] } : { kind: 'array', items: [] };
        } else {
          if (c === 0x7b) open.push({ node: { kind: 'object', entries: [] }, key: this.objectKey() });
          else open.push({ node: { kind: 'array', items: [] } });
          continue;
        }
      } else {
        value = this.parseScalar(c);
      }
      // Store the value in the innermost open container; close each container that ends here.
      for (;;) {
        const top = open[open.length - 1];
        if (top === undefined) return value;
        if ('key' in top) top.node.entries.push([top.key, value]);
        else top.node.items.push(value);
        this.skipSpace();
        const next = this.peek();
        this.pos++;
        const isObject = 'key' in top;
        if (next === (isObject ? 0x7d : 0x5d)) {
          open.pop();
          value = top.node;
          continue;
        }
        if (next !== 0x2c) this.invalid(next, contextText[isObject ? 'after-pair' : 'after-element']);
        if ('key' in top) top.key = this.objectKey();
        break;
      }
    }
  }

  parseScalar(c: number): GoJsonNode {
    if (c === 0x22) return { kind: 'string', value: this.parseString() };
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return { kind: 'number', raw: this.parseNumber() };
    if (c === 0x74) { this.literal('true'); return { kind: 'bool', value: true }; }
    if (c === 0x66) { this.literal('false'); return { kind: 'bool', value: false }; }
    if (c === 0x6e) { this.literal('null'); return { kind: 'null' }; }
    return this.invalid(c, contextText.value);
  }

  literal(word: string): void {
    this.pos++;
    for (let i = 1; i < word.length; i++) {
      const c = this.peek();
      if (c !== word.charCodeAt(i)) this.invalid(c, `in literal ${word} (expecting ${quoteChar(word.charCodeAt(i))})`);
      this.pos++;
    }
  }

  /** A key and its colon, read where an object's next key must begin. */
  objectKey(): string {
    this.skipSpace();
    const c = this.peek();
    if (c !== 0x22) this.invalid(c, contextText.key);
    const key = this.parseString();
    this.skipSpace();
    const colon = this.peek();
    if (colon !== 0x3a) this.invalid(colon, contextText['after-key']);
    this.pos++;
    return key;
  }

  parseString(): string {
    this.pos++;
    let out = '';
    let rawStart = this.pos;
    const flushRaw = () => { out += goDecodeUtf8(this.text.slice(rawStart, this.pos)); };
    for (;;) {
      const c = this.peek();
      if (c === 0x22) { flushRaw(); this.pos++; return goFixSurrogates(out); }
      if (c < 0x20) this.invalid(c, 'in string literal');
      if (c !== 0x5c) { this.pos++; continue; }
      flushRaw();
      this.pos++;
      const e = this.peek();
      this.pos++;
      switch (e) {
        case 0x22: out += '"'; break;
        case 0x5c: out += '\\'; break;
        case 0x2f: out += '/'; break;
        case 0x62: out += '\b'; break;
        case 0x66: out += '\f'; break;
        case 0x6e: out += '\n'; break;
        case 0x72: out += '\r'; break;
        case 0x74: out += '\t'; break;
        case 0x75: {
          let hex = '';
          for (let i = 0; i < 4; i++) {
            const h = this.peek();
            if (!/[0-9a-fA-F]/.test(String.fromCharCode(h))) this.invalid(h, 'in \\u hexadecimal character escape');
            hex += String.fromCharCode(h);
            this.pos++;
          }
          out += String.fromCharCode(parseInt(hex, 16));
          break;
        }
        default: this.pos--; this.invalid(e, 'in string escape code');
      }
      rawStart = this.pos;
    }
  }

  parseNumber(): string {
    const start = this.pos;
    const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
    if (this.peek() === 0x2d) {
      this.pos++;
      const c = this.peek();
      if (!isDigit(c)) this.invalid(c, 'in numeric literal');
    }
    // A value can end at the end of the body only when it is the whole body; otherwise the
    // caller's next peek reports "unexpected EOF".
    const at = () => (this.pos < this.text.length ? this.text.charCodeAt(this.pos) : -1);
    if (at() === 0x30) this.pos++;
    else while (isDigit(at())) this.pos++;
    if (at() === 0x2e) {
      this.pos++;
      const c = this.peek();
      if (!isDigit(c)) this.invalid(c, 'after decimal point in numeric literal');
      while (isDigit(at())) this.pos++;
    }
    if (at() === 0x65 || at() === 0x45) {
      this.pos++;
      if (this.peek() === 0x2b || this.peek() === 0x2d) this.pos++;
      const c = this.peek();
      if (!isDigit(c)) this.invalid(c, 'in exponent of numeric literal');
      while (isDigit(at())) this.pos++;
    }
    return this.text.slice(start, this.pos);
  }
}

/**
 * Throws GoJsonSyntaxError with Go's message. `bytes` is the body as a byte string (latin1: one
 * char per byte), because Go scans bytes: an offending byte is quoted as that one byte ('Ã' for
 * the first byte of "é"), and a string decodes each invalid UTF-8 byte to its own U+FFFD.
 */
export function parseGoJson(bytes: string): GoJsonNode {
  return new Parser(bytes).parseTop();
}

/**
 * Go's UTF-8 decoding of a JSON string's raw bytes: a valid sequence is one code point, anything
 * else (a stray continuation byte, a truncated or overlong sequence, an encoded surrogate) yields
 * U+FFFD for its first byte and decoding resumes at the next byte. Lone \u surrogates are
 * replaced after the whole string is built (see goFixSurrogates).
 */
export function goDecodeUtf8(bytes: string): string {
  let out = '';
  const at = (i: number) => (i < bytes.length ? bytes.charCodeAt(i) : -1);
  const inRange = (b: number, lo: number, hi: number) => b >= lo && b <= hi;
  for (let i = 0; i < bytes.length;) {
    const b0 = bytes.charCodeAt(i);
    if (b0 < 0x80) { out += bytes[i]; i++; continue; }
    let size = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (inRange(b0, 0xc2, 0xdf)) size = 2;
    else if (inRange(b0, 0xe0, 0xef)) { size = 3; if (b0 === 0xe0) lo = 0xa0; if (b0 === 0xed) hi = 0x9f; }
    else if (inRange(b0, 0xf0, 0xf4)) { size = 4; if (b0 === 0xf0) lo = 0x90; if (b0 === 0xf4) hi = 0x8f; }
    let ok = size > 0 && inRange(at(i + 1), lo, hi);
    for (let k = 2; ok && k < size; k++) ok = inRange(at(i + k), 0x80, 0xbf);
    if (!ok) { out += '\ufffd'; i++; continue; }
    out += Buffer.from(bytes.slice(i, i + size), 'latin1').toString('utf8');
    i += size;
  }
  return out;
}

/** Go pairs \uD83D\uDE00 into one code point and turns a lone \u surrogate into U+FFFD. */
function goFixSurrogates(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
