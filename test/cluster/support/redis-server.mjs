// A redis-server started on 127.0.0.1 for the cluster-mode tests and benchmarks, without persistence.
import { spawn } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { findCommand } from '../../../scripts/provision/find-command.mjs';

const READY_WITHIN_MS = 15_000;

/** The path of `redis-server`, which jest's globalSetup and the bench provide (scripts/provision/). */
export function findRedisServer() {
  const binary = findCommand('redis-server');
  if (binary) return binary;
  throw new Error('redis-server was not found: run `node scripts/provision/provision.mjs`, which says how to get it');
}

/** Starts redis-server on a free port of 127.0.0.1 and waits until it answers PING. */
export async function startRedisServer() {
  const binary = findRedisServer();
  const port = await freePort();
  let child = await launch(binary, port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child) await terminate(child);
      child = null;
    },
    async restart() {
      if (child) await terminate(child);
      child = await launch(binary, port);
    },
  };
}

async function launch(binary, port) {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (data) => (output = (output + data.toString()).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const deadline = Date.now() + READY_WITHIN_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}:\n${output}`);
    if (await answersPing(port)) return child;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not answer on port ${port} within ${READY_WITHIN_MS} ms:\n${output}`);
}

function answersPing(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    let reply = '';
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      reply += data.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
  });
}

async function terminate(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
