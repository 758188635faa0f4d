// An engine bound to every interface registers with AReaL's Router under an address other nodes
// reach — this machine's first outside address, never 0.0.0.0 — and says so without its credential.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exposureLines, reachableUrl } from '../../../electron/core/http/exposure.ts';

const NICS = {
  lo: [
    { address: '127.0.0.1', family: 'IPv4', internal: true },
    { address: '::1', family: 'IPv6', internal: true },
  ],
  eth0: [
    { address: 'fe80::1', family: 'IPv6', internal: false },
    { address: '2001:db8::5', family: 'IPv6', internal: false },
    { address: '10.0.0.5', family: 'IPv4', internal: false },
  ],
};

test('a wildcard bind is advertised as the first outside address (IPv4 first), same port', () => {
  assert.equal(reachableUrl('http://0.0.0.0:40231', NICS), 'http://10.0.0.5:40231');
  assert.equal(reachableUrl('http://[::]:40231', NICS), 'http://10.0.0.5:40231');
  assert.equal(reachableUrl('http://0.0.0.0:40231', { eth0: [NICS.eth0[1]!] }), 'http://[2001:db8::5]:40231');
  // a bound address is its own answer; none outside: null (the engine asks for arealAdvertiseUrl)
  assert.equal(reachableUrl('http://10.1.2.3:40231', NICS), 'http://10.1.2.3:40231');
  assert.equal(reachableUrl('http://127.0.0.1:40231', NICS), 'http://127.0.0.1:40231');
  assert.equal(reachableUrl('http://0.0.0.0:40231', { lo: NICS.lo }), null);
});

test("the warning names the registered address, never the Router's credential", () => {
  const lines = exposureLines({
    host: '0.0.0.0',
    api: 'http://0.0.0.0:40300',
    proxy: 'http://0.0.0.0:40231',
    upstream: 'http://0.0.0.0:40232/v1',
    arealRouter: 'http://router:8081',
    advertised: 'http://areal:s3cret-credential@10.0.0.5:40231',
  });
  const text = lines.join('\n');
  assert.match(text, /registered with AReaL's Router as http:\/\/10\.0\.0\.5:40231/);
  assert.ok(!text.includes('s3cret'));
});
