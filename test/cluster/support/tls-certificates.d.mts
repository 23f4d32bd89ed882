import type { TlsFiles } from './redis-server.mjs';

/** Writes a CA and a server certificate for 127.0.0.1 into `dir` with openssl. */
export function makeTlsCertificates(dir: string): Promise<TlsFiles>;
