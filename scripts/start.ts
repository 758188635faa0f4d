// `npm start`: the Electron window where the Electron binary is present; otherwise one line
// saying why, then the headless host with its UI URL.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { main } from '../electron/headless/cli.ts';
import { electronBinary, ROOT } from './electron-binary.ts';

const electron = electronBinary();
if (!electron.path) {
  process.stderr.write(
    `trajscope: no Electron window: ${electron.reason}; ` +
      'running the headless host — open the "ui" URL below in a browser.\n',
  );
  const code = await main(['serve', ...process.argv.slice(2)]);
  if (code >= 0) process.exit(code);
} else {
  if (!existsSync(join(ROOT, 'out/main/index.cjs')))
    await execa('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  // The gateways need a Node >= 24.16; under Electron that is the project's own.
  const env = { TRAJSCOPE_OPENCLAW_NODE: process.execPath };
  const result = await execa(electron.path, [ROOT, ...process.argv.slice(2)], { stdio: 'inherit', reject: false, env });
  process.exit(result.exitCode ?? 1);
}
