// The chain's invariant under live changes: whatever toxics that do not lose data (noop, latency,
// slicer, bandwidth, slow_close) are added, updated and removed while bytes are flowing, the echo
// comes back complete and in order, and EOF still arrives. fast-check draws the schedule; a
// failure prints its seed and path for replay.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import { startEchoServer, type EchoServer } from './echo-server.ts';
import { startToxiproxyServer, type StartedToxiproxyServer } from './server.ts';
import { SocketProbe } from './socket-probe.ts';

let server: StartedToxiproxyServer;
let echo: EchoServer;
let client: Toxiproxy;

test.before(async () => {
  echo = await startEchoServer();
  server = await startToxiproxyServer({ host: '127.0.0.1', port: 0, seed: 3 });
  client = new Toxiproxy(server.url);
});

test.after(async () => {
  await server.close();
  await echo.close();
});

const toxicArb = fc.oneof(
  fc.record({ type: fc.constant('noop' as const), attributes: fc.constant({}) }),
  fc.record({ type: fc.constant('latency' as const), attributes: fc.record({ latency: fc.integer({ min: 0, max: 20 }), jitter: fc.integer({ min: 0, max: 5 }) }) }),
  fc.record({ type: fc.constant('slicer' as const), attributes: fc.record({ average_size: fc.integer({ min: 1, max: 300 }), size_variation: fc.integer({ min: 0, max: 50 }), delay: fc.integer({ min: 0, max: 2000 }) }) }),
  fc.record({ type: fc.constant('bandwidth' as const), attributes: fc.record({ rate: fc.integer({ min: 200, max: 5000 }) }) }),
  fc.record({ type: fc.constant('slow_close' as const), attributes: fc.record({ delay: fc.integer({ min: 0, max: 30 }) }) }),
);

const stepArb = fc.oneof(
  fc.record({ op: fc.constant('add' as const), toxic: toxicArb, upstream: fc.boolean(), toxicity: fc.constantFrom(0, 0.5, 1) }),
  fc.record({ op: fc.constant('update' as const), index: fc.nat(), toxicity: fc.constantFrom(0, 0.5, 1) }),
  fc.record({ op: fc.constant('remove' as const), index: fc.nat() }),
  fc.record({ op: fc.constant('send' as const), bytes: fc.integer({ min: 1, max: 20_000 }) }),
);

test('live add/update/remove never loses, duplicates or reorders bytes', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 12 }), async (steps) => {
      run++;
      const proxy: Proxy = await client.createProxy({ name: `p${run}`, listen: '127.0.0.1:0', upstream: echo.address });
      const probe = await SocketProbe.connect(Number(proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1)));
      const names: string[] = [];
      const sent: Buffer[] = [];
      let counter = 0;
      try {
        for (const step of steps) {
          if (step.op === 'add') {
            const name = `t${counter++}`;
            await proxy.addToxic({ name, type: step.toxic.type as never, stream: step.upstream ? 'upstream' : 'downstream', toxicity: step.toxicity, attributes: step.toxic.attributes });
            names.push(name);
          } else if (step.op === 'update' && names.length > 0) {
            const toxic = await proxy.getToxic(names[step.index % names.length]!);
            await toxic.update({ ...toxic.toJson(), toxicity: step.toxicity });
          } else if (step.op === 'remove' && names.length > 0) {
            const [name] = names.splice(step.index % names.length, 1);
            await (await proxy.getToxic(name!)).remove();
          } else if (step.op === 'send') {
            const data = Buffer.alloc(step.bytes);
            for (let i = 0; i < data.length; i++) data[i] = (counter * 7 + i) & 0xff;
            counter++;
            sent.push(data);
            probe.socket.write(data);
          }
        }
        probe.socket.end();
        const expected = Buffer.concat(sent);
        const ended = await probe.waitFor(() => probe.endedAtMs !== undefined, 20_000);
        assert.ok(ended, `EOF arrived (got ${probe.received.length} of ${expected.length} bytes)`);
        assert.ok(probe.received.equals(expected), `echo intact: ${probe.received.length} of ${expected.length} bytes`);
      } finally {
        probe.destroy();
        await proxy.remove();
      }
    }),
    { numRuns: 25, interruptAfterTimeLimit: 90_000 },
  );
});

test.run();
