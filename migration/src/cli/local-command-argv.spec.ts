import { commandArgv } from './local-command-argv';

describe('commandArgv', () => {
  const has = (files: string[]) => (file: string): boolean => files.includes(file);

  it('runs `npx <tool>` as the root\'s node_modules/.bin/<tool> when it is there, as up.sh does', () => {
    expect(commandArgv('/repo', ['npx', 'tsx', 'pacer/src/broker/main.ts', '--port', '9020'], has(['/repo/node_modules/.bin/tsx'])))
      .toEqual(['/repo/node_modules/.bin/tsx', 'pacer/src/broker/main.ts', '--port', '9020']);
  });

  it('keeps npx when the tool is not installed, and any other command as written', () => {
    expect(commandArgv('/repo', ['npx', 'tsx', 'x.ts'], has([]))).toEqual(['npx', 'tsx', 'x.ts']);
    expect(commandArgv('/repo', ['env', 'A=b', 'node_modules/.bin/tsx', 'x.ts'], has(['/repo/node_modules/.bin/tsx']))).toEqual(['env', 'A=b', 'node_modules/.bin/tsx', 'x.ts']);
    expect(commandArgv('/repo', ['npx', '../evil'], () => true)).toEqual(['npx', '../evil']);
  });
});
