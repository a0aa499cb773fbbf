import { describe, expect, it } from 'vitest';
import { startedAs } from './started-as.js';

describe('startedAs', () => {
  it('names the package script the way its package manager runs it', () => {
    const script = '/repo/conformance/dist/bin.js';
    expect(
      startedAs(
        { npm_lifecycle_event: 'conformance', npm_config_user_agent: 'pnpm/10.3.0 npm/? node/v20' },
        script,
        '/repo',
      ),
    ).toBe('pnpm conformance');
    expect(
      startedAs(
        { npm_lifecycle_event: 'conformance', npm_config_user_agent: 'npm/10.8.2 node/v20' },
        script,
        '/repo',
      ),
    ).toBe('npm run conformance --');
  });

  it('names node and the bin as typed from the working folder otherwise', () => {
    expect(startedAs({}, '/repo/conformance/dist/bin.js', '/repo')).toBe(
      'node conformance/dist/bin.js',
    );
    expect(startedAs({}, '/repo/conformance/dist/bin.js', '/elsewhere')).toBe(
      'node /repo/conformance/dist/bin.js',
    );
  });
});
