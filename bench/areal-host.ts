// Child process for the AReaL-shaped benchmark. `engine`: a real Workbench (DataProxy,
// DirectRuntime, recorder, scripted model, SQLite). `reference`: the physical limit of one hop — a
// trivial Node server that keeps each session's history in memory and forwards every turn to the
// same scripted model in its process (streamed, reassembled), storing nothing, checking nothing.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { ConfigService } from '../electron/core/config/service.ts';
import { LOOPBACK_POLICY } from '../electron/core/http/policy.ts';
import { ScriptedModel } from '../electron/core/scripted-model/server.ts';
import { DEFAULT_SCENARIO } from '../electron/core/scripted-model/scenario.ts';
import { Workbench } from '../electron/core/workbench.ts';

const [kind, dataDir] = process.argv.slice(2);

if (kind === 'engine') {
  const wb = await new Workbench(ConfigService.of({ dataDir: dataDir!, runtime: 'direct' }), {
    openclaw: { enabled: false },
  }).start();
  process.stdout.write(JSON.stringify({ proxy: wb.proxyUrl, adminKey: wb.adminKey }) + '\n');
  process.on('SIGTERM', () => void wb.stop().then(() => process.exit(0)));
} else {
  const model = new ScriptedModel(DEFAULT_SCENARIO, 'reference-token', LOOPBACK_POLICY);
  await model.start('127.0.0.1', 0);
  const agent = new Agent({ connections: 128, keepAliveTimeout: 30_000 });
  const histories = new Map<string, Array<{ role: string; content: string }>>();
  const server = createServer(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const m = /^\/session\/([^/]+)\/(turn|close)$/.exec(req.url ?? '');
    if (!m || req.method !== 'POST') return res.writeHead(404).end();
    const key = decodeURIComponent(m[1]!);
    if (m[2] === 'close') {
      histories.delete(key);
      return res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    }
    const { message } = JSON.parse(text) as { message: string };
    const history = histories.get(key) ?? [];
    const upstream = await request(`${model.baseUrl}/chat/completions`, {
      method: 'POST',
      dispatcher: agent,
      headers: { authorization: `Bearer ${model.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: DEFAULT_SCENARIO.model,
        stream: true,
        messages: [...history, { role: 'user', content: message }],
      }),
    });
    let reply = '';
    for (const line of (await upstream.body.text()).split('\n')) {
      if (!line.startsWith('data: {')) continue;
      reply +=
        (JSON.parse(line.slice(6)) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta
          ?.content ?? '';
    }
    history.push({ role: 'user', content: message }, { role: 'assistant', content: reply });
    histories.set(key, history);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ summary: reply }));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const proxy = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.stdout.write(JSON.stringify({ proxy, adminKey: 'none' }) + '\n');
  process.on('SIGTERM', () => process.exit(0));
}
