#!/usr/bin/env node
// Verifies a LiveKit access token with the official SDK's TokenVerifier and prints its claims
// as JSON. Key and secret from LIVEKIT_API_KEY / LIVEKIT_API_SECRET (devkey / secret).
import { TokenVerifier } from 'livekit-server-sdk';

const token = process.argv[2];
if (!token) {
  console.error('usage: verify-token.mjs <jwt>   (env LIVEKIT_API_KEY, LIVEKIT_API_SECRET)');
  process.exit(2);
}
const verifier = new TokenVerifier(
  process.env.LIVEKIT_API_KEY || 'devkey',
  process.env.LIVEKIT_API_SECRET || 'secret',
);
try {
  const claims = await verifier.verify(token.replace(/^Bearer\s+/i, ''));
  console.log(JSON.stringify(claims, null, 2));
} catch (err) {
  console.error(`invalid token: ${err.message}`);
  process.exit(1);
}
