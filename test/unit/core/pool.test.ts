// A session opened while the warm pool is still starting its gateway waits for that gateway rather
// than starting a second one beside it on the same cores; a second such session does not wait.
// The supervisor is a stand-in (a real gateway takes ≈ 20 s and 1 GB: openclaw.test.ts has those);
// the warm-up request goes over real HTTP to a server answering as a gateway would.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { Gateway } from '../../../electron/core/gateways/gateway.ts';
import { GatewayPool } from '../../../electron/core/gateways/pool.ts';
import type { GatewaySupervisor } from '../../../electron/core/gateways/supervisor.ts';

test('takeSoon waits for the gateway the pool is starting; a second caller starts its own', async () => {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices":[]}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let spawned = 0;
  const supervisor = {
    spawn: async () => {
      spawned++;
      await new Promise((r) => setTimeout(r, 300)); // a start that takes a while
      return { id: `gw-${spawned}`, url, token: 't', isRunning: true, rebind: async () => {} } as unknown as Gateway;
    },
    stop: async () => {},
  } as unknown as GatewaySupervisor;
  const binding = { baseUrl: url, apiKey: 'k', model: 'm' };
  const pool = new GatewayPool(supervisor, binding, () => binding);
  try {
    pool.setSize(1);
    const [first, second] = await Promise.all([pool.takeSoon(), pool.takeSoon()]);
    assert.equal(first?.id, 'gw-1', 'the first caller got the gateway that was starting');
    assert.equal(second, null, 'the second did not wait: it starts its own');
    assert.equal(pool.available, 0);
    await pool.settle();
    assert.equal(pool.available, 1, 'the pool refilled');
    assert.equal((await pool.takeSoon())?.id, 'gw-2', 'a ready gateway is handed out at once');
  } finally {
    await pool.stop();
  }
  // a pool of none (a lab engine's) has nothing on its way: nobody waits for it
  const none = new GatewayPool(supervisor, binding, () => binding);
  try {
    none.setSize(0);
    const took = await Promise.race([none.takeSoon(), new Promise((r) => setTimeout(() => r('waited'), 1000))]);
    assert.equal(took, null);
    await none.settle();
  } finally {
    await none.stop();
    server.close();
  }
});
