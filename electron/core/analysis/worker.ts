// The analysis worker's entry: the leak detectors on a thread of their own, reading the data dir
// through a second, read-only connection (WAL lets it read while the engine writes). It gets each
// recorded call and each finished turn in order, and answers every message with the findings it
// made, which the engine stores (service.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { Store } from '../store/store.ts';
import { LeakAnalyzer } from './analyzer.ts';
import type { ForeignFound } from './foreign.ts';
import type { Finding, Post, WorkerData } from './protocol.ts';
import { loadDetectors, type DetectorRegistry } from './registry.ts';

const port = parentPort!;
const data = workerData as WorkerData;

// the engine loaded the same modules before starting this worker: one that fails here fails the start
loadDetectors(data.detectorModules).then(serve, (err: Error) => port.postMessage(`no detectors: ${err.message}`));

function serve(registry: DetectorRegistry): void {
  const store = new Store(data.dataDir, { readOnly: true });
  const found: Finding[] = [];
  const analyzer = new LeakAnalyzer(store, (alert, dedupe) => found.push({ alert, dedupe }), registry, data.tokenizer);
  const foreign: ForeignFound[] = [];
  analyzer.onForeign = (f) => foreign.push(f);
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
        if (m.type === 'call')
          analyzer.analyzeCall(m.call, Buffer.from(m.body.buffer, m.body.byteOffset, m.body.length));
        else if (m.type === 'answered') analyzer.answered(m.call);
        else if (m.type === 'tokenizer') analyzer.setTokenizer(m.source);
        else analyzer.learnTurn(m.turn);
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    port.postMessage({
      seq,
      findings: found.splice(0),
      foreign: foreign.splice(0),
      error: errors.length ? errors.join('\n') : null,
    });
  });
}
