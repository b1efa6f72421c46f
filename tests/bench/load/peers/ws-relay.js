// SPDX-License-Identifier: Apache-2.0
// The floor for confab-bench: a raw relay on the `ws` package. Every text frame received is
// sent to every open connection (the sender included). No rooms, no persistence, no auth,
// no acks: the least work a WebSocket chat fan-out can do in Node.
//   node ws-relay.js [PORT]   (0 or absent: a free port; prints the URL when ready)
'use strict';
const { WebSocketServer, WebSocket } = require('ws');

const port = Number(process.argv[2] || 0);
const wss = new WebSocketServer({
  host: '127.0.0.1',
  port,
  path: '/ws',
  perMessageDeflate: false,
  maxPayload: 65536,
  clientTracking: true,
});

wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    for (const client of wss.clients) {
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
    }
  });
});

wss.on('listening', () => {
  console.log(`listening on ws://127.0.0.1:${wss.address().port}/ws`);
});
process.on('SIGTERM', () => process.exit(0));
