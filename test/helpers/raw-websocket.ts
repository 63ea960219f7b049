import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A WebSocket client on a bare TCP socket, for dashboards that stop reading: after the upgrade
 * it can `pause()` (the kernel buffers fill, then the monitor's), and later `resume()` and parse
 * what arrived. Server frames are unmasked and never fragmented by `ws`.
 */
export interface RawWebSocket {
  socket: Socket;
  /** Text messages parsed so far, in order. */
  messages: unknown[];
  /** The close frame's code, once one arrived. */
  closeCode: number | undefined;
  /** True once the TCP connection ended (closed by the monitor, or reset). */
  ended: boolean;
  pause(): void;
  resume(): void;
}

export async function rawWebSocket(baseUrl: string, path = '/api/v1/live'): Promise<RawWebSocket> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  const raw: RawWebSocket = {
    socket,
    messages: [],
    closeCode: undefined,
    ended: false,
    pause: () => socket.pause(),
    resume: () => socket.resume(),
  };
  socket.on('close', () => (raw.ended = true));
  socket.on('error', () => (raw.ended = true));
  let buffer: Buffer = Buffer.alloc(0);
  let upgraded = false;
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () =>
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(`upgrade refused: ${head}`));
        upgraded = true;
        buffer = buffer.subarray(end + 4);
        resolve();
      }
      buffer = readFrames(buffer, raw);
    });
  });
  return raw;
}

/** Parses the complete frames at the start of `buffer`; returns what is left. */
function readFrames(buffer: Buffer, raw: RawWebSocket): Buffer {
  for (;;) {
    if (buffer.length < 2) return buffer;
    const opcode = (buffer[0] ?? 0) & 0x0f;
    let length = (buffer[1] ?? 0) & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (buffer.length < 4) return buffer;
      length = buffer.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (buffer.length < 10) return buffer;
      length = Number(buffer.readBigUInt64BE(2));
      offset = 10;
    }
    if (buffer.length < offset + length) return buffer;
    const payload = buffer.subarray(offset, offset + length);
    if (opcode === 0x1) raw.messages.push(JSON.parse(payload.toString('utf8')));
    if (opcode === 0x8) raw.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
    buffer = buffer.subarray(offset + length);
  }
}
