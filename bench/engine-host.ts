// Child process for the engine benchmark: a real Workbench (DirectRuntime, scripted model,
// SQLite) whose address and scripted-model endpoint are printed for the load generator.
import { ConfigService } from '../electron/core/config/service.ts';
import { Workbench } from '../electron/core/workbench.ts';

const config = ConfigService.of({ dataDir: process.argv[2]!, runtime: 'direct' });
const wb = await new Workbench(config, { openclaw: { enabled: false } }).start();
const { scripted } = wb;
const facts = { proxy: wb.proxyUrl, adminKey: wb.adminKey, scripted: scripted.baseUrl, scriptedToken: scripted.token };
process.stdout.write(JSON.stringify({ ...facts, model: wb.upstreams.modelOf(null) }) + '\n');
process.on('SIGTERM', () => void wb.stop().then(() => process.exit(0)));
