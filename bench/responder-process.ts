// The light responder in a process of its own, so its CPU is not counted as the monitor's.
import { startLightResponder } from './light-responder.js';

const responder = await startLightResponder();
process.stdout.write(`listening ${responder.port}\n`);
setInterval(() => process.stdout.write(`requests ${responder.requests()}\n`), 1000).unref();
process.stdin.resume();
process.stdin.on('end', () => void responder.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void responder.close().then(() => process.exit(0)));
