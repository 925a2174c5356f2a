import { CliFailure } from './cli-failure';
import { Interruption } from './interruption';

function quiet(): { interruption: Interruption; said: string[] } {
  const said: string[] = [];
  return { interruption: new Interruption({ write: (text: string) => said.push(text) }), said };
}

describe('Interruption', () => {
  it('stops a command at once when the stop request comes outside a write', async () => {
    const { interruption } = quiet();
    let release: () => void = () => undefined;
    const command = new Promise<void>((resolve) => (release = resolve));
    const running = interruption.run(command);
    interruption.raise('SIGTERM');
    await expect(running).rejects.toMatchObject({ exitCode: 'TERMINATED' });
    release();
  });

  it('lets a write finish, then stops before the next step, and says so once', async () => {
    const { interruption, said } = quiet();
    const steps: string[] = [];
    const command = (async () => {
      await interruption.duringWrite(async () => {
        interruption.raise('SIGINT');
        interruption.raise('SIGINT');
        expect(interruption.stopRequested()).toBe(true);
        await Promise.resolve();
        steps.push('write finished');
      });
      steps.push('next step');
    })();
    await expect(interruption.run(command)).rejects.toBeInstanceOf(CliFailure);
    expect(steps).toEqual(['write finished']);
    expect(said).toEqual(['pinlater-ops: SIGINT received: finishing the write in progress, then stopping\n']);
  });

  it('a stop request that came before the command ran stops it', async () => {
    const { interruption } = quiet();
    interruption.raise('SIGINT');
    await expect(interruption.run(Promise.resolve(1))).rejects.toMatchObject({ exitCode: 'INTERRUPTED' });
  });
});
