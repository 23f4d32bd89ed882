import { createConnection } from 'node:net';
import { startRedisServer } from './support/redis-server.mjs';

function ping(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      socket.destroy();
      resolve(data.toString().trim());
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('the test redis-server', () => {
  it('starts on a free port, stops and restarts on the same port', async () => {
    const redis = await startRedisServer();
    try {
      expect(await ping(redis.port)).toBe('+PONG');
      await redis.stop();
      expect(await ping(redis.port)).toBe('ECONNREFUSED');
      await redis.restart();
      expect(await ping(redis.port)).toBe('+PONG');
    } finally {
      await redis.stop();
    }
  });
});
