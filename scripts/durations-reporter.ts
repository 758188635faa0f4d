// A node:test reporter that writes one line per finished test — "DURATION<TAB>ms<TAB>file: name" —
// for test-loaded.ts to list the slowest.
interface TestEvent {
  type: string;
  data: { name: string; file?: string; details?: { type?: string; duration_ms?: number } };
}

export default async function* durations(source: AsyncIterable<TestEvent>) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') continue;
    const file = String(event.data.file ?? '').replace(/^.*\/test\//, 'test/');
    yield `DURATION\t${event.data.details?.duration_ms ?? 0}\t${file}: ${event.data.name}\n`;
  }
}
