/**
 * A preload (`node --import`) for thread-pool tests: when the process ends, writes the
 * `UV_THREADPOOL_SIZE` it ran with (what libuv read when its pool started, or `unset`) to the
 * file VSKIT_TEST_POOL_LOG.
 */
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  writeFileSync(process.env.VSKIT_TEST_POOL_LOG, process.env.UV_THREADPOOL_SIZE ?? 'unset');
});
