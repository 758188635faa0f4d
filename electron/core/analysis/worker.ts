// The analysis worker's entry: the leak detectors on a thread of their own, reading the data dir
// through a second, read-only connection (WAL lets it read while the engine writes). It gets each
// recorded call and each finished turn in order, and answers every message with the findings it
// made, which the engine stores (service.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { Store } from '../store/store.ts';
import { LeakAnalyzer } from './analyzer.ts';
import type { Finding, Post } from './protocol.ts';

const port = parentPort!;
const store = new Store((workerData as { dataDir: string }).dataDir, { readOnly: true });
const found: Finding[] = [];
const analyzer = new LeakAnalyzer(store, (alert, dedupe) => found.push({ alert, dedupe }));
port.postMessage('ready');

port.on('message', (post: Post) => {
  if (!Array.isArray(post)) {
    store.close();
    port.close();
    return;
  }
  const errors: string[] = [];
  let seq = 0;
  for (const m of post) {
    if (m.type === 'stop') continue;
    seq = m.seq;
    try {
      if (m.type === 'call') analyzer.analyzeCall(m.call, Buffer.from(m.body.buffer, m.body.byteOffset, m.body.length));
      else analyzer.learnTurn(m.turn);
    } catch (err) {
      errors.push((err as Error).stack ?? String(err));
    }
  }
  port.postMessage({ seq, findings: found.splice(0), error: errors.length ? errors.join('\n') : null });
});
