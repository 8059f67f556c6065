import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crc32 } from './crc32.ts';

test('matches the published CRC-32 check values', () => {
  assert.is(crc32(Buffer.from('123456789')), 0xcbf43926);
  assert.is(crc32(Buffer.from('The quick brown fox jumps over the lazy dog')), 0x414fa339);
  assert.is(crc32(Buffer.alloc(0)), 0);
});

test('chaining over pieces equals one pass over the whole', () => {
  const bytes = Buffer.from('write-ahead logs checksum every record');
  const whole = crc32(bytes);
  for (let cut = 0; cut <= bytes.length; cut++) {
    assert.is(crc32(bytes, crc32(bytes, 0, 0, cut), cut), whole, `cut at ${cut}`);
  }
});

test('every single-bit flip changes the checksum', () => {
  const bytes = Buffer.from('0123456789abcdef');
  const good = crc32(bytes);
  for (let bit = 0; bit < bytes.length * 8; bit++) {
    const copy = Buffer.from(bytes);
    copy[bit >> 3]! ^= 1 << (bit & 7);
    assert.is.not(crc32(copy), good, `bit ${bit}`);
  }
});

test.run();
