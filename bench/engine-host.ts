// Child process for the engine benchmark: a real Workbench (DirectRuntime, scripted model,
// SQLite) whose address and scripted-model endpoint are printed for the load generator.
import { Workbench } from '../electron/core/workbench.ts';

const wb = await new Workbench({ dataDir: process.argv[2]!, runtime: 'direct' }).start();
process.stdout.write(JSON.stringify({ proxy: wb.proxyUrl, adminKey: wb.adminKey, scripted: wb.scripted!.baseUrl, scriptedToken: wb.scripted!.token, model: wb.upstream.model }) + '\n');
process.on('SIGTERM', () => void wb.stop().then(() => process.exit(0)));
