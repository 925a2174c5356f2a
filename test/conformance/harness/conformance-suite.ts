/**
 * `describeConformance(title, body)`: one describe block per selected backend profile. Before the
 * block's tests it builds the profile's backend in a fresh namespace, starts the real gateway on an
 * ephemeral port in-process and connects a real Thrift client; afterwards it closes every client,
 * the gateway and the backend, cleans the namespace, and the file checks that no handle leaked.
 *
 * A profile whose backend (or the gateway) cannot be built fails every test of its block with the
 * reason; nothing is skipped silently. A profile may share resources between the blocks of one
 * file (file-scope.ts): they are closed after the file's last block, before the leak check.
 */
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import { assertNoLeaks } from '../../support/leak-check';
import { randomAlnum } from '../../support/namespaces';
import type { BackendInstance, BackendProfile, BackendTraits, MonitorOverrides } from './backend-profile';
import { ConformanceClient, type ServerAddress } from './conformance-client';
import { runFileEndCleanups } from './file-scope';
import { startConformanceGateway, type ConformanceGateway, type GatewayOverrides } from './gateway-harness';
import { selectedProfiles } from './profiles';

export interface SuiteOptions {
  readonly monitor?: MonitorOverrides;
  readonly gateway?: GatewayOverrides;
  /** Run on these profiles instead of the CONFORMANCE_BACKENDS selection. */
  readonly profiles?: readonly BackendProfile[];
}

export interface ConformanceContext {
  readonly profile: BackendProfile;
  readonly traits: BackendTraits;
  /** The default client (source `conformance:client`), connected before the first test. */
  readonly client: ConformanceClient;
  /** For monitor runs only (`runMonitorOnce`); every assertion goes through the wire. */
  readonly backend: PinLaterBackend;
  readonly address: ServerAddress;
  /** A further client with its own connection and source; closed after the block. */
  connect(source: string): Promise<ConformanceClient>;
  /** A fresh queue name (`\w+`, short enough for MySQL database names). */
  queueName(prefix?: string): string;
  /** A fresh queue, created through the wire. */
  newQueue(prefix?: string): Promise<string>;
}

let leakCheckRegistered = false;

export function describeConformance(title: string, body: (ctx: ConformanceContext) => void, options: SuiteOptions = {}): void {
  if (!leakCheckRegistered) {
    leakCheckRegistered = true;
    // Resources shared by the file's blocks (file-scope.ts) are closed first, then nothing may be left.
    afterAll(async () => {
      const errors: unknown[] = [];
      await runFileEndCleanups().catch((e: unknown) => errors.push(e));
      await assertNoLeaks().catch((e: unknown) => errors.push(e));
      if (errors.length > 0) throw errors[0];
    }, 60_000);
  }
  const profiles = options.profiles ?? selectedProfiles();
  describe.each(profiles.map((profile) => [profile.name, profile] as const))(`%s: ${title}`, (_name, profile) => {
    const state = new SuiteState(profile, title, options);
    beforeAll(() => state.start(), 60_000);
    afterAll(() => state.stop(), 60_000);
    body(state);
  });
}

class SuiteState implements ConformanceContext {
  private instance: BackendInstance | undefined;
  private gateway: ConformanceGateway | undefined;
  private defaultClient: ConformanceClient | undefined;
  private readonly clients: ConformanceClient[] = [];

  constructor(
    readonly profile: BackendProfile,
    private readonly title: string,
    private readonly options: SuiteOptions,
  ) {}

  get traits(): BackendTraits {
    return this.profile.traits;
  }

  get client(): ConformanceClient {
    return required(this.defaultClient, 'client');
  }

  get backend(): PinLaterBackend {
    return required(this.instance, 'backend').backend;
  }

  get address(): ServerAddress {
    return required(this.gateway, 'gateway').address;
  }

  async start(): Promise<void> {
    this.instance = await this.profile.create({ label: `${this.profile.name}:${this.title}`, monitor: this.options.monitor ?? {} });
    this.gateway = await startConformanceGateway(this.instance.backend, this.options.gateway ?? {});
    this.defaultClient = await this.connect('conformance:client');
  }

  async stop(): Promise<void> {
    const errors: unknown[] = [];
    const attempt = async (fn: () => Promise<void>): Promise<void> => {
      try {
        await fn();
      } catch (error) {
        errors.push(error);
      }
    };
    await Promise.all(this.clients.map((c) => attempt(() => c.close())));
    if (this.gateway) await attempt(() => required(this.gateway, 'gateway').close());
    if (this.instance) await attempt(() => required(this.instance, 'backend').cleanup());
    if (errors.length > 0) throw errors[0];
  }

  async connect(source: string): Promise<ConformanceClient> {
    const client = await ConformanceClient.connect(this.address, source);
    this.clients.push(client);
    return client;
  }

  queueName(prefix = 'q'): string {
    return `${prefix}_${randomAlnum(8)}`;
  }

  async newQueue(prefix?: string): Promise<string> {
    const name = this.queueName(prefix);
    await this.client.createQueue(name);
    return name;
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`conformance ${what} is not ready (its beforeAll failed; see the first error)`);
  return value;
}
