// SPDX-License-Identifier: Apache-2.0
// The Socket.IO 4 peer of confab-bench: a minimal chat server as its documentation writes
// one. Rooms, broadcast to the room (the sender included, as Confab does), acks. WebSocket
// transport only (the generator speaks Engine.IO v4 over WebSocket), no persistence, no auth.
//   node socketio-server.js [PORT]   (0 or absent: a free port; prints the URL when ready)
'use strict';
const http = require('http');
const { Server } = require('socket.io');

const port = Number(process.argv[2] || 0);
const httpServer = http.createServer();
const io = new Server(httpServer, {
  transports: ['websocket'],
  perMessageDeflate: false,
  maxHttpBufferSize: 65536,
});

io.on('connection', (socket) => {
  socket.on('join', (room, ack) => {
    socket.join(room);
    socket.data.room = room;
    if (typeof ack === 'function') ack({ ok: true });
  });
  socket.on('publish', (text, ack) => {
    if (socket.data.room) io.to(socket.data.room).emit('msg', text);
    if (typeof ack === 'function') ack({ ok: true });
  });
});

httpServer.listen(port, '127.0.0.1', () => {
  console.log(`listening on ws://127.0.0.1:${httpServer.address().port}/socket.io/`);
});
process.on('SIGTERM', () => process.exit(0));
