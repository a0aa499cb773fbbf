#!/usr/bin/env node
/**
 * `node conformance/dist/bin.js [options]`: the conformance suite's command line.
 * @module
 */
import { main } from './cli-main.js';

process.exitCode = await main(process.argv.slice(2));
