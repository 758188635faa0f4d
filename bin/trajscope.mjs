#!/usr/bin/env node
// `trajscope` when installed as a command: the TypeScript CLI, run by Node >= 24.16 (which strips
// the types itself). An older Node gets one line saying what to do.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 24 || (major === 24 && minor < 16)) {
  process.stderr.write(
    `trajscope: needs Node >= 24.16 (this is ${process.version}); ` +
      'inside a checkout use `npm run trajscope -- …`, which brings its own Node.\n',
  );
  process.exit(1);
}
const { main } = await import('../electron/headless/cli.ts');
const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
