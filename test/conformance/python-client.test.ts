/**
 * Cross-language client: Apache Thrift's Python library (Debian python3-thrift) with bindings
 * generated at test time by `thrift --gen py`, against the gateway in front of the legacy Redis
 * backend. Runs /usr/bin/python3 explicitly (pyenv shims may lack the Debian thrift module).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describeConformance } from './harness/conformance-suite';
import { profileNamed } from './harness/profiles';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, 'python', 'pinlater_client_check.py');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(PYTHON, args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr: error && code === -1 ? `${stderr}\n${error.message}` : stderr });
    });
  });
}

describe('python3 thrift prerequisites', () => {
  it(`${PYTHON} can import the Debian thrift module (apt-get install python3-thrift)`, async () => {
    const result = await run(['-c', 'import thrift, thrift.transport.TSocket; print("ok")']);
    expect({ code: result.code, stderr: result.stderr.trim() }).toEqual({ code: 0, stderr: '' });
  });
});

describeConformance(
  'Python Thrift client',
  (ctx) => {
    it('creates, enqueues, dequeues, acks, looks up and gets the right error codes', async () => {
      const result = await run([SCRIPT, ctx.address.host, String(ctx.address.port)]);
      if (result.code !== 0) {
        throw new Error(`python client check exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
      }
      expect(result.stdout).toContain('all checks passed');
    });
  },
  { profiles: [profileNamed('legacy-redis')] },
);
