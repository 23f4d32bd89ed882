#!/usr/bin/env node
// The `nest-cache-worker` command (package.json "bin"): `npx nest-cache-worker inspect <dump-file>`.
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), process.stdout, process.stderr);
