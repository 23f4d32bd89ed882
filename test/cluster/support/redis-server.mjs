// A redis-server started on 127.0.0.1 for the cluster-mode tests and benchmarks, without persistence.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { findCommand } from '../../../scripts/provision/find-command.mjs';

const READY_WITHIN_MS = 15_000;

/** The path of a command the tests need (`redis-server`, `redis-cli`, `openssl`), which jest's globalSetup and the bench provide (scripts/provision/). */
export function requireCommand(name) {
  const binary = findCommand(name);
  if (binary) return binary;
  throw new Error(`${name} was not found: run \`node scripts/provision/provision.mjs\`, which says how to get it`);
}

export const findRedisServer = () => requireCommand('redis-server');

/**
 * Starts redis-server on a free port of 127.0.0.1 and waits until it answers PING. `args` are more
 * server options; `tls` ({ cert, key, ca } file paths) serves TLS only, on that port.
 */
export async function startRedisServer({ args = [], tls } = {}) {
  const binary = findRedisServer();
  const port = await freePort();
  const portArgs = tls
    ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.ca, '--tls-auth-clients', 'no']
    : ['--port', String(port)];
  const start = () => launch(binary, [...portArgs, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args], port, tls);
  let child = await start();
  return {
    port,
    url: `${tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`,
    async stop() {
      if (child) await terminate(child);
      child = null;
    },
    async restart() {
      if (child) await terminate(child);
      child = await start();
    },
  };
}

/** Runs a Redis binary and waits until it answers PING on `port`; kills it and throws if it doesn't in time. */
export async function launch(binary, args, port, tls) {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (data) => (output = (output + data.toString()).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const deadline = Date.now() + READY_WITHIN_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${binary} exited with code ${child.exitCode}:\n${output}`);
    if (await answersPing(port, tls)) return child;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`${binary} did not answer on port ${port} within ${READY_WITHIN_MS} ms:\n${output}`);
}

function answersPing(port, tls) {
  return new Promise((resolve) => {
    const socket = tls
      ? connectTls({ host: '127.0.0.1', port, ca: [readCa(tls.ca)] })
      : createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    let reply = '';
    socket.on(tls ? 'secureConnect' : 'connect', () => socket.write('PING\r\n'));
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

const readCa = (file) => readFileSync(file, 'utf8');

/** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
export async function terminate(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** A TCP port of 127.0.0.1 free right now. */
export function freePort() {
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
