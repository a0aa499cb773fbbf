#!/usr/bin/env node
/**
 * `node conformance/dist/bin.js [options]`: the conformance suite's command line.
 * @module
 */
import { startedAs } from './_internal/started-as.js';
import { main } from './cli-main.js';

process.exitCode = await main(process.argv.slice(2), {
  command: startedAs(process.env, process.argv[1], process.cwd()),
});
