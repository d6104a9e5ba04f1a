import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a server, to fake network faults the server itself cannot: `refuse`
 * cuts every connection and closes the port (connection refused) for a while; `blackHole` keeps
 * connections open but forwards nothing, as a dead route or a partitioned network does.
 */
export interface TcpProxy {
  port: number;
  /** Cuts every connection and refuses new ones for `ms`, then listens again. */
  refuse(ms: number): Promise<void>;
  /** Until `heal()`: bytes are swallowed both ways and new connections hang. */
  blackHole(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let holed = false;
  let server: Server;
  let port = 0;

  const onConnection = (client: Socket) => {
    const upstream = createConnection({ port: targetPort, host: targetHost });
    const pair = { client, upstream };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.on('data', (chunk) => {
      if (!holed) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!holed) client.write(chunk);
    });
  };
  const listen = (onPort: number) =>
    new Promise<void>((resolve, reject) => {
      server = createServer(onConnection);
      server.once('error', reject);
      server.listen(onPort, '127.0.0.1', () => {
        const address = server.address();
        port = typeof address === 'object' && address ? address.port : onPort;
        resolve();
      });
    });
  const cutAll = () => {
    for (const { client, upstream } of [...pairs]) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  await listen(0);
  return {
    get port() {
      return port;
    },
    async refuse(ms) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        cutAll();
      });
      await new Promise((r) => setTimeout(r, ms));
      await listen(port);
    },
    blackHole() {
      holed = true;
    },
    heal() {
      holed = false;
      // What was swallowed is gone: those sessions are out of step, so cut them (as a real
      // partition's TCP timeouts eventually would) and let the clients reconnect.
      cutAll();
    },
    async close() {
      cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
