#!/usr/bin/env node
// Prints the Authorization header value LiveKit would send with the given webhook body file
// (JWT by LIVEKIT_API_SECRET, iss LIVEKIT_API_KEY, sha256 of the file's exact bytes).
import { readFileSync } from 'node:fs';
import { signWebhook } from '../src/webhooks.mjs';

const file = process.argv[2];
if (!file) {
  console.error('usage: sign-webhook.mjs <body-file|->   (env LIVEKIT_API_KEY, LIVEKIT_API_SECRET)');
  process.exit(2);
}
let body;
try {
  body = readFileSync(file === '-' ? 0 : file);
} catch (err) {
  console.error(`cannot read ${file}: ${err.message}`);
  process.exit(1);
}
console.log(await signWebhook(
  body,
  process.env.LIVEKIT_API_KEY || 'devkey',
  process.env.LIVEKIT_API_SECRET || 'secret',
));
