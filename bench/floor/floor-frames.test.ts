import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AckReader, encodeAck, encodeFrame, FrameReader } from './floor-frames.ts';

test('frames split anywhere and joined together come out whole, in order, with the last sequence', () => {
  const frames = [encodeFrame(1, Buffer.from('alpha')), encodeFrame(2, Buffer.alloc(0)), encodeFrame(3, Buffer.from('gamma-gamma'))];
  const all = Buffer.concat(frames);
  for (let cut = 1; cut < all.length; cut++) {
    const r = new FrameReader();
    const a = r.push(all.subarray(0, cut));
    const b = r.push(all.subarray(cut));
    const bytes = Buffer.concat([a?.bytes ?? Buffer.alloc(0), b!.bytes]);
    assert.ok(bytes.equals(all), `cut at ${cut}: every byte persisted once`);
    assert.is(b!.lastSeq, 3, `cut at ${cut}`);
    if (cut < frames[0]!.length) assert.is(a, null, `cut at ${cut}: no whole frame yet`);
  }
});

test('acks split across chunks yield the highest whole one', () => {
  const acks = Buffer.concat([encodeAck(7), encodeAck(9), encodeAck(8)]);
  const r = new AckReader();
  assert.is(r.push(acks.subarray(0, 2)), null);
  assert.is(r.push(acks.subarray(2, 6)), 7);
  assert.is(r.push(acks.subarray(6)), 9);
});

test.run();
