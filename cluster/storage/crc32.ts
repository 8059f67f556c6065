// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as in zlib, PNG and gzip. Written here
// because Node 20 has no zlib.crc32 (it arrived in Node 22.2) and a table-driven loop is all a
// WAL needs: it detects torn and flipped bytes, it is not a defence against tampering.

const table = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Continue a CRC over `bytes[start, end)`; pass the previous result as `crc` to chain pieces. */
export function crc32(bytes: Uint8Array, crc = 0, start = 0, end = bytes.length): number {
  let c = ~crc;
  for (let i = start; i < end; i++) c = table[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
