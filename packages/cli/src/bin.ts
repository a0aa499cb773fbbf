#!/usr/bin/env node
import { main, quietOnBrokenPipe } from './main.js';

quietOnBrokenPipe(process.stdout);
process.exitCode = await main(process.argv.slice(2));
