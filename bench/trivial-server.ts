// A trivial HTTP server for measuring the generator, run as its own process so that the
// generator keeps a core to itself (started through floor/announced-child.ts).
import { createServer } from 'node:http';
import { announcePort } from './floor/announced-child.ts';

const server = createServer((req, res) => {
  req.resume();
  res.end('ok');
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => announcePort(server, () => { server.closeAllConnections(); server.close(() => process.exit(0)); }));
