import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeFrame, frameHeaderBytes, readFrame, scanFrames } from './record-codec.ts';

const isType = (t: number) => t === 1 || t === 2;
const frames = [encodeFrame(1, Buffer.from('alpha')), encodeFrame(2, Buffer.alloc(0)), encodeFrame(1, Buffer.from('gamma-gamma'))];
const log = Buffer.concat(frames);

test('frames round-trip with type, offset and payload', () => {
  const r = scanFrames(log, false, isType);
  assert.is(r.kind, 'clean');
  assert.equal(r.frames.map((f) => [f.type, f.offset, f.payload.toString()]), [
    [1, 0, 'alpha'], [2, 14, ''], [1, 23, 'gamma-gamma'],
  ]);
});

test('a cut inside the last frame is torn when the tail may tear, corrupt otherwise', () => {
  const lastStart = frames[0]!.length + frames[1]!.length;
  for (let cut = lastStart + 1; cut < log.length; cut++) {
    const r = scanFrames(log.subarray(0, cut), true, isType);
    assert.is(r.kind, 'torn', `cut at ${cut}`);
    if (r.kind === 'torn') assert.is(r.goodBytes, lastStart);
    assert.is(scanFrames(log.subarray(0, cut), false, isType).kind, 'corrupt');
  }
});

test('damage followed by a valid frame is corruption at the damaged offset', () => {
  const bad = Buffer.from(log);
  bad[frames[0]!.length + frameHeaderBytes - 1]! ^= 0xff; // type byte of the middle frame
  const r = scanFrames(bad, true, isType);
  assert.is(r.kind, 'corrupt');
  if (r.kind === 'corrupt') assert.is(r.offset, frames[0]!.length);
});

test('an unknown type with a valid CRC is rejected', () => {
  assert.is(readFrame(encodeFrame(9, Buffer.from('x')), 0, isType).kind, 'bad');
});

test('zero fill (a filesystem extending a file without its data) reads as torn, not as records', () => {
  const r = scanFrames(Buffer.concat([log, Buffer.alloc(100)]), true, isType);
  assert.is(r.kind, 'torn');
  if (r.kind === 'torn') assert.is(r.goodBytes, log.length);
});

test.run();
