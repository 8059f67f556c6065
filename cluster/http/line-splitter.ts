/**
 * Cuts a stream of text chunks into newline-terminated lines, for the long-lived NDJSON
 * streams (peer links, the gateway's batch link). A line may arrive in any number of chunks;
 * a line, or an unfinished one, longer than `limitChars` (UTF-16 units, close to bytes for the
 * ASCII JSON sent here) sets `overLimit`: the lines before it are whole, but the stream
 * cannot be trusted after that.
 */
export class LineSplitter {
  private parts: string[] = [];
  private partLength = 0;

  constructor(private readonly limitChars: number) {}

  push(chunk: string): { lines: string[]; overLimit: boolean } {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      const piece = chunk.slice(start, nl);
      const line = this.parts.length > 0 ? this.parts.join('') + piece : piece;
      this.parts = [];
      this.partLength = 0;
      start = nl + 1;
      if (line.length > this.limitChars) return { lines, overLimit: true };
      lines.push(line);
    }
    if (start < chunk.length) {
      this.parts.push(chunk.slice(start));
      this.partLength += chunk.length - start;
      if (this.partLength > this.limitChars) return { lines, overLimit: true };
    }
    return { lines, overLimit: false };
  }
}
